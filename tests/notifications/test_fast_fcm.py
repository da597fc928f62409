"""The benchmark's fast fake FCM (`bench.fast_fcm`) serves the project's real FCMBackend, over
both transports, the way `tests.fakes.fake_fcm` does, and refuses what FCM would refuse."""

import http.client
import json
import re
import time
import urllib.parse

import pytest

from bench.notifications_throughput import fcm_stats, start_fake_fcm
from notifications.push import FCMBackend, PushMessage, PushOutcome

SEND_PATH = "/v1/projects/fake-project/messages:send"


@pytest.fixture(scope="module")
def fast_fcm(tmp_path_factory):
    """(base URL, service-account file) of one fast fake for the module, run as the bench does."""
    service_account = tmp_path_factory.mktemp("fast-fcm") / "service-account.json"
    process, base_url = start_fake_fcm("fast", 0.0, service_account)
    yield base_url, service_account
    process.terminate()
    process.wait(timeout=10)
    process.stdout.close()


def messages(count: int) -> list[PushMessage]:
    return [PushMessage(token=f"token-{n}", title="Visit", body="Room 12") for n in range(count)]


def changes(before: dict, after: dict) -> dict:
    return {key: after[key] - before[key] for key in before}


@pytest.mark.parametrize("transport", ["pool", "sdk"])
def test_backend_sends_every_message_over_kept_alive_connections(fast_fcm, transport):
    base_url, service_account = fast_fcm
    backend = FCMBackend(
        service_account, fcm_base_url=base_url, transport=transport, http_timeout=5.0
    )
    try:
        before = fcm_stats(base_url)
        first = backend.send(messages(50))
        middle = fcm_stats(base_url)
        second = backend.send(messages(50))
        after = fcm_stats(base_url)
    finally:
        backend.close()

    results = first + second
    assert {result.outcome for result in results} == {PushOutcome.SENT}
    ids = [result.message_id for result in results]
    assert all(re.fullmatch(r"projects/fake-project/messages/\d+", id_) for id_ in ids)
    assert len(set(ids)) == 100
    first_round = changes(before, middle)
    first_round.pop("connections_accepted")
    assert first_round == {"send_requests": 50, "token_requests": 1, "unauthorized_requests": 0}
    second_round = changes(middle, after)
    # Less the /stats request's own connection: urllib closes it after the answer.
    new_connections = second_round.pop("connections_accepted") - 1
    assert second_round == {"send_requests": 50, "token_requests": 0, "unauthorized_requests": 0}
    if transport == "pool":
        assert new_connections == 0
    else:
        # Some of send_each's 50 threads can ask urllib3 for a connection before the first
        # round's have all gone back to its pool (tests.fakes.fake_fcm sees the same).
        assert new_connections < 25


def test_refusals_in_fcm_error_shape_on_one_connection(fast_fcm):
    base_url, _ = fast_fcm
    before = fcm_stats(base_url)
    connection = http.client.HTTPConnection(urllib.parse.urlsplit(base_url).netloc, timeout=5)

    def post(path: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict]:
        connection.request("POST", path, body, headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read())

    try:
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        status, token = post("/token", b"grant_type=jwt-bearer&assertion=x", form)
        assert status == 200 and token["token_type"] == "Bearer"
        authorized = {"Authorization": f"Bearer {token['access_token']}"}
        answers = [
            post(SEND_PATH, b"{not json", authorized),
            post(SEND_PATH, b'{"message": {"notification": {"title": "x"}}}', authorized),
            post(SEND_PATH, b'["message"]', authorized),
            post(SEND_PATH, b'{"message": {"token": "t"}}', {"Authorization": "Bearer stale"}),
            post(SEND_PATH, b'{"message": {"token": "t"}}', {}),
            post(SEND_PATH, b'{"message": {"fid": "installation-id"}}', authorized),
        ]
    finally:
        connection.close()

    statuses = [(status, body.get("error", {}).get("status")) for status, body in answers]
    assert statuses == [
        (400, "INVALID_ARGUMENT"),
        (400, "INVALID_ARGUMENT"),
        (400, "INVALID_ARGUMENT"),
        (401, "UNAUTHENTICATED"),
        (401, "UNAUTHENTICATED"),
        (200, None),
    ]
    assert answers[0][1]["error"]["code"] == 400
    assert answers[0][1]["error"]["details"][0]["errorCode"] == "INVALID_ARGUMENT"
    assert re.fullmatch(r"projects/fake-project/messages/\d+", answers[-1][1]["name"])
    assert changes(before, fcm_stats(base_url)) == {
        "send_requests": 6,
        "token_requests": 1,
        "unauthorized_requests": 2,
        "connections_accepted": 2,  # this test's, and the last /stats request's
    }


def test_latency_delays_answers_without_serialising_them(tmp_path):
    service_account = tmp_path / "service-account.json"
    process, base_url = start_fake_fcm("fast", 0.3, service_account)
    try:
        backend = FCMBackend(
            service_account, fcm_base_url=base_url, transport="pool", http_timeout=5.0
        )
        try:
            started = time.perf_counter()
            results = backend.send(messages(50))
            elapsed = time.perf_counter() - started
        finally:
            backend.close()
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()

    assert {result.outcome for result in results} == {PushOutcome.SENT}
    assert 0.3 <= elapsed < 3.0  # one after the other would take 15 s
