"""A small HTTP/1.1 keep-alive connection pool on asyncio, for sending FCM requests cheaply.

:class:`HTTPPool` keeps up to ``size`` connections to one host (TLS with the system's
``ssl.create_default_context`` and a CA bundle) and sends many POSTs concurrently across them,
one request at a time per connection (no pipelining). The event loop runs in a daemon thread of
its own, so callers stay synchronous: :meth:`HTTPPool.post_all` sends a list of bodies and
returns one :class:`Response` or exception per body, in order.

Why not requests: its per-request cost (about 0.75 ms of CPU per FCM message in a profile of
``firebase_admin.messaging.send_each``) capped a reminder worker near 1,000 pushes/s. Responses
are parsed by ``httptools`` (llhttp, the parser uvicorn already uses).

Failure handling: a connection the server closed or reset before any byte of the answer arrived
(typically a kept-alive connection the server timed out) is replaced and the request sent once
more; a request that got part of an answer, or no answer within ``timeout``, is not resent and
comes back as :class:`PoolConnectionError` or :class:`PoolTimeout`. ``Connection: close``
answers are honoured. That one resend is the pool's only repetition: retrying refused or
unanswered requests is the caller's business (for FCM, the outbox's).

Proxies: with ``proxy_url`` (``http://[user:password@]host:port``, an HTTP proxy as in
``HTTPS_PROXY``) every connection is a ``CONNECT host:port`` tunnel through the proxy, TLS to the
origin inside it (or plain HTTP inside it for an ``http://`` origin, which tests use).
"""

from __future__ import annotations

import asyncio
import base64
import collections
import ssl
import threading
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass

import httptools
import uvloop

__all__ = ["HTTPPool", "PoolConnectionError", "PoolTimeout", "Response"]


class PoolTimeout(TimeoutError):
    """No (complete) answer within the pool's timeout; the request may have been processed."""


class PoolConnectionError(ConnectionError):
    """The connection failed before a complete answer arrived."""


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    headers: dict[str, str]
    """Header names in lower case; a repeated header keeps its last value."""
    body: bytes


class _NotAnswered(PoolConnectionError):
    """The connection died before the first byte of the answer: safe to send again."""


class _Connection(asyncio.Protocol):
    """One HTTP/1.1 connection; at most one request in flight."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.used = False
        self._parser = httptools.HttpResponseParser(self)
        self._waiter: asyncio.Future[Response] | None = None
        self._answered = False
        self._headers: dict[str, str] = {}
        self._body: list[bytes] = []
        self._keep_alive = True

    # -- asyncio.Protocol ---------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self._answered = True
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._fail(PoolConnectionError(f"malformed HTTP response: {exc}"))
            self.close()

    def eof_received(self) -> bool:
        self._lost(None)
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self._lost(exc)

    # -- httptools callbacks ----------------------------------------------------------------

    def on_header(self, name: bytes, value: bytes) -> None:
        self._headers[name.decode("latin-1").lower()] = value.decode("latin-1")

    def on_body(self, body: bytes) -> None:
        self._body.append(body)

    def on_message_complete(self) -> None:
        self._keep_alive = self._parser.should_keep_alive()
        response = Response(self._parser.get_status_code(), self._headers, b"".join(self._body))
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(response)

    # -- use --------------------------------------------------------------------------------

    @property
    def reusable(self) -> bool:
        return not self.closed and self._keep_alive and self._waiter is None

    def send(self, request: bytes) -> asyncio.Future[Response]:
        assert self.transport is not None and self._waiter is None
        self.used = True
        self._answered = False
        self._headers = {}
        self._body = []
        self._waiter = self._loop.create_future()
        self.transport.write(request)
        return self._waiter

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    def _lost(self, exc: BaseException | None) -> None:
        self.closed = True
        if self._answered:
            self._fail(PoolConnectionError(f"connection lost in the middle of an answer: {exc}"))
        else:
            self._fail(_NotAnswered(f"connection closed before an answer: {exc or 'EOF'}"))

    def _fail(self, error: BaseException) -> None:
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(error)


class _Tunnel(asyncio.Protocol):
    """Reads the proxy's answer to CONNECT; the connection then carries the origin's bytes."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.answer: asyncio.Future[bytes] = loop.create_future()
        self._buffer = b""

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        if b"\r\n\r\n" in self._buffer and not self.answer.done():
            self.answer.set_result(self._buffer)
        elif len(self._buffer) > 65536 and not self.answer.done():
            self.answer.set_exception(PoolConnectionError("oversized answer to CONNECT"))

    def eof_received(self) -> bool:
        self.connection_lost(None)
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.answer.done():
            self.answer.set_exception(
                PoolConnectionError(f"proxy closed the connection during CONNECT: {exc or 'EOF'}")
            )


class HTTPPool:
    """Up to ``size`` kept-alive connections to the host of ``base_url`` (http or https).

    ``timeout`` bounds connecting and, separately, each request's wait for its answer.
    ``ca_file`` is the CA bundle for https (None: the default trust store of ``ssl``).
    ``proxy_url`` tunnels every connection through that HTTP proxy with CONNECT.
    """

    def __init__(
        self,
        base_url: str,
        *,
        size: int,
        timeout: float,
        ca_file: str | None = None,
        proxy_url: str | None = None,
    ) -> None:
        if size < 1:
            raise ValueError("size must be >= 1")
        url = urllib.parse.urlsplit(base_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ValueError(f"not an http(s) URL: {base_url!r}")
        self.host = url.hostname
        self.port = url.port or (443 if url.scheme == "https" else 80)
        default_port = (url.scheme == "https" and self.port == 443) or self.port == 80
        self._host_header = url.netloc if not default_port else url.hostname
        self._ssl = ssl.create_default_context(cafile=ca_file) if url.scheme == "https" else None
        self.size = size
        self.timeout = timeout
        self._proxy: tuple[str, int, bytes] | None = None
        if proxy_url:
            proxy = urllib.parse.urlsplit(proxy_url)
            if proxy.scheme != "http" or not proxy.hostname:
                raise ValueError(
                    f"proxy_url must be http://[user:password@]host:port: {proxy_url!r}"
                )
            connect = (
                f"CONNECT {self.host}:{self.port} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            )
            if proxy.username is not None:
                user = urllib.parse.unquote(proxy.username)
                password = urllib.parse.unquote(proxy.password or "")
                basic = base64.b64encode(f"{user}:{password}".encode()).decode()
                connect += f"Proxy-Authorization: Basic {basic}\r\n"
            self._proxy = (proxy.hostname, proxy.port or 80, (connect + "\r\n").encode())
        self.connections_opened = 0
        self._idle: collections.deque[_Connection] = collections.deque()
        self._open = 0
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()
        self._closed = False
        # uvloop (libuv, as uvicorn uses) halves the loop's CPU per request against asyncio's.
        self._loop = uvloop.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name=f"http-pool-{self.host}", daemon=True
        )
        self._thread.start()

    # -- synchronous API (any thread) ----------------------------------------------------------

    def post_all(
        self, path: str, headers: Sequence[tuple[str, str]], bodies: Sequence[bytes]
    ) -> list[Response | PoolTimeout | PoolConnectionError | OSError]:
        """POST every body to ``path`` concurrently; one Response or exception per body."""
        if self._closed:
            raise RuntimeError("HTTPPool is closed")
        head = "".join(
            [
                f"POST {path} HTTP/1.1\r\nHost: {self._host_header}\r\n",
                *(f"{name}: {value}\r\n" for name, value in headers),
            ]
        ).encode("latin-1")
        requests = [b"%sContent-Length: %d\r\n\r\n%s" % (head, len(body), body) for body in bodies]
        future = asyncio.run_coroutine_threadsafe(self._send_all(requests), self._loop)
        return future.result()

    def close(self) -> None:
        """Close every connection and stop the event loop thread."""
        if self._closed:
            return
        self._closed = True
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    # -- event loop side ----------------------------------------------------------------------

    async def _send_all(self, requests: list[bytes]) -> list:
        return await asyncio.gather(*(self._send(request) for request in requests),
                                    return_exceptions=True)  # fmt: skip

    async def _send(self, request: bytes) -> Response:
        for try_number in (1, 2):
            connection = await self._acquire()
            try:
                async with asyncio.timeout(self.timeout):
                    response = await connection.send(request)
            except TimeoutError:
                self._discard(connection)
                raise PoolTimeout(f"no answer within {self.timeout:g}s") from None
            except _NotAnswered:
                # Usually a kept-alive connection the server had closed: the request did not get
                # through, so a fresh connection may carry it once more.
                self._discard(connection)
                if try_number == 2:
                    raise
                continue
            except BaseException:
                self._discard(connection)
                raise
            self._release(connection)
            return response
        raise AssertionError("unreachable")

    async def _acquire(self) -> _Connection:
        while True:
            while self._idle:
                connection = self._idle.pop()
                if connection.reusable:
                    return connection
                self._discard(connection, idle=True)
            if self._open < self.size:
                self._open += 1
                try:
                    return await self._connect()
                except BaseException:
                    self._open -= 1
                    self._wake_one()
                    raise
            waiter = self._loop.create_future()
            self._waiters.append(waiter)
            await waiter

    async def _connect(self) -> _Connection:
        try:
            async with asyncio.timeout(self.timeout):
                if self._proxy is not None:
                    connection = await self._connect_through_proxy(*self._proxy)
                else:
                    _, connection = await self._loop.create_connection(
                        lambda: _Connection(self._loop),
                        self.host,
                        self.port,
                        ssl=self._ssl,
                        server_hostname=self.host if self._ssl else None,
                    )
        except TimeoutError:
            raise PoolTimeout(f"could not connect within {self.timeout:g}s") from None
        except PoolConnectionError:
            raise
        except OSError as exc:
            where = f"{self.host}:{self.port}"
            raise PoolConnectionError(f"could not connect to {where}: {exc}") from exc
        self.connections_opened += 1
        return connection

    async def _connect_through_proxy(self, host: str, port: int, connect: bytes) -> _Connection:
        raw, tunnel = await self._loop.create_connection(lambda: _Tunnel(self._loop), host, port)
        try:
            raw.write(connect)
            answer = await tunnel.answer
            status_line = answer.split(b"\r\n", 1)[0].decode("latin-1")
            parts = status_line.split(" ", 2)
            if len(parts) < 2 or not parts[0].startswith("HTTP/") or parts[1] != "200":
                raise PoolConnectionError(f"proxy {host}:{port} refused CONNECT: {status_line}")
            if answer.index(b"\r\n\r\n") + 4 != len(answer):
                raise PoolConnectionError("proxy sent bytes after its answer to CONNECT")
            connection = _Connection(self._loop)
            if self._ssl is not None:
                transport = await self._loop.start_tls(
                    raw, connection, self._ssl, server_hostname=self.host
                )
            else:
                raw.set_protocol(connection)
                transport = raw
            connection.connection_made(transport)
            return connection
        except BaseException:
            raw.close()
            raise

    def _release(self, connection: _Connection) -> None:
        if connection.reusable and not self._closed:
            self._idle.append(connection)
        else:
            connection.close()
            self._open -= 1
        self._wake_one()

    def _discard(self, connection: _Connection, *, idle: bool = False) -> None:
        connection.close()
        self._open -= 1
        if not idle:
            self._wake_one()

    def _wake_one(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    async def _shutdown(self) -> None:
        while self._idle:
            self._idle.pop().close()
        await asyncio.sleep(0)
