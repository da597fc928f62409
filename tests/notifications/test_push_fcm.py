"""FCMBackend against the real firebase-admin SDK talking HTTP to notifications.fake_fcm.

Nothing of ours is mocked: the SDK fetches an OAuth2 token from the fake server, sends one HTTP
request per message, and parses the fake's FCM v1 error bodies into its own exception types.
Only ``sleep`` and ``random`` are injected, so back-off is recorded instead of waited.

Behaviour tests run for both transports (``transport`` fixture: the SDK's ``send_each`` and our
keep-alive pool); tests of SDK plumbing pin ``transport`` to ``"sdk"``. Tests of the pool
itself are in test_push_fcm_pool.py.
"""

from __future__ import annotations

from datetime import UTC, datetime

import firebase_admin
import pytest
from firebase_admin import messaging

from notifications.fake_fcm import Behaviour, FakeFCMServer
from notifications.push import FCMBackend, PushOutcome, RetryPolicy, TokenKind
from notifications.push.fcm import parse_retry_after

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


def test_unregistered_token(fcm, make_backend, sleep):
    fcm.set_behaviour("gone", Behaviour.unregistered())
    backend = make_backend()

    [result] = backend.send([msg("gone")])

    assert result.outcome is PushOutcome.UNREGISTERED
    assert result.deactivates_token
    assert "UnregisteredError" in result.error
    assert result.message_id is None
    assert fcm.calls_for("gone") == 1
    assert sleep.calls == []


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


def test_other_invalid_argument_fails_without_blaming_the_token(fcm, make_backend, sleep):
    fcm.set_behaviour("fine-token", Behaviour.invalid_argument())

    [result] = make_backend().send([msg("fine-token")])

    assert result.outcome is PushOutcome.FAILED
    assert not result.deactivates_token
    assert "INVALID_ARGUMENT" in result.error
    assert fcm.calls_for("fine-token") == 1
    assert sleep.calls == []


def test_quota_exceeded_waits_for_retry_after_then_sends(fcm, make_backend, sleep):
    fcm.set_behaviour("busy", Behaviour.quota_exceeded(times=1, retry_after=2))
    backend = make_backend(random=lambda: 0.0)

    [result] = backend.send([msg("busy")])

    assert result.outcome is PushOutcome.SENT
    assert sleep.calls == [2.0]
    # Exactly two requests: urllib3 did not sleep on Retry-After and retry behind our back.
    assert fcm.calls_for("busy") == 2


def test_internal_error_twice_then_success(fcm, make_backend, sleep):
    fcm.set_behaviour("flaky", Behaviour.internal(times=2))
    backend = make_backend(random=lambda: 1.0, retry_policy=RetryPolicy(base_delay=0.5))

    [result] = backend.send([msg("flaky")])

    assert result.outcome is PushOutcome.SENT
    assert fcm.calls_for("flaky") == 3  # the SDK's own 4 retries on 500 are disabled
    assert sleep.calls == [0.5, 1.0]  # exponential: base, 2 * base (random=1.0 hits the cap)


def test_internal_error_always_is_transient_after_the_attempt_limit(fcm, make_backend, sleep):
    fcm.set_behaviour("down", Behaviour.internal())
    backend = make_backend(retry_policy=RetryPolicy(max_attempts=3))

    [result] = backend.send([msg("down")])

    assert result.outcome is PushOutcome.TRANSIENT
    assert not result.deactivates_token
    assert "InternalError" in result.error and "HTTP 500" in result.error
    assert "gave up after 3 attempt(s)" in result.error
    assert fcm.calls_for("down") == 3
    assert len(sleep.calls) == 2


def test_unavailable_503_is_retried(fcm, make_backend, sleep):
    fcm.set_behaviour("blip", Behaviour.unavailable(times=1))

    [result] = make_backend().send([msg("blip")])

    assert result.outcome is PushOutcome.SENT
    assert fcm.calls_for("blip") == 2


def test_only_failed_tokens_are_retried_and_order_is_kept(fcm, make_backend, sleep):
    fcm.set_behaviour("flaky", Behaviour.internal(times=1))
    fcm.set_behaviour("gone", Behaviour.unregistered())
    backend = make_backend()

    results = backend.send([msg("ok-1"), msg("flaky"), msg("gone"), msg("ok-2")])

    assert [(r.token, r.outcome) for r in results] == [
        ("ok-1", PushOutcome.SENT),
        ("flaky", PushOutcome.SENT),
        ("gone", PushOutcome.UNREGISTERED),
        ("ok-2", PushOutcome.SENT),
    ]
    assert fcm.calls_for("ok-1") == fcm.calls_for("ok-2") == fcm.calls_for("gone") == 1
    assert fcm.calls_for("flaky") == 2
    assert len(sleep.calls) == 1


def test_retry_after_beyond_the_total_delay_budget_gives_up_at_once(fcm, make_backend, sleep):
    fcm.set_behaviour("throttled", Behaviour.quota_exceeded(retry_after=120))
    backend = make_backend(retry_policy=RetryPolicy(max_total_delay=30))

    [result] = backend.send([msg("throttled")])

    assert result.outcome is PushOutcome.TRANSIENT
    assert result.retry_after == 120
    assert "QuotaExceededError" in result.error
    assert sleep.calls == []
    assert fcm.calls_for("throttled") == 1


def test_total_delay_budget_bounds_the_backoff(fcm, make_backend, sleep):
    fcm.set_behaviour("down", Behaviour.unavailable())
    policy = RetryPolicy(max_attempts=10, base_delay=1, max_delay=100, max_total_delay=5)
    backend = make_backend(random=lambda: 0.99, retry_policy=policy)

    [result] = backend.send([msg("down")])

    assert result.outcome is PushOutcome.TRANSIENT
    assert sleep.total <= 5
    assert len(sleep.calls) == 2  # 0.99 + 1.98; the next wait (3.96) would exceed 5 s


def test_hang_times_out_and_is_retried(fcm, make_backend, sleep):
    fcm.set_behaviour("slow", Behaviour.hang(times=1, seconds=10))
    backend = make_backend(http_timeout=0.3)

    [result] = backend.send([msg("slow")])

    assert result.outcome is PushOutcome.SENT
    assert fcm.calls_for("slow") == 2  # no hidden urllib3 read retry


def test_hang_always_is_transient_timeout(fcm, make_backend, sleep):
    fcm.set_behaviour("slow", Behaviour.hang(seconds=10))
    backend = make_backend(http_timeout=0.2, retry_policy=RetryPolicy(max_attempts=2))

    [result] = backend.send([msg("slow"), msg("fast")])[:1]

    assert result.outcome is PushOutcome.TRANSIENT
    assert "DeadlineExceededError" in result.error
    assert "gave up after 2 attempt(s)" in result.error
    assert fcm.calls_for("slow") == 2
    assert fcm.calls_for("fast") == 1


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
            assert first.app.name != second.app.name
            assert first.app is not firebase_admin.get_app(second.app.name)
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


def test_retry_policy_full_jitter():
    policy = RetryPolicy(base_delay=0.5, max_delay=3)
    assert policy.backoff(1, 0.0) == 0
    assert policy.backoff(1, 0.5) == 0.25
    assert policy.backoff(3, 1.0) == 2.0
    assert policy.backoff(10, 1.0) == 3  # capped by max_delay
    with pytest.raises(ValueError):
        RetryPolicy(max_attempts=0)


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


@pytest.mark.parametrize("transport", ["sdk"])
def test_the_environment_is_read_once_unless_it_configures_a_proxy(make_backend, monkeypatch):
    # requests re-reads proxy variables on every request; without any, that is skipped.
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY",
                 "all_proxy", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "NETRC"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    plain = make_backend()
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.district.org:3128")
    behind_a_proxy = make_backend()

    assert plain._session.trust_env is False
    assert behind_a_proxy._session.trust_env is True


@pytest.mark.parametrize("transport", ["sdk"])
def test_a_ca_bundle_in_the_environment_is_applied_once(make_backend, monkeypatch, tmp_path):
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY",
                 "all_proxy", "NETRC", "CURL_CA_BUNDLE"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    bundle = tmp_path / "district-ca.pem"
    bundle.write_text("not read until an https request")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    monkeypatch.setenv("CURL_CA_BUNDLE", "/ignored/when/requests-bundle-is-set.pem")

    backend = make_backend()

    assert backend._session.trust_env is False
    assert backend._session.verify == str(bundle)
    assert backend.send([msg("tok-a")])[0].ok  # plain http to the fake server still works


def test_a_batch_larger_than_batch_size_needs_one_token_fetch(fcm, make_backend):
    backend = make_backend(batch_size=50)

    results = backend.send([msg(f"tok-{i}") for i in range(120)])

    assert [r.token for r in results] == [f"tok-{i}" for i in range(120)]
    assert all(r.ok for r in results)
    assert fcm.send_requests == 120
    assert fcm.token_requests == 1


def test_a_revoked_access_token_is_refreshed_and_the_batch_resent(
    fcm, make_backend, sleep, transport
):
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
    assert sleep.calls == []


def test_a_second_401_fails_without_retrying(fcm, make_backend, sleep, monkeypatch):
    backend = make_backend()
    assert backend.send([msg("warm-up")])[0].ok
    # Every token the server issues from now on is refused.
    monkeypatch.setattr(fcm, "_access_tokens", _Forgetful())

    [result] = backend.send([msg("tok")])

    assert result.outcome is PushOutcome.FAILED
    assert "UnauthenticatedError" in result.error or "HTTP 401" in result.error
    assert sleep.calls == []


class _Forgetful(set):
    """A set of issued tokens that never keeps what is added."""

    def add(self, item):
        pass


def test_a_connection_reset_under_a_request_loses_and_duplicates_nothing(fcm, make_backend):
    fcm.set_behaviour("tok-reset", Behaviour.reset(times=1))
    backend = make_backend()

    results = backend.send([msg("tok-1"), msg("tok-reset"), msg("tok-2")])

    assert [r.outcome for r in results] == [PushOutcome.SENT] * 3
    assert len(fcm.messages_for("tok-reset")) == 1
    assert len(fcm.received) == 3


def test_a_server_closing_each_connection_is_survived(tmp_path, transport, sleep):
    with FakeFCMServer(close_connections=True) as closing:
        backend = FCMBackend(
            closing.write_service_account_file(tmp_path / "sa.json"),
            fcm_base_url=closing.base_url,
            transport=transport,
            sleep=sleep,
        )
        try:
            for round_number in range(3):
                results = backend.send([msg(f"tok-{round_number}-{i}") for i in range(10)])
                assert all(r.ok for r in results), results
        finally:
            backend.close()
        assert closing.send_requests == 30
        assert len(closing.received) == 30
        assert sleep.calls == []
