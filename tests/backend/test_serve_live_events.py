"""`make run` (`manage.py serve`) on a bare machine has a live inbox (issue 18, item 5).

No Redis, a fresh SQLite file: the phone subscribes to `notificationReceived`, asks for a test
notification over HTTP, and the reminder worker that `serve` started delivers it; the live event
must reach the socket. Before, the worker was a second process on the in-memory channel layer,
so the event never left it.
"""

import asyncio
import json
import sys
import time
import urllib.request

import pytest

from .live_server import (
    MANAGE,
    free_port,
    migrate,
    running,
    server_env,
    signed_in,
    subscribe,
    teachers,
)

pytestmark = [pytest.mark.timeout(300)]

RECEIVED = "subscription { notificationReceived { notification { id title } unreadCount } }"
SEND_TEST = "mutation { notificationSendTest { notificationId errors { code } } }"
REVOKED = "subscription { sessionRevoked { sessionId } }"
SIGN_OUT = "mutation { sessionSignOut { errors { code } } }"


def _post(port: int, token: str, query: str) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql/",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=30) as reply:  # noqa: S310 (our server)
        return json.loads(reply.read())


def test_serve_without_redis_delivers_notification_received_live(tmp_path):
    database = tmp_path / "db.sqlite3"
    migrate(database)
    teacher = teachers(database, 1)[0]
    port = free_port()
    command = [sys.executable, MANAGE, "serve", "--port", str(port)]

    async def scenario():
        socket_ = await signed_in(port, teacher["token"])
        await subscribe(socket_, "inbox", RECEIVED)
        await subscribe(socket_, "session", REVOKED)
        await asyncio.sleep(0.5)  # the subscriptions join their groups
        sent = await asyncio.to_thread(_post, port, teacher["token"], SEND_TEST)
        started = time.monotonic()
        message = json.loads(await asyncio.wait_for(socket_.recv(), 10))
        elapsed = time.monotonic() - started
        # An event the server causes itself still arrives too: signing out over HTTP.
        await asyncio.to_thread(_post, port, teacher["token"], SIGN_OUT)
        revoked = json.loads(await asyncio.wait_for(socket_.recv(), 10))
        await socket_.close()
        return sent, message, elapsed, revoked

    with running(command, server_env(database), port, tmp_path / "log"):
        sent, message, elapsed, revoked = asyncio.run(scenario())

    notification_id = sent["data"]["notificationSendTest"]["notificationId"]
    assert notification_id
    assert message["type"] == "next", message
    event = message["payload"]["data"]["notificationReceived"]
    assert event["notification"]["id"] == notification_id
    assert event["unreadCount"] == 1
    assert elapsed < 5
    assert revoked["id"] == "session" and revoked["type"] == "next", revoked
