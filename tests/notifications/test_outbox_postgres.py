"""Two requests scheduling the same reminder at once: one row, and neither request fails.

The second request's insert waits on the unique key until the first commits; real row locks
and a real unique-index wait are what is tested, so this runs on PostgreSQL only."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connections, transaction
from django.utils import timezone

from notifications import outbox
from notifications.models import Kind, Notification, Status
from tests.conftest import postgres_only
from tests.factories import TeacherFactory

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]

KEY = "visit:41:tomorrow"


def schedule(teacher, due_at, body: str) -> None:
    outbox.schedule(
        recipient=teacher, kind=Kind.VISIT_TOMORROW, key=KEY,
        due_at=due_at, title="Visit tomorrow", body=body,
    )  # fmt: skip


def test_the_later_of_two_concurrent_schedules_moves_the_first_ones_row():
    teacher = TeacherFactory()
    first_due = timezone.now() + timedelta(hours=1)
    later_due = first_due + timedelta(hours=2)
    created = threading.Event()
    second_started = threading.Event()
    outcome: dict[str, object] = {}

    def first():
        try:
            with transaction.atomic():
                schedule(teacher, first_due, "9:00")
                created.set()
                # Hold the uncommitted row until the second request is waiting on its key.
                second_started.wait(5)
                time.sleep(0.5)
            outcome["first"] = "ok"
        except Exception as exc:
            outcome["first"] = repr(exc)
        finally:
            connections.close_all()

    def second():
        created.wait(5)
        second_started.set()
        try:
            with transaction.atomic():
                schedule(teacher, later_due, "11:00")
            outcome["second"] = "ok"
        except Exception as exc:
            outcome["second"] = repr(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)

    assert outcome == {"first": "ok", "second": "ok"}
    rows = list(Notification.objects.filter(key=KEY))
    assert len(rows) == 1
    assert (rows[0].status, rows[0].due_at, rows[0].body) == (Status.PENDING, later_due, "11:00")
