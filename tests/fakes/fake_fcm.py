"""A fake Firebase Cloud Messaging (FCM v1) HTTP server on loopback, for tests and benchmarks.

A test tool, outside the production packages (nothing under ``notifications`` imports it). It
lets both FCM transports (our pool and the real ``firebase-admin`` SDK) run end to end without
network access:

* ``POST /token`` imitates Google's OAuth2 token endpoint. A service-account JSON file whose
  ``token_uri`` points here (see :func:`write_service_account_file`) makes the SDK fetch its
  access token from this server.
* ``POST /v1/projects/<project>/messages:send`` imitates FCM and answers per device token
  according to a behaviour table (success, UNREGISTERED, invalid token, 429 with Retry-After,
  500, 503, hang, ...), optionally only for the first N calls of a token.
* ``GET /stats`` returns the counters as JSON, for a benchmark that runs the server in another
  process (``python -m tests.fakes.fake_fcm --help``).

A back-end is pointed at the server through ``FCMBackend(fcm_base_url=server.base_url)``;
nothing here patches the SDK. The module imports neither Django nor the push back-ends.
"""

from __future__ import annotations

import argparse
import contextlib
import enum
import functools
import itertools
import json
import os
import socket
import struct
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Self

__all__ = [
    "Behaviour",
    "FakeFCMServer",
    "Kind",
    "fake_service_account_info",
    "write_service_account_file",
]

_FCM_ERROR_TYPE = "type.googleapis.com/google.firebase.fcm.v1.FcmError"
_SEND_PREFIX = "/v1/projects/"
_SEND_SUFFIX = "/messages:send"


class Kind(enum.StrEnum):
    """How the fake FCM answers a send request."""

    SUCCESS = "success"
    UNREGISTERED = "unregistered"  # 404 NOT_FOUND / UNREGISTERED
    INVALID_TOKEN = "invalid_token"  # 400 INVALID_ARGUMENT, "registration token is not valid"
    INVALID_ARGUMENT = "invalid_argument"  # 400 INVALID_ARGUMENT about the payload
    SENDER_ID_MISMATCH = "sender_id_mismatch"  # 403 PERMISSION_DENIED / SENDER_ID_MISMATCH
    THIRD_PARTY_AUTH_ERROR = "third_party_auth_error"  # 401 UNAUTHENTICATED / APNs key refused
    QUOTA_EXCEEDED = "quota_exceeded"  # 429 RESOURCE_EXHAUSTED / QUOTA_EXCEEDED
    INTERNAL = "internal"  # 500 INTERNAL
    UNAVAILABLE = "unavailable"  # 503 UNAVAILABLE
    HANG = "hang"  # no answer for ``hang_seconds``, then success (client should time out)
    RESET = "reset"  # connection reset under the request: neither recorded nor answered


@dataclass(frozen=True, slots=True)
class Behaviour:
    """The answer for a token: ``kind`` for its first ``times`` calls (always if None), then
    success. ``retry_after`` adds a ``Retry-After`` header (seconds) to 429/503 answers."""

    kind: Kind = Kind.SUCCESS
    times: int | None = None
    retry_after: float | None = None
    hang_seconds: float = 30.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", Kind(self.kind))
        if self.times is not None and self.times < 0:
            raise ValueError("times must be >= 0 or None")

    @classmethod
    def success(cls) -> Behaviour:
        return cls(Kind.SUCCESS)

    @classmethod
    def unregistered(cls, times: int | None = None) -> Behaviour:
        return cls(Kind.UNREGISTERED, times)

    @classmethod
    def invalid_token(cls, times: int | None = None) -> Behaviour:
        return cls(Kind.INVALID_TOKEN, times)

    @classmethod
    def invalid_argument(cls, times: int | None = None) -> Behaviour:
        return cls(Kind.INVALID_ARGUMENT, times)

    @classmethod
    def sender_id_mismatch(cls, times: int | None = None) -> Behaviour:
        return cls(Kind.SENDER_ID_MISMATCH, times)

    @classmethod
    def third_party_auth_error(cls, times: int | None = None) -> Behaviour:
        return cls(Kind.THIRD_PARTY_AUTH_ERROR, times)

    @classmethod
    def quota_exceeded(
        cls, times: int | None = None, retry_after: float | None = None
    ) -> Behaviour:
        return cls(Kind.QUOTA_EXCEEDED, times, retry_after)

    @classmethod
    def internal(cls, times: int | None = None) -> Behaviour:
        return cls(Kind.INTERNAL, times)

    @classmethod
    def unavailable(cls, times: int | None = None, retry_after: float | None = None) -> Behaviour:
        return cls(Kind.UNAVAILABLE, times, retry_after)

    @classmethod
    def reset(cls, times: int | None = None) -> Behaviour:
        return cls(Kind.RESET, times)

    @classmethod
    def hang(cls, times: int | None = None, seconds: float = 30.0) -> Behaviour:
        return cls(Kind.HANG, times, hang_seconds=seconds)


def _fcm_error(code: int, status: str, message: str, error_code: str) -> dict[str, Any]:
    return {
        "error": {
            "code": code,
            "message": message,
            "status": status,
            "details": [{"@type": _FCM_ERROR_TYPE, "errorCode": error_code}],
        }
    }


# Bodies copied from what FCM v1 returns, so the SDK maps them to the same exception types.
_ERRORS: dict[Kind, tuple[int, dict[str, Any]]] = {
    Kind.UNREGISTERED: (
        404,
        _fcm_error(404, "NOT_FOUND", "Requested entity was not found.", "UNREGISTERED"),
    ),
    Kind.INVALID_TOKEN: (
        400,
        _fcm_error(
            400,
            "INVALID_ARGUMENT",
            "The registration token is not a valid FCM registration token",
            "INVALID_ARGUMENT",
        ),
    ),
    Kind.INVALID_ARGUMENT: (
        400,
        _fcm_error(
            400,
            "INVALID_ARGUMENT",
            "Invalid value at 'message.data[0].value' (TYPE_STRING), 42",
            "INVALID_ARGUMENT",
        ),
    ),
    Kind.SENDER_ID_MISMATCH: (
        403,
        _fcm_error(403, "PERMISSION_DENIED", "SenderId mismatch", "SENDER_ID_MISMATCH"),
    ),
    Kind.THIRD_PARTY_AUTH_ERROR: (
        401,
        _fcm_error(
            401,
            "UNAUTHENTICATED",
            "Auth error from APNS or Web Push Service",
            "THIRD_PARTY_AUTH_ERROR",
        ),
    ),
    Kind.QUOTA_EXCEEDED: (
        429,
        _fcm_error(
            429,
            "RESOURCE_EXHAUSTED",
            "Quota exceeded for quota metric 'Send requests'.",
            "QUOTA_EXCEEDED",
        ),
    ),
    Kind.INTERNAL: (500, _fcm_error(500, "INTERNAL", "Internal error encountered.", "INTERNAL")),
    Kind.UNAVAILABLE: (
        503,
        _fcm_error(503, "UNAVAILABLE", "The service is currently unavailable.", "UNAVAILABLE"),
    ),
}


@functools.cache
def _private_key_pem() -> str:
    """A throw-away RSA key, generated once per process because generation costs ~50 ms."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def fake_service_account_info(token_uri: str, project_id: str = "fake-project") -> dict[str, str]:
    """A service-account dict the SDK accepts; its access tokens come from ``token_uri``."""
    email = f"firebase-adminsdk@{project_id}.iam.gserviceaccount.com"
    return {
        "type": "service_account",
        "project_id": project_id,
        "private_key_id": "fake-key-id",
        "private_key": _private_key_pem(),
        "client_email": email,
        "client_id": "100000000000000000000",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": token_uri,
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": f"https://www.googleapis.com/robot/v1/metadata/x509/{email}",
        "universe_domain": "googleapis.com",
    }


def write_service_account_file(
    path: str | os.PathLike[str], token_uri: str, project_id: str = "fake-project"
) -> Path:
    """Write :func:`fake_service_account_info` as JSON to ``path`` (mode 0600) and return it."""
    path = Path(path)
    path.write_text(json.dumps(fake_service_account_info(token_uri, project_id), indent=2))
    path.chmod(0o600)
    return path


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    # The SDK opens up to 500 connections at once; the default backlog of 5 would make the kernel
    # drop SYNs and the client wait a full second before its retry.
    request_queue_size = 1024

    def __init__(self, fake: FakeFCMServer) -> None:
        self.fake = fake
        self.open_sockets: set[socket.socket] = set()
        self.connections_accepted = 0
        self.sockets_lock = threading.Lock()
        super().__init__(("127.0.0.1", fake.requested_port), _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.sockets_lock:
            self.open_sockets.add(request)
            self.connections_accepted += 1
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.sockets_lock:
            self.open_sockets.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that timed out closes its socket under a hanging handler; that is expected.
        pass


class _Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 keep-alive, like FCM: reconnecting per request would dominate a benchmark.
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle on, the body waits for the client's
    # delayed ACK (~40 ms per request on Linux).
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        body = self._read_body()
        fake = self.server.fake
        if self.path == "/token":
            self._reply(200, fake._issue_token())
            return
        if self.path.startswith(_SEND_PREFIX) and self.path.endswith(_SEND_SUFFIX):
            project = self.path[len(_SEND_PREFIX) : -len(_SEND_SUFFIX)]
            fake._handle_send(self, project, body)
            return
        self._reply(404, {"error": {"code": 404, "message": "Not found", "status": "NOT_FOUND"}})

    def do_GET(self) -> None:
        if self.path == "/stats":
            self._reply(200, self.server.fake.stats())
        else:
            self._reply(404, {"error": {"code": 404, "status": "NOT_FOUND"}})

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _reply(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(data)))
            if self.server.fake.close_connections:
                self.send_header("Connection", "close")  # also sets close_connection
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            self.close_connection = True


class FakeFCMServer:
    """A fake FCM v1 + OAuth2 server in a background thread on ``127.0.0.1``.

    Typical use::

        with FakeFCMServer() as fcm:
            fcm.set_behaviour("dead-token", Behaviour.unregistered())
            sa_file = fcm.write_service_account_file(tmp_path / "sa.json")
            backend = FCMBackend(sa_file, fcm_base_url=fcm.base_url)

    Counters (:attr:`send_requests`, :attr:`token_requests`, :meth:`calls_for`) and the recorded
    message bodies (:attr:`received`) let a test check what really went over the wire.
    ``latency`` delays every send answer, to imitate FCM's round trip in a benchmark;
    ``record_messages=False`` keeps memory flat in long benchmarks. ``close_connections=True``
    answers every send with ``Connection: close`` and closes the connection, as a server going
    away does; :meth:`revoke_access_tokens` makes FCM refuse the tokens issued so far (401).
    """

    def __init__(
        self,
        *,
        project_id: str = "fake-project",
        port: int = 0,
        default: Behaviour | None = None,
        behaviours: dict[str, Behaviour] | None = None,
        latency: float = 0.0,
        require_auth: bool = True,
        record_messages: bool = True,
        close_connections: bool = False,
    ) -> None:
        self.project_id = project_id
        self.requested_port = port
        self.default = default or Behaviour.success()
        self.latency = latency
        self.require_auth = require_auth
        self.record_messages = record_messages
        self.close_connections = close_connections
        self._behaviours: dict[str, Behaviour] = dict(behaviours or {})
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._message_ids = itertools.count(1)
        self._access_tokens: set[str] = set()
        self.send_requests = 0
        """Number of ``messages:send`` requests received (each retry counts)."""
        self.token_requests = 0
        """Number of OAuth2 access-token requests received."""
        self.unauthorized_requests = 0
        """Send requests rejected with 401 (missing or unknown bearer token)."""
        self.received: list[dict[str, Any]] = []
        """The ``message`` object of every send request, in arrival order."""
        self._calls: Counter[str] = Counter()
        self._outcomes: Counter[str] = Counter()

    # -- life cycle -------------------------------------------------------------------------

    def start(self) -> Self:
        """Bind an ephemeral port (unless one was given) and serve in a daemon thread."""
        if self._server is not None:
            raise RuntimeError("FakeFCMServer already started")
        self._stopping.clear()
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"fake-fcm-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, release hanging requests and close kept-alive connections."""
        server, thread = self._server, self._thread
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        server.server_close()
        with server.sockets_lock:
            open_sockets = list(server.open_sockets)
        for sock in open_sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        if thread is not None:
            thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- addresses ----------------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeFCMServer is not started")
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``: the value for ``FCMBackend(fcm_base_url=...)``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def token_uri(self) -> str:
        """The OAuth2 token endpoint, for a service-account file's ``token_uri``."""
        return f"{self.base_url}/token"

    def write_service_account_file(self, path: str | os.PathLike[str]) -> Path:
        """Write a fake service-account JSON whose tokens come from this server."""
        return write_service_account_file(path, self.token_uri, self.project_id)

    # -- configuration and inspection -------------------------------------------------------

    def set_behaviour(self, token: str, behaviour: Behaviour) -> None:
        """Answer requests for ``token`` with ``behaviour`` (restarting its call count)."""
        with self._lock:
            self._behaviours[token] = behaviour
            self._calls.pop(token, None)

    def reset(self) -> None:
        """Forget behaviours, counters and recorded messages (tokens issued stay valid)."""
        with self._lock:
            self._behaviours.clear()
            self._calls.clear()
            self._outcomes.clear()
            self.received.clear()
            self.send_requests = self.token_requests = self.unauthorized_requests = 0

    def revoke_access_tokens(self) -> None:
        """Answer 401 to the access tokens issued so far, as FCM does for a revoked token."""
        with self._lock:
            self._access_tokens.clear()

    def calls_for(self, token: str) -> int:
        """How many send requests arrived for ``token``."""
        with self._lock:
            return self._calls[token]

    def messages_for(self, token: str) -> list[dict[str, Any]]:
        """The recorded ``message`` objects sent to ``token`` (registration token or FID)."""
        with self._lock:
            return [m for m in self.received if token in (m.get("token"), m.get("fid"))]

    def stats(self) -> dict[str, Any]:
        """Counters as a JSON-able dict (also served at ``GET /stats``)."""
        with self._lock:
            return {
                "send_requests": self.send_requests,
                "token_requests": self.token_requests,
                "unauthorized_requests": self.unauthorized_requests,
                "connections_accepted": self.connections_accepted,
                "outcomes": dict(self._outcomes),
            }

    @property
    def connections_accepted(self) -> int:
        """TCP connections accepted since start: shows whether the client reuses connections."""
        return self._server.connections_accepted if self._server is not None else 0

    # -- request handling (called from handler threads) --------------------------------------

    def _issue_token(self) -> dict[str, Any]:
        with self._lock:
            self.token_requests += 1
            token = f"fake-access-token-{self.token_requests}"
            self._access_tokens.add(token)
        return {"access_token": token, "expires_in": 3600, "token_type": "Bearer"}

    def _handle_send(self, handler: _Handler, project: str, raw_body: bytes) -> None:
        authorization = handler.headers.get("Authorization", "")
        try:
            message = json.loads(raw_body or b"{}").get("message") or {}
        except (ValueError, AttributeError):
            message = {}
        # Registration token, or Firebase Installation ID since FCM deprecated tokens in 2026.
        token = (message.get("token") or message.get("fid")) if isinstance(message, dict) else None
        with self._lock:
            self.send_requests += 1
            if self.require_auth and authorization.removeprefix("Bearer ") not in (
                self._access_tokens
            ):
                self.unauthorized_requests += 1
                kind = None
            else:
                behaviour = self._behaviours.get(token or "", self.default)
                self._calls[token or ""] += 1
                failing = behaviour.times is None or self._calls[token or ""] <= behaviour.times
                kind = behaviour.kind if failing else Kind.SUCCESS
                self._outcomes[kind.value] += 1
                message_id = next(self._message_ids)
                if self.record_messages and kind is not Kind.RESET:
                    self.received.append(message)

        if kind is Kind.RESET:
            # RST instead of FIN, so the client sees a reset rather than an orderly close.
            with contextlib.suppress(OSError):
                handler.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
            handler.close_connection = True
            return

        if kind is None:
            error = {"code": 401, "message": "Invalid credentials", "status": "UNAUTHENTICATED"}
            handler._reply(401, {"error": error})
            return
        if not token:
            error = _fcm_error(
                400, "INVALID_ARGUMENT", "Missing message target", "INVALID_ARGUMENT"
            )
            handler._reply(400, error)
            return
        if self.latency:
            time.sleep(self.latency)
        if kind is Kind.HANG:
            # Interruptible, so stop() does not wait for hanging handlers.
            if self._stopping.wait(behaviour.hang_seconds):
                handler.close_connection = True
                return
            kind = Kind.SUCCESS
        if kind is Kind.SUCCESS:
            handler._reply(200, {"name": f"projects/{project}/messages/{message_id}"})
            return
        status, body = _ERRORS[kind]
        headers = {}
        if behaviour.retry_after is not None and kind in (Kind.QUOTA_EXCEEDED, Kind.UNAVAILABLE):
            headers["Retry-After"] = f"{behaviour.retry_after:g}"
        handler._reply(status, body, headers)


def command_line_parser(description: str) -> argparse.ArgumentParser:
    """The options every fake FCM server takes (bench.fast_fcm too), so the benchmark starts
    either the same way."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--project-id", default="fake-project")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added per send")
    parser.add_argument(
        "--service-account", type=Path, help="write a matching service-account JSON here"
    )
    return parser


def main(argv: list[str] | None = None) -> None:
    """Run the fake server in the foreground, e.g. for a benchmark in another process."""
    parser = command_line_parser(__doc__.splitlines()[0])
    parser.add_argument("--no-record", action="store_true", help="do not keep message bodies")
    args = parser.parse_args(argv)
    server = FakeFCMServer(
        project_id=args.project_id,
        port=args.port,
        latency=args.latency,
        record_messages=not args.no_record,
    ).start()
    if args.service_account:
        server.write_service_account_file(args.service_account)
    print(f"fake FCM listening on {server.base_url}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
