"""FCMBackend talking HTTP to tests.fakes.fake_fcm, over both transports.

Nothing of ours is mocked: the back-end fetches an OAuth2 token from the fake server, sends one
HTTP request per message, and maps the fake's FCM v1 answers to outcomes: the pool transport
from the documented error JSON itself, the sdk transport through firebase-admin's exception
types. Behaviour tests run for both (``transport`` fixture), and
``test_both_transports_reach_the_same_outcome`` holds them equal on every answer kind; tests of
SDK plumbing pin ``transport`` to ``"sdk"``. Tests of the pool itself are in
test_push_fcm_pool.py.

The back-end sends each message once: a transient answer comes back TRANSIENT with FCM's
``Retry-After``, and the outbox is the only retry level (test_delivery_fcm.py).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import firebase_admin
import pytest
from firebase_admin import messaging

from notifications.push import FCMBackend, PushOutcome, TokenKind
from notifications.push.fcm import parse_retry_after
from notifications.push.fcm_v1 import answer_outcome
from tests.fakes.fake_fcm import Behaviour, FakeFCMServer, Kind

from .fcm_backends import msg


def test_three_messages_are_sent_in_order_with_their_payload(fcm, make_backend):
    backend = make_backend()
    messages = [
        msg("tok-a", data={"observation_id": "17"}, collapse_key="obs-17", thread_id="cohort-3"),
        msg("tok-b"),
        msg("tok-c"),
    ]

    results = backend.send(messages)

    assert [r.token for r in results] == ["tok-a", "tok-b", "tok-c"]
    assert all(r.outcome is PushOutcome.SENT for r in results)
    assert all(r.message_id.startswith("projects/teacher-app/messages/") for r in results)
    assert len({r.message_id for r in results}) == 3
    assert all(r.error is None and r.retry_after is None for r in results)
    [wire] = fcm.messages_for("tok-a")
    assert wire["notification"] == {"title": "Observation tomorrow", "body": "Room 12 at 9:00"}
    assert wire["data"] == {"observation_id": "17"}
    assert wire["android"]["collapse_key"] == "obs-17"
    assert wire["apns"]["headers"] == {"apns-collapse-id": "obs-17"}
    assert wire["apns"]["payload"]["aps"]["thread-id"] == "cohort-3"
    assert "android" not in fcm.messages_for("tok-b")[0]
    assert fcm.send_requests == 3
    assert fcm.unauthorized_requests == 0


def test_installation_ids_are_sent_as_fid_and_tokens_without_deprecation_warning(
    fcm, make_backend, recwarn
):
    backend = make_backend()

    results = backend.send([msg("fid-1", token_kind=TokenKind.FID), msg("reg-1")])

    assert all(r.ok for r in results)
    [by_fid] = fcm.messages_for("fid-1")
    assert by_fid["fid"] == "fid-1" and "token" not in by_fid
    [by_token] = fcm.messages_for("reg-1")
    assert by_token["token"] == "reg-1" and "fid" not in by_token
    assert not [w for w in recwarn if issubclass(w.category, DeprecationWarning)]


@pytest.mark.parametrize("transport", ["sdk"])
def test_501_messages_go_out_as_two_send_each_calls_with_one_token_fetch(
    fcm, make_backend, monkeypatch
):
    real_send_each = messaging.send_each
    batch_sizes: list[int] = []

    def counting_send_each(messages, dry_run=False, app=None):
        batch_sizes.append(len(messages))
        return real_send_each(messages, dry_run=dry_run, app=app)

    monkeypatch.setattr(messaging, "send_each", counting_send_each)
    backend = make_backend()

    results = backend.send([msg(f"tok-{i}") for i in range(501)])

    assert batch_sizes == [500, 1]
    assert [r.token for r in results] == [f"tok-{i}" for i in range(501)]
    assert all(r.ok for r in results)
    assert fcm.send_requests == 501
    # The token is fetched once up front instead of by each of the 500 SDK threads.
    assert fcm.token_requests == 1


def test_unregistered_token(fcm, make_backend):
    fcm.set_behaviour("gone", Behaviour.unregistered())
    backend = make_backend()

    [result] = backend.send([msg("gone")])

    assert result.outcome is PushOutcome.UNREGISTERED
    assert result.deactivates_token
    assert "NOT_FOUND, HTTP 404" in result.error
    assert "Requested entity was not found" in result.error
    assert result.message_id is None
    assert fcm.calls_for("gone") == 1


def test_invalid_registration_token(fcm, make_backend):
    fcm.set_behaviour("garbage", Behaviour.invalid_token())
    backend = make_backend()

    [result] = backend.send([msg("garbage")])

    assert result.outcome is PushOutcome.INVALID_TOKEN
    assert "not a valid FCM registration token" in result.error
    assert fcm.calls_for("garbage") == 1


def test_sender_id_mismatch_is_an_invalid_token(fcm, make_backend):
    fcm.set_behaviour("other-project", Behaviour.sender_id_mismatch())

    [result] = make_backend().send([msg("other-project")])

    assert result.outcome is PushOutcome.INVALID_TOKEN
    assert result.deactivates_token


def test_other_invalid_argument_fails_without_blaming_the_token(fcm, make_backend):
    fcm.set_behaviour("fine-token", Behaviour.invalid_argument())

    [result] = make_backend().send([msg("fine-token")])

    assert result.outcome is PushOutcome.FAILED
    assert not result.deactivates_token
    assert "INVALID_ARGUMENT" in result.error
    assert fcm.calls_for("fine-token") == 1


def test_a_third_party_auth_error_fails_without_blaming_the_token(fcm, make_backend):
    # 401 with FcmError THIRD_PARTY_AUTH_ERROR: the APNs key in the Firebase console, not our
    # access token, so a fresh token cannot cure it.
    fcm.set_behaviour("iphone", Behaviour.third_party_auth_error())

    [result] = make_backend().send([msg("iphone")])

    assert result.outcome is PushOutcome.FAILED
    assert not result.deactivates_token
    assert "HTTP 401" in result.error


def test_quota_exceeded_is_sent_once_and_reports_retry_after(fcm, make_backend):
    fcm.set_behaviour("busy", Behaviour.quota_exceeded(times=1, retry_after=2))
    backend = make_backend()

    [result] = backend.send([msg("busy")])

    # No in-process retry (the outbox reschedules it, no sooner than Retry-After says).
    assert result.outcome is PushOutcome.TRANSIENT
    assert result.retry_after == 2.0
    assert "RESOURCE_EXHAUSTED, HTTP 429" in result.error
    assert fcm.calls_for("busy") == 1


@pytest.mark.parametrize(
    "behaviour",
    [Behaviour.internal(times=1), Behaviour.unavailable(times=1)],
    ids=["500-internal", "503-unavailable"],
)
def test_server_errors_are_transient_after_one_request(fcm, make_backend, behaviour):
    fcm.set_behaviour("flaky", behaviour)

    results = make_backend().send([msg("ok-1"), msg("flaky"), msg("ok-2")])

    assert [r.outcome for r in results] == [
        PushOutcome.SENT,
        PushOutcome.TRANSIENT,
        PushOutcome.SENT,
    ]
    assert results[1].retry_after is None and not results[1].deactivates_token
    assert "HTTP 50" in results[1].error
    assert fcm.calls_for("flaky") == 1  # neither we nor urllib3 retried behind the outbox


def test_a_hang_times_out_as_transient_without_a_second_request(fcm, make_backend):
    fcm.set_behaviour("slow", Behaviour.hang(seconds=10))
    backend = make_backend(http_timeout=0.2)

    results = backend.send([msg("slow"), msg("fast")])

    assert results[0].outcome is PushOutcome.TRANSIENT
    assert "DEADLINE_EXCEEDED" in results[0].error
    assert results[1].ok
    assert fcm.calls_for("slow") == 1  # a request that may have got through is not resent


# Every answer kind of the fake, with what it must become (outcome, retry_after) on both.
PARITY = {
    Kind.SUCCESS: (PushOutcome.SENT, None),
    Kind.UNREGISTERED: (PushOutcome.UNREGISTERED, None),
    Kind.INVALID_TOKEN: (PushOutcome.INVALID_TOKEN, None),
    Kind.INVALID_ARGUMENT: (PushOutcome.FAILED, None),
    Kind.SENDER_ID_MISMATCH: (PushOutcome.INVALID_TOKEN, None),
    Kind.THIRD_PARTY_AUTH_ERROR: (PushOutcome.FAILED, None),
    Kind.QUOTA_EXCEEDED: (PushOutcome.TRANSIENT, 30.0),
    Kind.INTERNAL: (PushOutcome.TRANSIENT, None),
    Kind.UNAVAILABLE: (PushOutcome.TRANSIENT, 30.0),
    Kind.HANG: (PushOutcome.TRANSIENT, None),
}


@pytest.mark.parametrize("transport", ["pool"])
def test_both_transports_reach_the_same_outcome(fcm, make_backend):
    assert set(PARITY) == set(Kind) - {Kind.RESET}  # a new kind must be added here
    for kind in PARITY:
        retry_after = 30 if kind in (Kind.QUOTA_EXCEEDED, Kind.UNAVAILABLE) else None
        fcm.set_behaviour(f"tok-{kind}", Behaviour(kind, retry_after=retry_after, hang_seconds=5))
    messages = [msg(f"tok-{kind}") for kind in PARITY]

    by_transport = {}
    for transport in ("sdk", "pool"):
        results = make_backend(transport=transport, http_timeout=0.5).send(messages)
        by_transport[transport] = {
            kind: (result.outcome, result.retry_after)
            for kind, result in zip(PARITY, results, strict=True)
        }

    assert by_transport["pool"] == PARITY
    assert by_transport["sdk"] == PARITY


@pytest.mark.parametrize("transport", ["sdk"])
def test_payload_the_sdk_refuses_fails_alone(fcm, make_backend):
    backend = make_backend()
    # The SDK's encoder refuses a non-string collapse key before sending anything. PushMessage
    # validation would stop it earlier, so it is forced in to imitate a payload the SDK rejects.
    # (The pool transport encodes without the SDK; it fails alone on what JSON cannot encode.)
    bad = msg("tok-bad")
    object.__setattr__(bad, "collapse_key", 123)

    results = backend.send([msg("tok-1"), bad, msg("tok-2")])

    assert [r.outcome for r in results] == [PushOutcome.SENT, PushOutcome.FAILED, PushOutcome.SENT]
    assert "ValueError" in results[1].error


def test_two_backends_use_separate_named_apps_and_servers(fcm, make_backend, tmp_path, transport):
    with FakeFCMServer(project_id="second-project") as other:
        other_file = other.write_service_account_file(tmp_path / "other.json")
        first = make_backend()
        second = FCMBackend(
            other_file, fcm_base_url=other.base_url, app_name="second-app", transport=transport
        )
        try:
            if transport == "sdk":
                assert first.app.name != second.app.name
                assert first.app is not firebase_admin.get_app(second.app.name)
            else:
                assert first.app is None and second.app is None  # no firebase_admin.App
            [r1] = first.send([msg("to-first")])
            [r2] = second.send([msg("to-second")])
        finally:
            second.close()
        assert r1.message_id.startswith("projects/teacher-app/")
        assert r2.message_id.startswith("projects/second-project/")
        assert fcm.calls_for("to-first") == 1 and other.calls_for("to-first") == 0
        assert other.calls_for("to-second") == 1 and fcm.calls_for("to-second") == 0
    with pytest.raises(ValueError):
        firebase_admin.get_app("second-app")  # closed backends delete their app
    with pytest.raises(ValueError):
        firebase_admin.get_app()  # the default app is never created


def test_closed_backend_refuses_to_send(make_backend):
    backend = make_backend()
    backend.close()
    backend.close()  # idempotent
    with pytest.raises(RuntimeError):
        backend.send([msg("tok")])


def test_empty_send_makes_no_request(fcm, make_backend):
    assert make_backend().send([]) == []
    assert fcm.send_requests == 0


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"batch_size": 501}, "batch_size"),
        ({"batch_size": 0}, "batch_size"),
        ({"http_timeout": 0}, "http_timeout"),
        ({"fcm_base_url": "127.0.0.1:80"}, "fcm_base_url"),
        ({"transport": "grpc"}, "transport"),
        ({"pool_connections": 0}, "pool_connections"),
    ],
)
def test_constructor_validation(make_backend, kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_backend(**kwargs)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("2", 2.0),
        (" 1.5 ", 1.5),
        ("-3", 0.0),
        ("Wed, 21 Oct 2015 07:28:30 GMT", 30.0),
        ("Wed, 21 Oct 2015 07:27:00 GMT", 0.0),
        ("soon", None),
        ("nan", None),
        (None, None),
    ],
)
def test_parse_retry_after(header, seconds):
    now = datetime(2015, 10, 21, 7, 28, 0, tzinfo=UTC)
    assert parse_retry_after(header, now=now) == seconds


def test_against_a_fake_server_nothing_but_loopback_is_resolved(fcm, make_backend, monkeypatch):
    # google-auth looks up a "regional access boundary" at iamcredentials.googleapis.com in a
    # background thread after each token refresh; with fcm_base_url that must not happen.
    import socket
    import time

    resolved: list[str] = []
    real_getaddrinfo = socket.getaddrinfo

    def recording_getaddrinfo(host, *args, **kwargs):
        resolved.append(host)
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", recording_getaddrinfo)
    backend = make_backend()

    assert backend.send([msg("tok-a")])[0].ok
    time.sleep(0.3)  # time for a background lookup to start, if one were going to

    assert set(resolved) <= {"127.0.0.1", "localhost"}, resolved


def test_the_transport_is_not_read_from_the_environment(make_backend, monkeypatch):
    # Settings go through Django settings (FCM_TRANSPORT there); the module reads no variable.
    monkeypatch.setenv("FCM_TRANSPORT", "sdk")

    assert make_backend(transport="pool").transport == "pool"
    assert FCMBackend.__init__.__kwdefaults__["transport"] == "pool"


def test_a_batch_larger_than_batch_size_needs_one_token_fetch(fcm, make_backend):
    backend = make_backend(batch_size=50)

    results = backend.send([msg(f"tok-{i}") for i in range(120)])

    assert [r.token for r in results] == [f"tok-{i}" for i in range(120)]
    assert all(r.ok for r in results)
    assert fcm.send_requests == 120
    assert fcm.token_requests == 1


def test_a_revoked_access_token_is_refreshed_and_the_batch_resent(fcm, make_backend, transport):
    backend = make_backend()
    assert backend.send([msg("warm-up")])[0].ok
    fcm.revoke_access_tokens()

    results = backend.send([msg(f"tok-{i}") for i in range(20)])

    assert all(r.ok for r in results), results
    if transport == "pool":
        assert fcm.token_requests == 2  # one refresh for the whole batch
        assert fcm.unauthorized_requests == 20
    else:
        # google-auth refreshes in each send_each thread that met a 401, racing the others.
        assert fcm.token_requests >= 2 and fcm.unauthorized_requests >= 1
    assert all(fcm.calls_for(f"tok-{i}") == 1 for i in range(20))


def test_a_second_401_fails_without_retrying(fcm, make_backend, monkeypatch):
    backend = make_backend()
    assert backend.send([msg("warm-up")])[0].ok
    # Every token the server issues from now on is refused.
    monkeypatch.setattr(fcm, "_access_tokens", _Forgetful())

    [result] = backend.send([msg("tok")])

    assert result.outcome is PushOutcome.FAILED
    assert "HTTP 401" in result.error


class _Forgetful(set):
    """A set of issued tokens that never keeps what is added."""

    def add(self, item):
        pass


def test_a_connection_reset_under_a_request_loses_and_duplicates_nothing(
    fcm, make_backend, transport
):
    fcm.set_behaviour("tok-reset", Behaviour.reset(times=1))
    backend = make_backend()

    results = backend.send([msg("tok-1"), msg("tok-reset"), msg("tok-2")])

    # The pool resends a request whose connection died before any byte of an answer (a
    # kept-alive connection the server dropped) once on a fresh one; the sdk transport does
    # not (urllib3's retries are off), so the outbox tries it again later.
    reset_outcome = PushOutcome.SENT if transport == "pool" else PushOutcome.TRANSIENT
    assert [r.outcome for r in results] == [PushOutcome.SENT, reset_outcome, PushOutcome.SENT]
    assert len(fcm.messages_for("tok-reset")) == (1 if transport == "pool" else 0)


def test_a_server_closing_each_connection_is_survived(tmp_path, transport):
    with FakeFCMServer(close_connections=True) as closing:
        backend = FCMBackend(
            closing.write_service_account_file(tmp_path / "sa.json"),
            fcm_base_url=closing.base_url,
            transport=transport,
        )
        try:
            for round_number in range(3):
                results = backend.send([msg(f"tok-{round_number}-{i}") for i in range(10)])
                assert all(r.ok for r in results), results
        finally:
            backend.close()
        assert closing.send_requests == 30
        assert len(closing.received) == 30


def _status(code: int, status: str, message: str, error_code: str | None = None) -> bytes:
    error = {"code": code, "message": message, "status": status}
    if error_code:
        error["details"] = [
            {
                "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError",
                "errorCode": error_code,
            }
        ]
    return json.dumps({"error": error}).encode()


@pytest.mark.parametrize(
    ("status", "body", "headers", "outcome", "retry_after"),
    [
        (404, _status(404, "NOT_FOUND", "gone", "UNREGISTERED"), {},
         PushOutcome.UNREGISTERED, None),
        (403, _status(403, "PERMISSION_DENIED", "x", "SENDER_ID_MISMATCH"), {},
         PushOutcome.INVALID_TOKEN, None),
        (400, _status(400, "INVALID_ARGUMENT", "The registration token is not a valid FCM "
                      "registration token", "INVALID_ARGUMENT"), {},
         PushOutcome.INVALID_TOKEN, None),
        (400, _status(400, "INVALID_ARGUMENT", "Invalid value at 'message.data'"), {},
         PushOutcome.FAILED, None),
        (401, _status(401, "UNAUTHENTICATED", "APNs", "THIRD_PARTY_AUTH_ERROR"), {},
         PushOutcome.FAILED, None),
        (429, _status(429, "RESOURCE_EXHAUSTED", "quota", "QUOTA_EXCEEDED"), {"retry-after": "17"},
         PushOutcome.TRANSIENT, 17.0),
        (503, _status(503, "UNAVAILABLE", "busy", "UNAVAILABLE"), {"retry-after": "5"},
         PushOutcome.TRANSIENT, 5.0),
        (500, _status(500, "INTERNAL", "oops", "INTERNAL"), {}, PushOutcome.TRANSIENT, None),
        (500, _status(500, "UNKNOWN", "?", "UNSPECIFIED_ERROR"), {}, PushOutcome.TRANSIENT, None),
        (502, b"<html>Bad Gateway</html>", {}, PushOutcome.TRANSIENT, None),
        (429, b"", {"retry-after": "soon"}, PushOutcome.TRANSIENT, None),
        (404, _status(404, "NOT_FOUND", "no such project"), {}, PushOutcome.FAILED, None),
        (403, _status(403, "PERMISSION_DENIED", "API disabled"), {}, PushOutcome.FAILED, None),
        (200, b'{"name": "projects/p/messages/1"}', {}, PushOutcome.SENT, None),
        (200, b"not json", {}, PushOutcome.FAILED, None),
    ],
)  # fmt: skip
def test_each_documented_answer_maps_straight_to_an_outcome(
    status, body, headers, outcome, retry_after
):
    verdict = answer_outcome(status, headers, body)

    assert (verdict.outcome, verdict.retry_after) == (outcome, retry_after)
    if outcome is not PushOutcome.SENT:
        assert f"HTTP {status}" in verdict.reason or status == 200
