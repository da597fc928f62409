"""The worker's rounds when a worker dies or overruns its lease: nothing lost, nothing pushed
twice, the new owner's result kept."""

from datetime import timedelta

import pytest
from django.db import OperationalError

from notifications.delivery import REASON_LEASE_EXPIRED, Courier
from notifications.models import Notification, Status
from notifications.push import MemoryBackend, PushOutcome

from .factories import DeviceFactory, NotificationFactory

pytestmark = pytest.mark.django_db


def status_of(notification) -> str:
    notification.refresh_from_db()
    return notification.status


class ExplodingBackend(MemoryBackend):
    def send(self, messages):
        raise ConnectionError("proxy down")


# --- dying workers and leases -------------------------------------------------------------


class DyingBackend(MemoryBackend):
    """The process is killed while the messages are on the wire."""

    def send(self, messages):
        super().send(messages)
        raise KeyboardInterrupt  # not an Exception: nothing of ours catches it


def test_a_worker_killed_mid_batch_loses_nothing(teacher, push, school_day, time_machine):
    DeviceFactory(user=teacher)
    notifications = NotificationFactory.create_batch(3, recipient=teacher)
    dying = DyingBackend()

    with pytest.raises(KeyboardInterrupt):
        Courier(dying, worker_id="doomed", lease_seconds=300).deliver_batch()

    assert {status_of(n) for n in notifications} == {Status.SENDING}
    survivor = Courier(push, worker_id="survivor", lease_seconds=300)
    assert survivor.deliver_batch().taken == 0  # the lease still holds

    time_machine.shift(timedelta(seconds=301))
    report = survivor.deliver_batch()

    assert (report.released, report.sent) == (3, 3)
    assert {status_of(n) for n in notifications} == {Status.SENT}
    # At least once: the phone got each twice, and the shared tag made it replace the first.
    assert [m.tag for m in dying.messages] == [m.tag for m in push.sent]
    assert all(n.attempts == 2 for n in Notification.objects.all())


def test_a_notification_that_keeps_killing_workers_finally_fails(teacher, time_machine, school_day):
    DeviceFactory(user=teacher)
    notification = NotificationFactory(recipient=teacher)

    for _ in range(2):
        with pytest.raises(KeyboardInterrupt):
            Courier(DyingBackend(), lease_seconds=10, max_attempts=2).deliver_batch()
        time_machine.shift(timedelta(seconds=11))
    Courier(MemoryBackend(), max_attempts=2).deliver_batch()

    notification.refresh_from_db()
    assert notification.status == Status.FAILED
    assert "Gave up after 2 attempts" in notification.last_error


def test_a_released_lease_says_why(teacher, time_machine, school_day):
    DeviceFactory(user=teacher)
    notification = NotificationFactory(recipient=teacher)
    with pytest.raises(KeyboardInterrupt):
        Courier(DyingBackend(), lease_seconds=10).deliver_batch()
    time_machine.shift(timedelta(seconds=11))

    Courier(ExplodingBackend()).release_expired_leases()

    notification.refresh_from_db()
    assert (notification.status, notification.last_error) == (Status.PENDING, REASON_LEASE_EXPIRED)


class SlowBackend(MemoryBackend):
    """Takes longer than the lease; meanwhile another worker takes the batch over."""

    def __init__(self, while_sending):
        super().__init__()
        self.while_sending = while_sending

    def send(self, messages):
        results = super().send(messages)
        self.while_sending()
        return results


def test_a_worker_that_overran_its_lease_does_not_overwrite_the_new_owner(
    teacher, time_machine, school_day
):
    DeviceFactory(user=teacher, token="t")
    notification = NotificationFactory(recipient=teacher)
    other = MemoryBackend()
    other.set_outcome("t", PushOutcome.FAILED, error="the new owner's result")

    def overrun():
        time_machine.shift(timedelta(seconds=61))
        Courier(other, worker_id="new-owner").deliver_batch()

    report = Courier(SlowBackend(overrun), worker_id="slow", lease_seconds=60).deliver_batch()

    assert report.lost_leases == 1 and report.sent == 0
    notification.refresh_from_db()
    assert (notification.status, notification.last_error) == (
        Status.FAILED,
        "the new owner's result",
    )


def test_a_record_that_failed_is_retried_without_pushing_again(
    teacher, courier, push, school_day, monkeypatch
):
    DeviceFactory(user=teacher)
    notification = NotificationFactory(recipient=teacher)
    real_record = Courier._record
    calls = []

    def record_after_a_database_restart(self, *args):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real_record(self, *args)

    monkeypatch.setattr(Courier, "_record", record_after_a_database_restart)

    with pytest.raises(OperationalError):
        courier.deliver_batch()
    assert status_of(notification) == Status.SENDING
    report = courier.deliver_batch()

    assert report.sent == 1
    assert status_of(notification) == Status.SENT
    assert len(push.messages) == 1
