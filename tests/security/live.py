"""Live servers for fault tests: a migrated database, the world seeded into it, uvicorn
(bench/server.py), clients over loopback, and a TCP proxy to stand between the server and Redis
so a test can take Redis away and bring it back.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import httpx
import websockets

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "security-tests-only-secret-" + "s" * 40
PROTOCOL = "graphql-transport-ws"

# graphql-ws (the client library the app uses) gives up on these close codes; on any other it
# reconnects (https://github.com/enisdenjo/graphql-ws, client.ts: shouldRetryConnectOrThrow).
FATAL_CLOSE_CODES = frozenset({4500, 4005, 4400, 4004, 4401, 4406, 4409, 4429})
RETRIED_INTERNAL_CODES = frozenset({1000, 1001, 1005, 1006, 1012, 1013, 1014})


def graphql_ws_reconnects_on(code: int) -> bool:
    if 1000 <= code <= 1999:
        return code in RETRIED_INTERNAL_CODES
    return code not in FATAL_CLOSE_CODES


def base_env(**extra) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST", "DJANGO_", "DATABASE_", "REDIS_"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "backend.settings",
            "SECRET_KEY": SECRET_KEY,
            "PYTHONPATH": str(ROOT),
            "DJANGO_DEBUG": "0",
            "DJANGO_TESTING": "0",
            "LOG_LEVEL": "WARNING",
        }
    )
    env.update(extra)
    return env


def manage(env: dict, *args: str, timeout: float = 300) -> str:
    done = subprocess.run(  # noqa: S603 (our own manage.py)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def seed(database_url: str, extra_teachers: int = 0) -> dict:
    """The world in that database; returns tokens and ids (see tests/security/seed.py)."""
    env = base_env(DATABASE_URL=database_url, DJANGO_DEBUG="1", DJANGO_TESTING="1")
    done = subprocess.run(  # noqa: S603 (our own seeding module)
        [sys.executable, "-m", "tests.security.seed", str(extra_teachers)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode:
        raise RuntimeError(f"seeding failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def migrated_sqlite(directory: Path) -> str:
    """A migrated SQLite database file; returns its DATABASE_URL."""
    path = directory / "live.sqlite3"
    manage(base_env(DATABASE_URL=f"sqlite:///{path}", DJANGO_DEBUG="1"), "migrate", "-v0")
    return f"sqlite:///{path}"


def copy_sqlite(url: str, directory: Path) -> str:
    source = Path(urlparse(url).path)
    target = directory / f"copy-{uuid.uuid4().hex[:8]}.sqlite3"
    shutil.copyfile(source, target)
    return f"sqlite:///{target}"


# --- PostgreSQL: a fresh database per test -------------------------------------------------------


def postgres_admin_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def _connect(url: str):
    import psycopg

    parsed = urlparse(url)
    return psycopg.connect(
        host=parsed.hostname,
        port=parsed.port or 5432,
        user=parsed.username,
        password=parsed.password,
        dbname=parsed.path.lstrip("/") or "postgres",
        autocommit=True,
    )


def with_database(url: str, name: str) -> str:
    parsed = urlparse(url)
    return parsed._replace(path=f"/{name}").geturl()


@contextmanager
def fresh_postgres_database(admin_url: str, prefix: str = "sec_live"):
    """A new, migrated database next to the test database; dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with _connect(with_database(admin_url, "postgres")) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    url = with_database(admin_url, name)
    try:
        manage(base_env(DATABASE_URL=url, DJANGO_DEBUG="1"), "migrate", "-v0")
        yield url
    finally:
        with _connect(with_database(admin_url, "postgres")) as connection:
            connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            )
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')


def terminate_backends(url: str) -> int:
    """What a PostgreSQL restart does to the server's connections: every one of them dies."""
    with _connect(url) as connection:
        rows = connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return len(rows)


# --- Redis behind a proxy that can be switched off -----------------------------------------------


def redis_url() -> str | None:
    return os.environ.get("REDIS_URL") or None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TcpProxy:
    """Forwards 127.0.0.1:port to upstream; `down()` refuses new connections and cuts the
    open ones (Redis gone), `up()` listens again on the same port (Redis back)."""

    def __init__(self, upstream_host: str, upstream_port: int):
        self.upstream = (upstream_host, upstream_port)
        self.port = free_port()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.server = None
        self.writers: set = set()

    def _call(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=10)

    async def _pipe(self, reader, writer):
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    async def _handle(self, reader, writer):
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            writer.close()
            return
        self.writers |= {writer, up_writer}
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
        self.writers -= {writer, up_writer}

    async def _up(self):
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)

    async def _down(self):
        if self.server is not None:
            self.server.close()
            self.server = None
        for writer in list(self.writers):
            writer.transport.abort()
        self.writers.clear()

    def up(self):
        self._call(self._up())

    def down(self):
        self._call(self._down())

    def close(self):
        self.down()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)
        self.loop.close()


# --- clients -------------------------------------------------------------------------------------


def post(port: int, query: str, variables: dict | None = None, token: str | None = None):
    headers = {"Accept": "application/graphql-response+json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return httpx.post(
        f"http://127.0.0.1:{port}/graphql/",
        json={"query": query, "variables": variables or {}},
        headers=headers,
        timeout=30,
    )


class Socket:
    """A graphql-transport-ws client: init, subscribe, read messages, see how it closed."""

    def __init__(self, port: int, token: str | None):
        self.url = f"ws://127.0.0.1:{port}/graphql/"
        self.token = token
        self.connection = None
        self.close_code: int | None = None

    async def open(self) -> bool:
        """Connect and initialise; False if the server closed instead of acknowledging."""
        try:
            self.connection = await websockets.connect(self.url, subprotocols=[PROTOCOL])
        except websockets.InvalidHandshake:
            # Refused before the upgrade (e.g. a 500): the browser reports 1006 and
            # graphql-ws retries.
            self.close_code = 1006
            return False
        payload = {"authorization": f"Bearer {self.token}"} if self.token else {}
        if not await self._send({"type": "connection_init", "payload": payload}):
            return False
        message = await self.receive(5)
        return message is not None and message.get("type") == "connection_ack"

    async def subscribe(self, operation_id: str, query: str, variables: dict | None = None):
        await self._send(
            {
                "id": operation_id,
                "type": "subscribe",
                "payload": {"query": query, "variables": variables or {}},
            }
        )

    async def _send(self, message: dict) -> bool:
        try:
            await self.connection.send(json.dumps(message))
        except websockets.ConnectionClosed as closed:
            self.close_code = closed.rcvd.code if closed.rcvd else 1006
            return False
        return True

    async def receive(self, timeout: float) -> dict | None:
        """The next message; None on timeout or when the socket closed (see close_code)."""
        try:
            return json.loads(await asyncio.wait_for(self.connection.recv(), timeout))
        except TimeoutError:
            return None
        except websockets.ConnectionClosed as closed:
            self.close_code = closed.rcvd.code if closed.rcvd else 1006
            return None

    async def close(self):
        if self.connection is not None:
            await self.connection.close()
