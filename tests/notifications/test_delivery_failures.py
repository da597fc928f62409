"""The worker's rounds when pushing fails: tokens deactivated, transient failures retried
with back-off, permanent ones recorded."""

from datetime import timedelta

import pytest

from notifications.delivery import Courier
from notifications.models import Status
from notifications.push import MemoryBackend, PushOutcome
from tests.factories import TeacherFactory

from .factories import DeviceFactory, NotificationFactory

pytestmark = pytest.mark.django_db


# --- failures -----------------------------------------------------------------------------


def test_unregistered_and_invalid_tokens_are_deactivated(courier, push, school_day):
    teacher = TeacherFactory()
    gone = DeviceFactory(user=teacher, token="uninstalled")
    alive = DeviceFactory(user=teacher, token="alive")
    only_bad = DeviceFactory(token="malformed")
    push.set_outcome("uninstalled", PushOutcome.UNREGISTERED, error="UNREGISTERED")
    push.set_outcome("malformed", PushOutcome.INVALID_TOKEN, error="not a valid FCM token")
    partly = NotificationFactory(recipient=teacher)
    nowhere = NotificationFactory(recipient=only_bad.user)

    report = courier.deliver_batch()

    assert report.tokens_deactivated == 2
    gone.refresh_from_db()
    only_bad.refresh_from_db()
    alive.refresh_from_db()
    assert (gone.active, gone.deactivation_reason, gone.deactivated_at) == (
        False,
        "UNREGISTERED",
        school_day,
    )
    assert not only_bad.active and alive.active
    partly.refresh_from_db()
    assert partly.status == Status.SENT and "UNREGISTERED" in partly.last_error
    nowhere.refresh_from_db()
    assert nowhere.status == Status.SKIPPED
    assert nowhere.last_error.startswith("No device accepted it: not a valid FCM token")
    assert nowhere.delivered_at == school_day

    courier.deliver_batch()
    NotificationFactory(recipient=teacher)
    courier.deliver_batch()
    assert [m.token for m in push.messages].count("uninstalled") == 1


def test_transient_failures_are_retried_later_with_backoff_then_fail(
    teacher, push, school_day, time_machine
):
    DeviceFactory(user=teacher, token="flaky")
    push.set_outcome("flaky", PushOutcome.TRANSIENT, error="INTERNAL [HTTP 500]")
    notification = NotificationFactory(recipient=teacher)
    courier = Courier(push, max_attempts=3, retry_seconds=60, random=lambda: 1.0)

    report = courier.deliver_batch()

    assert report.retrying == 1
    notification.refresh_from_db()
    assert notification.status == Status.PENDING
    assert notification.attempts == 1
    assert notification.due_at == school_day + timedelta(seconds=60)
    assert notification.last_error == "INTERNAL [HTTP 500]"
    assert notification.delivered_at == school_day  # in the inbox while the push waits

    time_machine.shift(timedelta(seconds=60))
    courier.deliver_batch()
    notification.refresh_from_db()
    assert notification.due_at == school_day + timedelta(seconds=60 + 120)

    time_machine.shift(timedelta(seconds=120))
    report = courier.deliver_batch()
    notification.refresh_from_db()
    assert report.failed == 1
    assert (notification.status, notification.attempts) == (Status.FAILED, 3)
    assert notification.last_error == "INTERNAL [HTTP 500]"
    assert len(push.messages) == 3


def test_retry_after_from_fcm_is_honoured(teacher, push, school_day):
    DeviceFactory(user=teacher, token="busy")
    push.set_outcome("busy", PushOutcome.TRANSIENT, error="QUOTA_EXCEEDED", retry_after=900)
    notification = NotificationFactory(recipient=teacher)

    Courier(push, retry_seconds=10, random=lambda: 0.0).deliver_batch()

    notification.refresh_from_db()
    assert notification.due_at == school_day + timedelta(seconds=900)


def test_a_transient_failure_that_recovers_is_sent(teacher, push, school_day, time_machine):
    DeviceFactory(user=teacher, token="flaky")
    push.set_outcome("flaky", PushOutcome.TRANSIENT, times=1)
    notification = NotificationFactory(recipient=teacher)
    courier = Courier(push, retry_seconds=30)

    courier.deliver_batch()
    time_machine.shift(timedelta(seconds=31))
    courier.deliver_batch()

    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Status.SENT, 2)
    assert notification.delivered_at == school_day  # entered the inbox once


def test_a_permanent_failure_is_recorded_with_its_reason(teacher, courier, push, school_day):
    DeviceFactory(user=teacher, token="t")
    push.set_outcome("t", PushOutcome.FAILED, error="INVALID_ARGUMENT: bad payload")
    notification = NotificationFactory(recipient=teacher)

    assert courier.deliver_batch().failed == 1

    notification.refresh_from_db()
    assert notification.status == Status.FAILED
    assert notification.last_error == "INVALID_ARGUMENT: bad payload"
    assert teacher.devices.get().active  # the token is not blamed


class ExplodingBackend(MemoryBackend):
    def send(self, messages):
        raise ConnectionError("proxy down")


def test_a_back_end_that_raises_does_not_strand_the_batch(teacher, school_day):
    DeviceFactory(user=teacher)
    notification = NotificationFactory(recipient=teacher)

    report = Courier(ExplodingBackend()).deliver_batch()

    assert report.retrying == 1
    notification.refresh_from_db()
    assert notification.status == Status.PENDING
    assert "proxy down" in notification.last_error
