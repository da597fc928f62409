"""The pool transport of FCMBackend (notifications.push.http_pool) against the fake FCM server:
connection reuse, servers that close or reset connections, timeouts, proxies, bodies equal to
the SDK's, and no firebase-admin on its path. Behaviour shared with the SDK transport is tested
in test_push_fcm.py for both."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from firebase_admin import messaging
from hypothesis import given, settings
from hypothesis import strategies as st

from notifications.push import FCMBackend, PushMessage, PushOutcome, TokenKind
from notifications.push.fcm_sdk import to_sdk_message
from notifications.push.fcm_v1 import encode_request, v1_message
from notifications.push.http_pool import HTTPPool, PoolConnectionError, PoolTimeout, Response
from tests.fakes.fake_fcm import Behaviour, FakeFCMServer

from .fcm_backends import msg


@pytest.fixture
def transport():
    return "pool"


def test_connections_are_reused_across_requests_and_batches(fcm, make_backend):
    backend = make_backend(pool_connections=5)

    for round_number in range(3):
        results = backend.send([msg(f"tok-{round_number}-{i}") for i in range(40)])
        assert all(r.ok for r in results)

    assert fcm.send_requests == 120
    assert backend._pool.connections_opened <= 5
    assert fcm.connections_accepted <= 5 + 1  # + the OAuth2 token request's connection


def test_connection_close_answers_are_honoured(tmp_path):
    with FakeFCMServer(close_connections=True) as closing:
        backend = FCMBackend(
            closing.write_service_account_file(tmp_path / "sa.json"),
            fcm_base_url=closing.base_url,
            transport="pool",
            pool_connections=3,
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


def test_connections_the_server_closed_while_idle_are_replaced(fcm, make_backend):
    backend = make_backend(pool_connections=4)
    assert all(r.ok for r in backend.send([msg(f"first-{i}") for i in range(8)]))
    # The server drops every kept-alive connection, as FCM does after its idle timeout.
    with fcm._server.sockets_lock:
        open_sockets = list(fcm._server.open_sockets)
    for sock in open_sockets:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)

    results = backend.send([msg(f"second-{i}") for i in range(8)])

    assert all(r.ok for r in results), results  # the pool reconnected by itself
    assert all(len(fcm.messages_for(f"second-{i}")) == 1 for i in range(8))


def test_a_reset_under_a_request_is_resent_once_on_a_new_connection(fcm, make_backend):
    fcm.set_behaviour("tok-reset", Behaviour.reset(times=1))
    backend = make_backend()

    [result] = backend.send([msg("tok-reset")])

    assert result.outcome is PushOutcome.SENT
    assert fcm.calls_for("tok-reset") == 2
    assert len(fcm.messages_for("tok-reset")) == 1


def test_resets_every_time_end_transient(fcm, make_backend):
    fcm.set_behaviour("tok-reset", Behaviour.reset())
    backend = make_backend()

    [result] = backend.send([msg("tok-reset")])

    assert result.outcome is PushOutcome.TRANSIENT
    assert "UNAVAILABLE" in result.error
    assert fcm.calls_for("tok-reset") == 2  # the first try and the pool's one resend
    assert fcm.messages_for("tok-reset") == []


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
    # The SDK's private encoder is the yardstick here, in a test, not on the sending path.
    service = messaging._get_messaging_service(make_backend(transport="sdk").app)

    for message in REPRESENTATIVE:
        sdk_body = service._message_data(to_sdk_message(message), dry_run)
        assert json.loads(encode_request(message, dry_run=dry_run)) == sdk_body


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

    sdk = messaging._MessagingService.encode_message(to_sdk_message(message))

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


class ConnectProxy:
    """A minimal HTTP proxy on loopback that only tunnels (CONNECT), as district proxies do for
    HTTPS; it records the CONNECT targets and the Proxy-Authorization headers it saw."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.targets: list[str] = []
        self.authorizations: list[str | None] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._tunnel, args=(client,), daemon=True).start()

    def _tunnel(self, client: socket.socket) -> None:
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = client.recv(4096)
            if not chunk:
                client.close()
                return
            head += chunk
        lines = head.split(b"\r\n")
        method, target, _ = lines[0].decode().split(" ")
        auth = next(
            (ln.split(b":", 1)[1].strip().decode() for ln in lines[1:]
             if ln.lower().startswith(b"proxy-authorization:")),
            None,
        )  # fmt: skip
        self.authorizations.append(auth)
        if method != "CONNECT":
            client.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            client.close()
            return
        self.targets.append(target)
        host, port = target.rsplit(":", 1)
        upstream = socket.create_connection((host, int(port)))
        client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")

        def pipe(source: socket.socket, sink: socket.socket) -> None:
            with contextlib.suppress(OSError):
                while data := source.recv(65536):
                    sink.sendall(data)
            with contextlib.suppress(OSError):
                sink.shutdown(socket.SHUT_WR)

        threading.Thread(target=pipe, args=(upstream, client), daemon=True).start()
        pipe(client, upstream)

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def proxy():
    server = ConnectProxy()
    yield server
    server.close()


def test_the_pool_sends_through_an_https_proxy_with_connect(fcm, make_backend, proxy):
    backend = make_backend(
        proxy_url=f"http://district:s%40cret@127.0.0.1:{proxy.port}", pool_connections=2
    )

    results = backend.send([msg(f"tok-{i}") for i in range(6)])

    assert all(r.ok for r in results), results
    assert backend.transport == "pool"
    # Both FCM connections went through the tunnel; none went to the server directly.
    assert proxy.targets.count(f"127.0.0.1:{fcm.port}") == 2
    assert proxy.authorizations[0] == "Basic ZGlzdHJpY3Q6c0BjcmV0"  # district:s@cret
    # + the token request: to the fake's plain-http token_uri, direct (Google's is https: proxied)
    assert fcm.connections_accepted == 2 + 1


def test_a_proxy_that_refuses_connect_is_a_transient_failure(fcm, make_backend):
    listener = socket.create_server(("127.0.0.1", 0))

    def refuse() -> None:
        with contextlib.suppress(OSError):
            while True:
                client, _ = listener.accept()
                client.recv(4096)
                client.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
                client.close()

    threading.Thread(target=refuse, daemon=True).start()
    pool = HTTPPool(
        fcm.base_url, size=1, timeout=2, proxy_url=f"http://127.0.0.1:{listener.getsockname()[1]}"
    )
    try:
        [answer] = pool.post_all("/token", [], [b"{}"])
    finally:
        pool.close()
        listener.close()

    assert isinstance(answer, PoolConnectionError)
    assert "403 Forbidden" in str(answer)


def test_the_pool_transport_needs_no_firebase_admin(fcm, tmp_path):
    # The lean transport speaks FCM's documented contract itself: sending through it must not
    # even import the SDK (whose private names it used to reach into).
    service_account = fcm.write_service_account_file(tmp_path / "sa.json")
    script = f"""
import sys
from notifications.push import FCMBackend, PushMessage
backend = FCMBackend({str(service_account)!r}, fcm_base_url={fcm.base_url!r}, transport="pool")
[result] = backend.send([PushMessage(token="tok", title="t", body="b")])
backend.close()
assert result.ok, result
assert "firebase_admin" not in sys.modules, "firebase_admin was imported"
print("ok")
"""
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert fcm.calls_for("tok") == 1


def test_the_worker_s_back_end_takes_its_fcm_settings_from_django(settings, fcm, tmp_path):
    from notifications.backends import push_backend_from_settings

    settings.FIREBASE_CREDENTIALS_FILE = str(fcm.write_service_account_file(tmp_path / "sa.json"))
    settings.FCM_BASE_URL = fcm.base_url
    settings.FCM_PROXY_URL = ""
    settings.FCM_CA_BUNDLE = ""
    settings.FCM_TRANSPORT = "sdk"
    sdk = push_backend_from_settings("fcm")
    settings.FCM_TRANSPORT = "pool"
    pool = push_backend_from_settings("fcm")
    try:
        assert (sdk.transport, pool.transport) == ("sdk", "pool")
        assert pool.send([msg("tok")])[0].ok
    finally:
        sdk.close()
        pool.close()
