"""A lean fake FCM v1 server for throughput benchmarks: one asyncio process on uvloop.

`tests.fakes.fake_fcm` (a threaded `http.server` with a behaviour table for tests) saturates
near 2,900 requests/s on 2 CPUs, below what the reminder worker sends. This one answers only
what a run that succeeds needs, on one event loop with `httptools` parsing, HTTP/1.1
keep-alive, and any number of concurrent connections:

* `POST /token`: the OAuth2 token exchange google-auth makes at the service account's
  `token_uri` (the file comes from `tests.fakes.fake_fcm.write_service_account_file`);
* `POST /v1/projects/<project>/messages:send`: 200 `{"name": "projects/<project>/messages/<n>"}`
  for a JSON body whose `message` has a `token` or `fid`, sent with a bearer token this server
  issued; otherwise 400 or 401 in FCM's error shape;
* `GET /stats`: the counters of `tests.fakes.fake_fcm`'s `/stats` (without `outcomes`).

    .venv/bin/python -m bench.fast_fcm --port 0 --service-account /tmp/sa.json --latency 0

prints `fast fake FCM listening on http://127.0.0.1:<port>` once the service-account file is
written. `--latency` delays every send answer with a timer, so requests wait concurrently.
Clients must not pipeline (neither the SDK's requests nor `HTTPPool` does): with a latency, a
pipelined request's answer could overtake the one before it.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any

import httptools
import orjson
import uvloop

from tests.fakes.fake_fcm import command_line_parser, write_service_account_file

_SEND_PREFIX = b"/v1/projects/"
_SEND_SUFFIX = b"/messages:send"
_FCM_ERROR_TYPE = "type.googleapis.com/google.firebase.fcm.v1.FcmError"
_REASONS = {200: b"OK", 400: b"Bad Request", 401: b"Unauthorized", 404: b"Not Found"}


def _error(code: int, status: str, message: str, fcm_code: str | None = None) -> tuple[int, bytes]:
    """An error answer; `fcm_code` adds the FcmError detail the SDK maps to an exception type."""
    error: dict[str, Any] = {"code": code, "message": message, "status": status}
    if fcm_code:
        error["details"] = [{"@type": _FCM_ERROR_TYPE, "errorCode": fcm_code}]
    return code, orjson.dumps({"error": error})


_NOT_JSON = _error(400, "INVALID_ARGUMENT", "Invalid JSON payload received.", "INVALID_ARGUMENT")
_NO_TARGET = _error(400, "INVALID_ARGUMENT", "Missing message target", "INVALID_ARGUMENT")
_UNAUTHENTICATED = _error(401, "UNAUTHENTICATED", "Invalid credentials")
_NOT_FOUND = _error(404, "NOT_FOUND", "Not found")


class FastFCM:
    """Counters and issued access tokens, shared by every connection of one server."""

    def __init__(self, latency: float) -> None:
        self.latency = latency
        self.send_requests = 0
        self.token_requests = 0
        self.unauthorized_requests = 0
        self.connections_accepted = 0
        self.messages_accepted = 0
        self.access_tokens: set[bytes] = set()

    def stats(self) -> dict[str, Any]:
        return {
            "send_requests": self.send_requests,
            "token_requests": self.token_requests,
            "unauthorized_requests": self.unauthorized_requests,
            "connections_accepted": self.connections_accepted,
        }

    def issue_token(self) -> tuple[int, bytes]:
        self.token_requests += 1
        token = f"fake-access-token-{self.token_requests}"
        self.access_tokens.add(f"Bearer {token}".encode())
        answer = {"access_token": token, "expires_in": 3600, "token_type": "Bearer"}
        return 200, orjson.dumps(answer)

    def send(self, project: bytes, authorization: bytes, body: bytes) -> tuple[int, bytes]:
        self.send_requests += 1
        if authorization not in self.access_tokens:
            self.unauthorized_requests += 1
            return _UNAUTHENTICATED
        try:
            payload = orjson.loads(body)
        except orjson.JSONDecodeError:
            return _NOT_JSON
        message = payload.get("message") if isinstance(payload, dict) else None
        if not isinstance(message, dict) or not (message.get("token") or message.get("fid")):
            return _NO_TARGET
        self.messages_accepted += 1
        name = f"projects/{project.decode()}/messages/{self.messages_accepted}"
        return 200, orjson.dumps({"name": name})


class _Connection(asyncio.Protocol):
    """One client connection; httptools calls the `on_*` methods while `data_received` feeds it."""

    def __init__(self, fake: FastFCM) -> None:
        self._fake = fake
        self._parser = httptools.HttpRequestParser(self)
        self._transport: asyncio.Transport | None = None
        self._url = b""
        self._authorization = b""
        self._body: list[bytes] = []

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport  # type: ignore[assignment]
        self._fake.connections_accepted += 1

    def data_received(self, data: bytes) -> None:
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError:
            self._transport.close()

    def on_message_begin(self) -> None:
        self._url = b""
        self._authorization = b""
        self._body = []

    def on_url(self, url: bytes) -> None:
        self._url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        if name.lower() == b"authorization":
            self._authorization = value

    def on_body(self, body: bytes) -> None:
        self._body.append(body)

    def on_message_complete(self) -> None:
        fake, url, method = self._fake, self._url, self._parser.get_method()
        keep_alive = self._parser.should_keep_alive()
        if method == b"POST" and url.startswith(_SEND_PREFIX) and url.endswith(_SEND_SUFFIX):
            project = url[len(_SEND_PREFIX) : -len(_SEND_SUFFIX)]
            answer = fake.send(project, self._authorization, b"".join(self._body))
            if fake.latency:
                asyncio.get_running_loop().call_later(
                    fake.latency, self._reply, *answer, keep_alive
                )
                return
        elif method == b"POST" and url == b"/token":
            answer = fake.issue_token()
        elif method == b"GET" and url == b"/stats":
            answer = 200, orjson.dumps(fake.stats())
        else:
            answer = _NOT_FOUND
        self._reply(*answer, keep_alive)

    def _reply(self, status: int, body: bytes, keep_alive: bool) -> None:
        transport = self._transport
        if transport.is_closing():  # the client gave up while a delayed answer waited
            return
        transport.write(
            b"HTTP/1.1 %d %s\r\nContent-Type: application/json; charset=UTF-8\r\n"
            b"Content-Length: %d\r\n%s\r\n%s"
            % (
                status,
                _REASONS[status],
                len(body),
                b"" if keep_alive else b"Connection: close\r\n",
                body,
            )
        )
        if not keep_alive:
            transport.close()


async def serve(port: int, project_id: str, latency: float, service_account: Path | None) -> None:
    loop = asyncio.get_running_loop()
    fake = FastFCM(latency)
    # The SDK opens up to 500 connections at once; asyncio's default backlog of 100 would make
    # the kernel drop SYNs and those clients wait a second before retrying.
    server = await loop.create_server(lambda: _Connection(fake), "127.0.0.1", port, backlog=1024)
    base_url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    if service_account:
        write_service_account_file(service_account, f"{base_url}/token", project_id)
    print(f"fast fake FCM listening on {base_url}", flush=True)
    await server.serve_forever()


def main(argv: list[str] | None = None) -> None:
    args = command_line_parser(__doc__.splitlines()[0]).parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        uvloop.run(serve(args.port, args.project_id, args.latency, args.service_account))


if __name__ == "__main__":
    main()
