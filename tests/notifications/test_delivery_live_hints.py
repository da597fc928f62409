"""The worker's rounds and live hints: reaching the inbox is announced to an open app."""

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.cache import cache

from notifications.models import Notification
from notifications.presence import presence_key
from notifications.push import PushOutcome
from tests.factories import TeacherFactory

from .factories import DeviceFactory, NotificationFactory

pytestmark = pytest.mark.django_db


# --- live hints ---------------------------------------------------------------------------


async def receive_many(layer, channel, count):
    # One event loop for all: channels_redis keeps its receive state per loop.
    return [await layer.receive(channel) for _ in range(count)]


def test_reaching_the_inbox_is_announced_once_after_the_commit(
    courier, push, school_day, django_capture_on_commit_callbacks
):
    with_device, without = TeacherFactory(), TeacherFactory()
    DeviceFactory(user=with_device, token="flaky")
    push.set_outcome("flaky", PushOutcome.TRANSIENT, times=1)
    pushed = NotificationFactory(recipient=with_device)
    inbox_only = NotificationFactory(recipient=without)
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    for person in (with_device, without):
        async_to_sync(layer.group_add)(f"user.{person.pk}", channel)
        cache.set(presence_key(person.pk), 1)  # their app is open

    with django_capture_on_commit_callbacks(execute=True):
        courier.deliver_batch()
    received = async_to_sync(receive_many)(layer, channel, 2)

    assert sorted((m["group"], m["payload"]["notification_id"]) for m in received) == sorted(
        [(f"user.{with_device.pk}", pushed.pk), (f"user.{without.pk}", inbox_only.pk)]
    )
    assert {m["event"] for m in received} == {"notification_received"}

    # The retry that finally pushes it is not a second arrival in the inbox.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        Notification.objects.filter(pk=pushed.pk).update(due_at=school_day)
        courier.deliver_batch()
    assert callbacks == []


def test_people_without_the_app_open_get_no_hint(
    courier, school_day, django_capture_on_commit_callbacks, monkeypatch
):
    app_open, app_closed = TeacherFactory(), TeacherFactory()
    cache.set(presence_key(app_open.pk), 1)
    for person in (app_open, app_closed):
        NotificationFactory(recipient=person)
    layer = get_channel_layer()
    sent_to = []

    async def recording_group_send(group, message):
        sent_to.append(group)

    monkeypatch.setattr(layer, "group_send", recording_group_send)

    with django_capture_on_commit_callbacks(execute=True):
        courier.deliver_batch()

    assert sent_to == [f"user.{app_open.pk}"]


def test_when_presence_is_unknown_everyone_gets_the_hint(
    courier, school_day, django_capture_on_commit_callbacks, monkeypatch
):
    people = TeacherFactory.create_batch(2)
    for person in people:
        NotificationFactory(recipient=person)
    layer = get_channel_layer()
    sent_to = []

    async def recording_group_send(group, message):
        sent_to.append(group)

    def cache_down(keys):
        raise ConnectionError("Redis is restarting")

    monkeypatch.setattr(layer, "group_send", recording_group_send)
    monkeypatch.setattr(cache, "get_many", cache_down)

    with django_capture_on_commit_callbacks(execute=True):
        courier.deliver_batch()

    assert sorted(sent_to) == sorted(f"user.{person.pk}" for person in people)
