"""`manage.py deliver_notifications`: --once, graceful SIGTERM, a database that goes away."""

import os
import signal
from io import StringIO

import pytest
from django.core.management import call_command, get_commands
from django.db import OperationalError

from notifications.delivery import Courier
from notifications.management.commands import deliver_notifications
from notifications.models import Notification, Status
from notifications.push import MemoryBackend

from .factories import DeviceFactory, NotificationFactory

# These run inside the test's transaction, which only this thread's connection can see: one
# sender loop (--threads 1). Several loops are tested on PostgreSQL in test_worker_postgres.
pytestmark = pytest.mark.django_db


def statuses():
    return sorted(Notification.objects.values_list("status", flat=True))


def test_serve_starts_the_worker_beside_the_server():
    assert "deliver_notifications" in get_commands()


def test_once_delivers_everything_due_then_exits(teacher, school_day):
    DeviceFactory(user=teacher)
    NotificationFactory.create_batch(5, recipient=teacher)
    out = StringIO()

    call_command(
        "deliver_notifications",
        "--threads",
        "1",
        "--once",
        "--backend",
        "memory",
        "--batch-size",
        "2",
        stdout=out,
    )

    assert statuses() == [Status.SENT] * 5
    assert "sent 5" in out.getvalue()


class SignalledMidBatch(MemoryBackend):
    """The supervisor sends SIGTERM while a batch is on the wire."""

    def send(self, messages):
        os.kill(os.getpid(), signal.SIGTERM)
        return super().send(messages)


def test_sigterm_finishes_and_records_the_batch_in_hand_then_stops(
    teacher, school_day, monkeypatch
):
    DeviceFactory(user=teacher)
    NotificationFactory.create_batch(3, recipient=teacher)
    backend = SignalledMidBatch()
    monkeypatch.setattr(
        deliver_notifications, "push_backend_from_settings", lambda name, **kw: backend
    )
    handler_before = signal.getsignal(signal.SIGTERM)

    # Without --once the loop would run forever; SIGTERM is what ends it.
    call_command("deliver_notifications", "--threads", "1", "--batch-size", "3", "--sleep", "30")

    assert statuses() == [Status.SENT] * 3
    assert len(backend.sent) == 3
    assert signal.getsignal(signal.SIGTERM) is handler_before


def test_a_database_that_goes_away_is_waited_out(teacher, school_day, monkeypatch):
    DeviceFactory(user=teacher)
    NotificationFactory(recipient=teacher)
    real_round = Courier.deliver_batch
    failures = []

    def round_during_a_restart(self):
        if len(failures) < 2:
            failures.append(1)
            raise OperationalError("could not connect to server: Connection refused")
        return real_round(self)

    monkeypatch.setattr(Courier, "deliver_batch", round_during_a_restart)
    monkeypatch.setattr(deliver_notifications, "FIRST_BACKOFF_SECONDS", 0.01)

    call_command(
        "deliver_notifications",
        "--threads",
        "1",
        "--once",
        "--backend",
        "memory",
        stdout=StringIO(),
    )

    assert len(failures) == 2
    assert statuses() == [Status.SENT]
