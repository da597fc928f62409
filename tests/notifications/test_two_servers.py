"""Live updates across processes: two real ASGI servers and a worker sharing Redis.

A phone's WebSocket is connected to server A. The same person asks server B for a test
notification (a mutation), a worker process delivers it, and the hint reaches server A through
the Redis channel layer; the phone then fetches the notification from server B. Nothing is
shared between the processes but PostgreSQL and Redis.

Needs REDIS_URL and a database other processes can open (PostgreSQL, or a SQLite file): the
test data is committed (transaction=True) and the servers are pointed at the test database.
"""

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
import websockets
from django.conf import settings

from backend.accounts.services.tokens import access_token_issue
from notifications.models import Kind, Notification, Status
from tests.factories import TeacherFactory

from .factories import DeviceFactory, PreferenceFactory
from .processes import free_port, process_env, stop

BASE_DIR = Path(settings.BASE_DIR)
PROTOCOL = "graphql-transport-ws"
STARTUP_SECONDS = 45
EVENT_SECONDS = 30

pytestmark = [
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"),
        reason="needs Redis shared by the server processes: set REDIS_URL (CI does)",
    ),
]

SUBSCRIPTION = "subscription { notificationReceived { unreadCount notification { id kind } } }"
SEND_TEST = "mutation { notificationSendTest { notificationId errors { code } } }"
INBOX = "{ myNotifications(first: 5) { edges { node { id kind } } } }"


@pytest.fixture
def shared_env(settings):
    """Environment for the server and worker processes, and the same channel layer here."""
    prefix = f"pob-test-{uuid.uuid4().hex[:8]}"  # other test runs on this Redis hear nothing
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [os.environ["REDIS_URL"]], "prefix": prefix},
        }
    }
    return process_env(
        REDIS_URL=os.environ["REDIS_URL"], REDIS_PREFIX=prefix, PUSH_BACKEND="memory"
    )


@pytest.fixture
def servers(shared_env, tmp_path):
    """Start two uvicorn processes; always stop them, even when the test fails."""
    processes: list[tuple[subprocess.Popen, int, Path]] = []
    try:
        for name in ("a", "b"):
            port = free_port()
            log = tmp_path / f"server-{name}.log"
            process = subprocess.Popen(  # noqa: S603 (our own server)
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "backend.asgi:application",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--lifespan",
                    "off",
                    "--ws",
                    "websockets",
                    "--log-level",
                    "warning",
                ],
                cwd=BASE_DIR,
                env=shared_env,
                stdout=log.open("w"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            processes.append((process, port, log))
        for process, port, log in processes:
            wait_until_serving(process, port, log)
        yield [f"127.0.0.1:{port}" for _process, port, _log in processes]
    finally:
        for process, _port, _log in processes:
            stop(process)


def wait_until_serving(process: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server on port {port} exited:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    pytest.fail(f"server on port {port} did not answer in {STARTUP_SECONDS}s:\n{log.read_text()}")


async def graphql(client: httpx.AsyncClient, address: str, token: str, query: str) -> dict:
    response = await client.post(
        f"http://{address}/graphql/",
        json={"query": query},
        headers={"Authorization": f"Bearer {token}"},
        timeout=20,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


async def run_worker(env: dict) -> str:
    worker = await asyncio.create_subprocess_exec(
        sys.executable,
        "manage.py",
        "deliver_notifications",
        "--once",
        cwd=BASE_DIR,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        output, _ = await asyncio.wait_for(worker.communicate(), timeout=STARTUP_SECONDS)
    except TimeoutError:
        worker.kill()
        raise
    assert worker.returncode == 0, output.decode()
    return output.decode()


def test_a_notification_caused_on_server_b_reaches_a_socket_on_server_a(servers, shared_env):
    server_a, server_b = servers
    teacher = TeacherFactory()
    PreferenceFactory(user=teacher, quiet_hours_enabled=False)
    DeviceFactory(user=teacher)
    _session, token = access_token_issue(user=teacher, device_name="phone")

    async def scenario():
        async with (
            websockets.connect(f"ws://{server_a}/graphql/", subprotocols=[PROTOCOL]) as ws,
            httpx.AsyncClient() as client,
        ):
            await ws.send(
                json.dumps({"type": "connection_init", "payload": {"authorization": token}})
            )
            ack = json.loads(await asyncio.wait_for(ws.recv(), EVENT_SECONDS))
            assert ack == {"type": "connection_ack"}
            await ws.send(
                json.dumps({"id": "n", "type": "subscribe", "payload": {"query": SUBSCRIPTION}})
            )
            await asyncio.sleep(1)  # the subscription joins its group on server A

            sent = await graphql(client, server_b, token, SEND_TEST)
            notification_id = sent["notificationSendTest"]["notificationId"]
            worker_output = await run_worker(shared_env)

            message = json.loads(await asyncio.wait_for(ws.recv(), EVENT_SECONDS))
            inbox = await graphql(client, server_b, token, INBOX)
            return notification_id, worker_output, message, inbox

    notification_id, worker_output, message, inbox = asyncio.run(scenario())

    assert "sent 1" in worker_output
    assert message["type"] == "next", message
    received = message["payload"]["data"]["notificationReceived"]
    assert received == {"unreadCount": 1, "notification": {"id": notification_id, "kind": "TEST"}}
    assert [edge["node"]["id"] for edge in inbox["myNotifications"]["edges"]] == [notification_id]
    stored = Notification.objects.get()
    assert (stored.kind, stored.status) == (Kind.TEST, Status.SENT)


def test_a_reconnecting_phone_catches_up_from_the_database(servers, shared_env):
    """Hints sent while no socket listened are lost by design; the inbox still has them."""
    server_a, server_b = servers
    teacher = TeacherFactory()
    _session, token = access_token_issue(user=teacher, device_name="phone")

    async def scenario():
        async with httpx.AsyncClient() as client:
            await graphql(client, server_a, token, SEND_TEST)
            await run_worker(shared_env)  # delivered while the app was closed
            return await graphql(client, server_b, token, INBOX)

    inbox = asyncio.run(scenario())

    assert [edge["node"]["kind"] for edge in inbox["myNotifications"]["edges"]] == ["TEST"]
