"""The outbox: one row per occurrence, moved by rescheduling, withdrawn by cancelling, written
with its cause, and never sent twice."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from notifications import outbox
from notifications.models import Kind, Notification, Status
from tests.factories import TeacherFactory

from .factories import DeviceFactory

pytestmark = pytest.mark.django_db


def remind(recipient, key="visit:1:tomorrow:user:1", due_in=timedelta(hours=5), **changes):
    fields = {
        "recipient": recipient,
        "kind": Kind.VISIT_TOMORROW,
        "key": key,
        "due_at": timezone.now() + due_in,
        "title": "Visit tomorrow",
        "body": "Room 12 at 9:00",
        "target_type": "Visit",
        "target_id": "VmlzaXQ6MQ==",
    }
    fields.update(changes)
    return outbox.schedule(**fields)


def test_schedule_writes_a_pending_reminder(teacher, school_day):
    reminder = remind(teacher)

    assert reminder.status == Status.PENDING
    assert reminder.due_at == school_day + timedelta(hours=5)
    assert reminder.delivered_at is None


def test_scheduling_the_same_key_again_moves_the_reminder(teacher, school_day):
    first = remind(teacher)

    moved = remind(teacher, due_in=timedelta(days=2), body="Room 14 at 10:00")

    assert moved.pk == first.pk
    assert Notification.objects.count() == 1
    moved.refresh_from_db()
    assert moved.due_at == school_day + timedelta(days=2)
    assert moved.body == "Room 14 at 10:00"


def test_a_rescheduled_reminder_is_delivered_at_the_new_time_only(
    teacher, school_day, time_machine, courier, push
):
    DeviceFactory(user=teacher)
    remind(teacher, due_in=timedelta(hours=1))
    remind(teacher, due_in=timedelta(hours=3))

    time_machine.shift(timedelta(hours=2))
    courier.drain()
    assert push.messages == []

    time_machine.shift(timedelta(hours=1, minutes=1))
    courier.drain()
    assert len(push.sent) == 1


def test_cancel_withdraws_pending_reminders_by_key_prefix(teacher, courier, push, school_day):
    DeviceFactory(user=teacher)
    remind(teacher, key="visit:7:tomorrow:user:1", due_in=timedelta(0))
    remind(teacher, key="visit:7:soon:user:1", due_in=timedelta(0))
    remind(teacher, key="visit:70:soon:user:1", due_in=timedelta(0))

    assert outbox.cancel(key_prefix="visit:7:") == 2

    courier.drain()
    assert [m.tag for m in push.sent] == ["visit:70:soon:user:1"]
    assert set(Notification.objects.values_list("key", "status")) == {
        ("visit:7:tomorrow:user:1", Status.CANCELLED),
        ("visit:7:soon:user:1", Status.CANCELLED),
        ("visit:70:soon:user:1", Status.SENT),
    }


def test_scheduling_a_cancelled_key_again_revives_it(teacher):
    remind(teacher)
    outbox.cancel(key_prefix="visit:1:")

    revived = remind(teacher)

    assert revived.status == Status.PENDING


def test_a_sent_reminder_is_neither_moved_nor_cancelled_nor_sent_again(
    teacher, courier, push, school_day
):
    DeviceFactory(user=teacher)
    remind(teacher, due_in=timedelta(0))
    courier.drain()

    again = remind(teacher, due_in=timedelta(0), body="changed")
    cancelled = outbox.cancel(key_prefix="visit:1:")
    courier.drain()

    assert again.status == Status.SENT and again.body == "Room 12 at 9:00"
    assert cancelled == 0
    assert len(push.messages) == 1


def test_a_reminder_being_sent_is_left_alone(teacher, school_day):
    reminder = remind(teacher, due_in=timedelta(0))
    Notification.objects.filter(pk=reminder.pk).update(status=Status.SENDING)

    remind(teacher, due_in=timedelta(days=1))
    outbox.cancel(key_prefix="visit:1:")

    reminder.refresh_from_db()
    assert reminder.status == Status.SENDING
    assert reminder.due_at == school_day


def test_a_reminder_is_written_with_its_cause_or_not_at_all(teacher):
    with pytest.raises(RuntimeError), transaction.atomic():
        remind(teacher)
        raise RuntimeError("the visit could not be saved")

    assert not Notification.objects.exists()


def test_without_a_due_time_a_reminder_is_due_now(school_day):
    reminder = outbox.schedule(
        recipient=TeacherFactory(),
        kind=Kind.SURVEY_OPENED,
        key="survey:3:opened:user:9",
        due_at=None,
        title="Survey",
        body="A survey is waiting",
    )

    assert reminder.due_at == school_day
