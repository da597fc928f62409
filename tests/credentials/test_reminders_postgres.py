"""Two reminder workers running the credentials job at the same moment, on PostgreSQL.

Both read the same progress before either writes; the unique index on the watermark lets one
insert it, and the other, refused, pushes nothing. On SQLite writers are serialised, so the
simulation in test_reminders.py (a whole run between another's read and write) stands in.
"""

import threading

import pytest
import time_machine
from django.db import connection

from credentials import jobs
from credentials.jobs import READY_MARK, progress_watch
from credentials.models import Pursuit, RequirementMet
from notifications.models import Kind, Notification
from tests.conftest import postgres_only

from .conftest import at_day

pytestmark = [pytest.mark.postgres, postgres_only, pytest.mark.django_db(transaction=True)]


def test_two_workers_at_once_push_each_thing_once(catalogue, world, monkeypatch):
    pursuit = Pursuit.objects.create(
        person=world.leader,
        credential=catalogue.credentials["building-will"],
        version=catalogue.versions["building-will"],
        cohort=world.cohort,
    )
    for n, blue in enumerate(world.blues):
        world.visit(world.leader, blue, day=1 + n)
    for n, yellow in enumerate(world.yellows):
        world.visit(world.blues[n // 2], yellow, day=10 + n)
    world.save()

    both_read = threading.Barrier(2)
    real = jobs.pursuit_progress

    def read_then_wait(batch):
        found = real(batch)
        both_read.wait(timeout=20)  # neither writes before both have read
        return found

    monkeypatch.setattr(jobs, "pursuit_progress", read_then_wait)
    outcomes: list = [None, None]

    def worker(index):
        try:
            outcomes[index] = progress_watch()
        except Exception as exc:  # surfaced in the assertion
            outcomes[index] = repr(exc)
        finally:
            connection.close()

    with time_machine.travel(at_day(40), tick=False):
        threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    assert sorted((o.met, o.ready) for o in outcomes) == [(0, 0), (2, 1)], outcomes
    kinds = sorted(Notification.objects.values_list("kind", flat=True))
    assert kinds == sorted([Kind.CREDENTIAL_REQUIREMENT_MET] * 2 + [Kind.CREDENTIAL_READY])
    assert set(
        RequirementMet.objects.filter(pursuit=pursuit).values_list("slot_key", flat=True)
    ) == {"blue-visits", "yellow-visits", READY_MARK}
