"""notificationReceived over graphql-transport-ws, end to end through Channels."""

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from graphql_relay import to_global_id

from backend.accounts.services.tokens import access_token_issue
from backend.asgi import application
from backend.live import broadcast
from notifications.delivery import Courier
from notifications.push import MemoryBackend
from tests.factories import TeacherFactory

from .factories import DeviceFactory, NotificationFactory, PreferenceFactory

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

PROTOCOL = "graphql-transport-ws"
RECEIVED = """
subscription {
  notificationReceived {
    unreadCount
    notification { id kind title isRead target { type id } }
  }
}
"""


async def signed_in_socket(user):
    _token, raw = await database_sync_to_async(access_token_issue)(user=user, device_name="ws")
    socket = WebsocketCommunicator(application, "/graphql/", subprotocols=[PROTOCOL])
    connected, _ = await socket.connect()
    assert connected
    await socket.send_json_to(
        {"type": "connection_init", "payload": {"authorization": f"Bearer {raw}"}}
    )
    assert await socket.receive_json_from() == {"type": "connection_ack"}
    return socket


async def subscribed(user):
    socket = await signed_in_socket(user)
    await socket.send_json_to({"id": "n", "type": "subscribe", "payload": {"query": RECEIVED}})
    await asyncio.sleep(0.3)  # let the subscription be checked, charged and join its group
    return socket


@database_sync_to_async
def person(with_device=True):
    teacher = TeacherFactory()
    # Whatever the hour the suite runs at, quiet hours must not hold the notification back.
    PreferenceFactory(user=teacher, quiet_hours_enabled=False)
    if with_device:
        DeviceFactory(user=teacher)
    return teacher


@database_sync_to_async
def deliver(**fields):
    notification = NotificationFactory(**fields)
    Courier(MemoryBackend()).drain()
    return notification


async def test_a_notification_arrives_live_when_it_becomes_due():
    teacher = await person()
    socket = await subscribed(teacher)

    notification = await deliver(recipient=teacher, title="Visit tomorrow")

    message = await socket.receive_json_from(timeout=5)
    assert message["type"] == "next" and message["id"] == "n"
    assert message["payload"]["data"]["notificationReceived"] == {
        "unreadCount": 1,
        "notification": {
            "id": to_global_id("Notification", notification.pk),
            "kind": "VISIT_TOMORROW",
            "title": "Visit tomorrow",
            "isRead": False,
            "target": {"type": "Visit", "id": notification.target_id},
        },
    }
    await socket.disconnect()


async def test_inbox_only_notifications_arrive_too():
    teacher = await person(with_device=False)
    socket = await subscribed(teacher)

    notification = await deliver(recipient=teacher)

    message = await socket.receive_json_from(timeout=5)
    received = message["payload"]["data"]["notificationReceived"]["notification"]
    assert received["id"] == to_global_id("Notification", notification.pk)
    await socket.disconnect()


async def test_only_your_own_notifications_arrive():
    teacher, other = await person(), await person()
    socket = await subscribed(teacher)

    await deliver(recipient=other, title="not yours")
    await deliver(recipient=teacher, title="yours")

    message = await socket.receive_json_from(timeout=5)
    assert message["payload"]["data"]["notificationReceived"]["notification"]["title"] == "yours"
    assert await socket.receive_nothing(timeout=0.2)
    await socket.disconnect()


async def test_a_stale_hint_is_checked_against_the_database_and_dropped():
    teacher = await person()
    socket = await subscribed(teacher)
    pending = await database_sync_to_async(NotificationFactory)(
        recipient=teacher, title="not due yet", due_at="2099-01-01T00:00:00Z"
    )

    await database_sync_to_async(broadcast)(
        f"user.{teacher.pk}", "notification_received", {"notification_id": pending.pk}
    )
    await deliver(recipient=teacher, title="due")

    message = await socket.receive_json_from(timeout=5)
    assert message["payload"]["data"]["notificationReceived"]["notification"]["title"] == "due"
    await socket.disconnect()


async def test_anonymous_sockets_cannot_subscribe():
    socket = WebsocketCommunicator(application, "/graphql/", subprotocols=[PROTOCOL])
    await socket.connect()
    await socket.send_json_to({"type": "connection_init"})
    await socket.receive_json_from()
    await socket.send_json_to({"id": "n", "type": "subscribe", "payload": {"query": RECEIVED}})

    message = await socket.receive_json_from()
    assert message["payload"]["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    await socket.disconnect()
