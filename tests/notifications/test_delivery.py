"""The worker's rounds with the memory back-end: what is pushed, what waits, and what goes to
the inbox only. Quiet hours, failures, leases and live hints have their own files
(test_delivery_*.py)."""

from datetime import timedelta

import pytest
from graphql_relay import to_global_id

from notifications.delivery import (
    REASON_INACTIVE,
    REASON_KIND_OFF,
    REASON_NO_DEVICE,
    Courier,
    replacement_tag,
)
from notifications.models import Kind, Status
from notifications.push import TokenKind
from tests.factories import TeacherFactory

from .factories import DeviceFactory, NotificationFactory, PreferenceFactory

pytestmark = pytest.mark.django_db


def status_of(notification) -> str:
    notification.refresh_from_db()
    return notification.status


# --- pushing ------------------------------------------------------------------------------


def test_a_due_notification_is_pushed_to_every_active_device(teacher, courier, push, school_day):
    phone = DeviceFactory(user=teacher, token="phone")
    tablet = DeviceFactory(user=teacher, token="tablet", token_kind="fid")
    DeviceFactory(user=teacher, token="old-phone", active=False)
    notification = NotificationFactory(
        recipient=teacher, key="visit:5:tomorrow:user:1", target_id="VmlzaXQ6NQ=="
    )

    report = courier.deliver_batch()

    assert (report.claimed, report.sent, report.messages) == (1, 1, 2)
    assert [m.token for m in push.sent] == [phone.token, tablet.token]
    message = push.sent[0]
    assert (message.title, message.body) == (
        "Visit tomorrow",
        "You visit Room 12 tomorrow at 9:00.",
    )
    assert message.data == {
        "type": "Visit",
        "id": "VmlzaXQ6NQ==",
        "kind": "VISIT_TOMORROW",
        "notificationId": to_global_id("Notification", notification.pk),
    }
    assert message.tag == "visit:5:tomorrow:user:1"
    assert message.thread_id == "Visit:VmlzaXQ6NQ=="
    assert push.sent[1].token_kind is TokenKind.FID
    notification.refresh_from_db()
    assert notification.status == Status.SENT
    assert notification.sent_at == notification.delivered_at == school_day
    assert notification.attempts == 1
    assert (notification.claimed_by, notification.claimed_until) == ("", None)
    assert notification.last_error == ""


def test_reminders_not_yet_due_wait(teacher, courier, push, school_day):
    DeviceFactory(user=teacher)
    later = NotificationFactory(recipient=teacher, due_at=school_day + timedelta(seconds=1))

    assert courier.deliver_batch().taken == 0
    assert push.messages == [] and status_of(later) == Status.PENDING


def test_rounds_take_the_oldest_first_and_at_most_a_batch(teacher, push, school_day):
    DeviceFactory(user=teacher)
    for minutes, key in ((3, "b"), (9, "a"), (1, "c")):
        NotificationFactory(
            recipient=teacher, key=key, due_at=school_day - timedelta(minutes=minutes)
        )
    courier = Courier(push, batch_size=2)

    first = courier.deliver_batch()
    second = courier.deliver_batch()

    assert (first.taken, first.full, second.taken, second.full) == (2, True, 1, False)
    assert [m.tag for m in push.sent] == ["a", "b", "c"]


def test_long_keys_get_a_short_stable_tag():
    key = "survey:123:closing:administration:456:user:" + "9" * 80

    assert len(replacement_tag(key).encode()) <= 64
    assert replacement_tag(key) == replacement_tag(key) != replacement_tag(key + "0")
    assert replacement_tag("visit:1") == "visit:1"


# --- inbox only ---------------------------------------------------------------------------


def test_a_kind_turned_off_goes_to_the_inbox_without_a_push(teacher, courier, push, school_day):
    DeviceFactory(user=teacher)
    PreferenceFactory(user=teacher, disabled_kinds=["VISIT_TOMORROW"])
    notification = NotificationFactory(recipient=teacher)
    other_kind = NotificationFactory(recipient=teacher, kind=Kind.SURVEY_OPENED)

    report = courier.deliver_batch()

    assert (report.skipped, report.sent) == (1, 1)
    assert [m.data["kind"] for m in push.sent] == ["SURVEY_OPENED"]
    notification.refresh_from_db()
    assert notification.status == Status.SKIPPED
    assert notification.last_error == REASON_KIND_OFF
    assert notification.delivered_at == school_day
    assert status_of(other_kind) == Status.SENT


def test_without_a_device_a_notification_is_inbox_only(teacher, courier, push, school_day):
    DeviceFactory(user=teacher, active=False)
    notification = NotificationFactory(recipient=teacher)

    courier.deliver_batch()

    notification.refresh_from_db()
    assert (notification.status, notification.last_error) == (Status.SKIPPED, REASON_NO_DEVICE)
    assert notification.delivered_at == school_day
    assert push.messages == []


def test_a_deactivated_account_gets_nothing_pushed(courier, push, school_day):
    person = TeacherFactory(is_active=False)
    DeviceFactory(user=person)
    notification = NotificationFactory(recipient=person)

    courier.deliver_batch()

    assert status_of(notification) == Status.SKIPPED
    assert notification.last_error == REASON_INACTIVE
    assert push.messages == []
