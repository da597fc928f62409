"""The pool transport of FCMBackend (notifications.push.http_pool) against the fake FCM server:
connection reuse, servers that close or reset connections, timeouts, and bodies equal to the
SDK's. Behaviour shared with the SDK transport is tested in test_push_fcm.py for both."""

from __future__ import annotations

import contextlib
import json
import socket
import threading

import pytest
from firebase_admin import messaging
from hypothesis import given, settings
from hypothesis import strategies as st

from notifications.fake_fcm import Behaviour, FakeFCMServer
from notifications.push import FCMBackend, PushMessage, PushOutcome, RetryPolicy, TokenKind
from notifications.push.fcm import v1_message
from notifications.push.http_pool import HTTPPool, PoolTimeout, Response

from .fcm_backends import msg


@pytest.fixture
def transport():
    return "pool"


@pytest.fixture
def waits(sleep):
    """The back-off waits the backends asked for (recorded, not waited)."""
    return sleep.calls


def test_connections_are_reused_across_requests_and_batches(fcm, make_backend):
    backend = make_backend(pool_connections=5)

    for round_number in range(3):
        results = backend.send([msg(f"tok-{round_number}-{i}") for i in range(40)])
        assert all(r.ok for r in results)

    assert fcm.send_requests == 120
    assert backend._pool.connections_opened <= 5
    assert fcm.connections_accepted <= 5 + 1  # + the OAuth2 token request's connection


def test_connection_close_answers_are_honoured(tmp_path, waits):
    with FakeFCMServer(close_connections=True) as closing:
        backend = FCMBackend(
            closing.write_service_account_file(tmp_path / "sa.json"),
            fcm_base_url=closing.base_url,
            transport="pool",
            pool_connections=3,
            sleep=waits.append,
        )
        try:
            results = backend.send([msg(f"tok-{i}") for i in range(12)])
            opened = backend._pool.connections_opened
        finally:
            backend.close()

    assert all(r.ok for r in results)
    assert opened == 12  # none reused after "Connection: close", so none failed
    assert len(closing.received) == 12


def test_the_pool_holds_a_connection_per_request_in_flight(make_backend):
    # FCM answers in tens of milliseconds: a pool smaller than what is in flight caps the rate.
    assert make_backend(batch_size=50)._pool.size == 50
    assert make_backend(batch_size=50, max_connections=100)._pool.size == 100
    assert make_backend(max_connections=100, pool_connections=7)._pool.size == 7


def test_connections_the_server_closed_while_idle_are_replaced(fcm, make_backend, waits):
    backend = make_backend(pool_connections=4)
    assert all(r.ok for r in backend.send([msg(f"first-{i}") for i in range(8)]))
    # The server drops every kept-alive connection, as FCM does after its idle timeout.
    with fcm._server.sockets_lock:
        open_sockets = list(fcm._server.open_sockets)
    for sock in open_sockets:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)

    results = backend.send([msg(f"second-{i}") for i in range(8)])

    assert all(r.ok for r in results), results
    assert waits == []  # no back-off: the pool reconnected by itself
    assert all(len(fcm.messages_for(f"second-{i}")) == 1 for i in range(8))


def test_a_reset_under_a_request_is_resent_once_on_a_new_connection(fcm, make_backend, waits):
    fcm.set_behaviour("tok-reset", Behaviour.reset(times=1))
    backend = make_backend()

    [result] = backend.send([msg("tok-reset")])

    assert result.outcome is PushOutcome.SENT
    assert fcm.calls_for("tok-reset") == 2
    assert len(fcm.messages_for("tok-reset")) == 1
    assert waits == []  # resent by the pool, not by the retry policy


def test_resets_every_time_end_transient(fcm, make_backend):
    fcm.set_behaviour("tok-reset", Behaviour.reset())
    backend = make_backend(retry_policy=RetryPolicy(max_attempts=2))

    [result] = backend.send([msg("tok-reset")])

    assert result.outcome is PushOutcome.TRANSIENT
    assert "UnavailableError" in result.error
    assert fcm.calls_for("tok-reset") == 4  # 2 attempts x (first try + one resend)
    assert fcm.messages_for("tok-reset") == []


def test_a_timeout_is_a_retryable_deadline_exceeded(fcm, make_backend):
    fcm.set_behaviour("slow", Behaviour.hang(seconds=10))
    backend = make_backend(http_timeout=0.2, retry_policy=RetryPolicy(max_attempts=1))

    results = backend.send([msg("slow"), msg("fast")])

    assert results[0].outcome is PushOutcome.TRANSIENT
    assert "DeadlineExceededError" in results[0].error
    assert results[1].ok
    assert fcm.calls_for("slow") == 1  # a request that may have got through is not resent


def test_the_pool_times_out_on_a_server_that_never_answers():
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []
    threading.Thread(target=lambda: accepted.append(listener.accept()[0]), daemon=True).start()
    pool = HTTPPool(f"http://127.0.0.1:{listener.getsockname()[1]}", size=1, timeout=0.2)
    try:
        [answer] = pool.post_all("/v1/x", [("Content-Type", "application/json")], [b"{}"])
    finally:
        pool.close()
        listener.close()
        for sock in accepted:
            sock.close()

    assert isinstance(answer, PoolTimeout)


def test_the_pool_posts_the_body_with_its_headers(fcm):
    pool = HTTPPool(fcm.base_url, size=2, timeout=2)
    try:
        [answer] = pool.post_all("/token", [("Content-Type", "application/json")], [b"{}"])
    finally:
        pool.close()

    assert isinstance(answer, Response) and answer.status == 200
    assert answer.headers["content-type"].startswith("application/json")
    assert json.loads(answer.body)["access_token"].startswith("fake-access-token-")


REPRESENTATIVE = [
    msg("plain"),
    msg("with-data", data={"kind": "VISIT_TOMORROW", "id": "VmlzaXQ6MQ==", "é": "ü ✓"}),
    msg("collapsing", collapse_key="obs-17", thread_id="cohort-3"),
    msg("tagged", tag="visit:9:soon:user:4", thread_id="Visit:VmlzaXQ6OQ=="),
    msg("both", tag="t", collapse_key="c"),
    msg("fid-1", token_kind=TokenKind.FID, tag="x"),
    PushMessage(token="empty", title="", body=""),
]


@pytest.mark.parametrize("dry_run", [False, True])
def test_bodies_equal_what_the_sdk_sends(make_backend, dry_run):
    backend = make_backend(dry_run=dry_run)
    service = messaging._get_messaging_service(backend.app)

    for message in REPRESENTATIVE:
        sdk_body = service._message_data(backend._to_fcm(message), dry_run)
        assert json.loads(backend._encode(message)) == sdk_body


_short = st.text(max_size=8)
_tag = st.one_of(st.none(), st.text(max_size=8).filter(lambda t: len(t.encode()) <= 64))


@settings(max_examples=300, deadline=None)
@given(
    token=st.text(min_size=1, max_size=8),
    title=_short,
    body=_short,
    data=st.dictionaries(st.sampled_from(["kind", "id", "type", "é"]), _short, max_size=3),
    collapse_key=_tag,
    tag=_tag,
    thread_id=st.one_of(st.none(), _short),
    token_kind=st.sampled_from(list(TokenKind)),
)
def test_every_message_is_encoded_as_the_sdk_encodes_it(**fields):
    message = PushMessage(**fields)

    sdk = messaging._MessagingService.encode_message(FCMBackend._to_fcm(message))

    assert v1_message(message) == sdk


def test_a_message_json_cannot_encode_fails_alone(fcm, make_backend):
    backend = make_backend()
    broken = msg("tok-broken", data={"note": "half an emoji \ud83d"})  # a lone surrogate

    results = backend.send([msg("tok-1"), broken, msg("tok-2")])

    assert [r.outcome for r in results] == [PushOutcome.SENT, PushOutcome.FAILED, PushOutcome.SENT]
    assert "cannot encode" in results[1].error
    assert fcm.calls_for("tok-broken") == 0


def test_the_wire_messages_equal_the_sdk_transport_s(fcm, make_backend):
    make_backend(transport="sdk").send(REPRESENTATIVE)
    by_sdk = {m.get("token") or m.get("fid"): m for m in fcm.received}
    fcm.reset()

    make_backend(transport="pool").send(REPRESENTATIVE)
    by_pool = {m.get("token") or m.get("fid"): m for m in fcm.received}

    assert len(by_pool) == len(REPRESENTATIVE)
    assert by_pool == by_sdk


def test_auto_uses_the_pool_unless_a_proxy_is_configured(make_backend, monkeypatch):
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY",
                 "all_proxy", "FCM_TRANSPORT", "NO_PROXY", "no_proxy"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "localhost")  # configures no proxy by itself

    assert make_backend(transport="auto").transport == "pool"
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.district.org:3128")
    assert make_backend(transport="auto").transport == "sdk"
    assert make_backend(transport="pool").transport == "pool"  # asked for explicitly


def test_fcm_transport_in_the_environment_is_the_default(make_backend, monkeypatch):
    monkeypatch.setenv("FCM_TRANSPORT", "sdk")

    assert make_backend(transport=None).transport == "sdk"
    assert make_backend(transport=None)._pool is None


def _self_signed_certificate(directory) -> tuple[str, str]:
    """A certificate for 127.0.0.1 and its key, as PEM files."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fake-fcm")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(cert_file), str(key_file)


@pytest.fixture
def tls_server(tmp_path):
    """A one-answer-per-request HTTPS server on 127.0.0.1; yields (port, CA file)."""
    import ssl

    cert_file, key_file = _self_signed_certificate(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    listener = socket.create_server(("127.0.0.1", 0))
    answer = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"

    def serve() -> None:
        while True:
            try:
                raw, _ = listener.accept()
            except OSError:
                return
            with (
                contextlib.suppress(OSError, ssl.SSLError),
                context.wrap_socket(raw, server_side=True) as tls,
            ):
                while tls.recv(65536):
                    tls.sendall(answer)

    threading.Thread(target=serve, daemon=True).start()
    yield listener.getsockname()[1], cert_file
    listener.close()


def test_https_is_verified_against_the_ca_bundle(tls_server):
    port, ca_file = tls_server
    trusting = HTTPPool(f"https://127.0.0.1:{port}", size=1, timeout=2, ca_file=ca_file)
    default = HTTPPool(f"https://127.0.0.1:{port}", size=1, timeout=2)
    try:
        [trusted] = trusting.post_all("/v1/x", [], [b"{}"])
        trusting.close()  # the server serves one connection at a time
        [refused] = default.post_all("/v1/x", [], [b"{}"])
    finally:
        trusting.close()
        default.close()

    assert isinstance(trusted, Response) and trusted.status == 200
    assert "CERTIFICATE_VERIFY_FAILED" in str(refused)


def test_the_pool_trusts_the_ca_bundle_requests_would(monkeypatch, tmp_path):
    from notifications.push import fcm

    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    import requests.certs

    assert fcm._ca_bundle() == requests.certs.where()
    monkeypatch.setenv("CURL_CA_BUNDLE", "/etc/district/curl.pem")
    assert fcm._ca_bundle() == "/etc/district/curl.pem"
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/district/ca.pem")
    assert fcm._ca_bundle() == "/etc/district/ca.pem"


def test_no_request_follows_a_connection_close_answer_on_its_connection():
    # This server says "Connection: close" but leaves the socket open: a pool that ignored the
    # header would send the next request there and wait for an answer that never comes.
    listener = socket.create_server(("127.0.0.1", 0))
    requests_per_connection: list[int] = []
    answer = b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}"

    def handle(sock: socket.socket) -> None:
        served = 0
        requests_per_connection.append(0)
        slot = len(requests_per_connection) - 1
        with sock:
            while chunk := sock.recv(65536):
                served += chunk.count(b"POST ")
                requests_per_connection[slot] = served
                sock.sendall(answer * chunk.count(b"POST "))

    def serve() -> None:
        while True:
            try:
                sock, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=handle, args=(sock,), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    pool = HTTPPool(f"http://127.0.0.1:{listener.getsockname()[1]}", size=2, timeout=1)
    try:
        answers = [pool.post_all("/v1/x", [], [b"{}", b"{}"]) for _ in range(3)]
    finally:
        pool.close()
        listener.close()

    assert all(isinstance(a, Response) and a.status == 200 for batch in answers for a in batch)
    assert requests_per_connection == [1] * 6
