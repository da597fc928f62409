"""A real server process for the WebSocket tests that only a real one shows (Redis timeouts,
`manage.py serve`'s processes): a fresh SQLite file, uvicorn on an ephemeral port, a real
WebSocket client (`websockets`), stopped by pid."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

PROTOCOL = "graphql-transport-ws"
MANAGE = str(settings.BASE_DIR / "manage.py")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(database: Path, **extra: str) -> dict:
    env = {**os.environ, "DJANGO_DEBUG": "1", "DATABASE_URL": f"sqlite:///{database}"}
    for name in ("REDIS_URL", "DJANGO_TESTING", "PYTEST_CURRENT_TEST"):
        env.pop(name, None)
    env.update(extra)
    return env


def migrate(database: Path) -> None:
    subprocess.run(  # noqa: S603 (our own manage.py)
        [sys.executable, MANAGE, "migrate", "-v0"],
        env=server_env(database),
        check=True,
        timeout=300,
    )


def run_python(database: Path, code: str, **extra: str) -> dict:
    """Run `code` in Django's shell against the server's database; it prints one JSON line."""
    done = subprocess.run(  # noqa: S603
        [sys.executable, MANAGE, "shell", "-c", code],
        env=server_env(database, **extra),
        timeout=120,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


TEACHERS = """
import json, uuid
from tests.factories import DistrictFactory, SchoolFactory, TeacherFactory
from backend.accounts.services.tokens import access_token_issue
tag = uuid.uuid4().hex[:10]
school = SchoolFactory(district=DistrictFactory(slug=f"d-{tag}", name=f"D {tag}"))
found = []
for number in range(COUNT):
    user = TeacherFactory(school=school, email=f"t{number}-{tag}@example.org")
    token, raw = access_token_issue(user=user, device_name="live")
    found.append({"user_id": user.pk, "token_id": token.pk, "token": raw})
print(json.dumps(found))
"""


def teachers(database: Path, count: int) -> list[dict]:
    """`count` teachers of one new school, each signed in: ids and a raw token."""
    return run_python(database, TEACHERS.replace("COUNT", str(count)))


def wait_until_up(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the server did not come up")


@contextmanager
def running(command: list[str], env: dict, port: int, log: Path):
    """Start `command` (a server on `port`) and stop it, by pid, however the test ends."""
    with open(log, "ab") as output:
        process = subprocess.Popen(  # noqa: S603
            command, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        wait_until_up(port, process)
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def uvicorn_command(port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "backend.asgi:application",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--ws",
        "websockets",
        "--lifespan",
        "off",
        "--log-level",
        "warning",
    ]


async def signed_in(port: int, token: str):
    """A real client socket, initialised with `token` and acknowledged."""
    import websockets

    socket_ = await websockets.connect(
        f"ws://127.0.0.1:{port}/graphql/", subprotocols=[PROTOCOL], open_timeout=10
    )
    await socket_.send(
        json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
    )
    assert json.loads(await socket_.recv()) == {"type": "connection_ack"}
    return socket_


async def subscribe(socket_, operation_id: str, query: str, variables: dict | None = None):
    await socket_.send(
        json.dumps(
            {
                "id": operation_id,
                "type": "subscribe",
                "payload": {"query": query, "variables": variables or {}},
            }
        )
    )
