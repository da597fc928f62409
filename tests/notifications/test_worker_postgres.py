"""Workers on PostgreSQL: several at once never send one notification twice, a worker killed
mid-batch loses nothing, and a connection cut mid-round is recovered without a second push.

These run real concurrency (threads with their own connections, worker processes), which
SQLite's one-writer locking does not model: on SQLite one worker is the supported set-up.
"""

import subprocess
import sys
import threading
import time
from collections import Counter
from io import StringIO
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections

from notifications.delivery import Courier
from notifications.management.commands import deliver_notifications
from notifications.models import Device, Notification, Status
from notifications.push import MemoryBackend
from tests.conftest import postgres_only
from tests.factories import SchoolFactory, TeacherFactory
from tests.fakes.fake_fcm import Behaviour, FakeFCMServer

from .factories import DeviceFactory, NotificationFactory, PreferenceFactory
from .processes import process_env, stop

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(settings.BASE_DIR)


def people_with_phones(count: int) -> list:
    school = SchoolFactory()
    people = TeacherFactory.create_batch(count, school=school)
    for person in people:
        # Whatever the hour the suite runs at, quiet hours must not hold anything back.
        PreferenceFactory(user=person, quiet_hours_enabled=False)
        DeviceFactory(user=person, token=f"phone-of-{person.pk}")
    return people


class SlowMemoryBackend(MemoryBackend):
    """Holds each batch a moment, so the workers' rounds overlap."""

    def send(self, messages):
        time.sleep(0.02)
        return super().send(messages)


def test_concurrent_workers_never_send_one_notification_twice():
    people = people_with_phones(60)
    for person in people:
        NotificationFactory.create_batch(5, recipient=person)
    pushes = [SlowMemoryBackend() for _ in range(4)]
    start = threading.Barrier(len(pushes))
    errors: list[BaseException] = []

    def worker(push) -> None:
        try:
            courier = Courier(push, batch_size=10)
            start.wait()
            courier.drain()
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(push,)) for push in pushes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert Counter(Notification.objects.values_list("status", flat=True)) == {Status.SENT: 300}
    tags = Counter(message.tag for push in pushes for message in push.messages)
    assert len(tags) == 300 and set(tags.values()) == {1}
    # The load was shared: SKIP LOCKED let every worker claim its own batches.
    assert all(push.messages for push in pushes)


def worker_process(env: dict, *arguments: str) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 (our own manage.py)
        [sys.executable, "manage.py", "deliver_notifications", *arguments],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def test_a_worker_killed_mid_batch_loses_nothing(tmp_path):
    people = people_with_phones(30)
    for person in people:
        NotificationFactory(recipient=person)
    with FakeFCMServer(latency=30) as fcm:  # FCM holds every answer: the batch is in flight
        env = process_env(
            PUSH_BACKEND="fcm",
            FIREBASE_CREDENTIALS_FILE=str(fcm.write_service_account_file(tmp_path / "sa.json")),
            FCM_BASE_URL=fcm.base_url,
            FCM_HTTP_TIMEOUT_SECONDS="60",
        )
        doomed = worker_process(env, "--threads", "1", "--batch-size", "10", "--lease-seconds", "3")
        try:
            deadline = time.monotonic() + 60
            while fcm.send_requests < 10 and time.monotonic() < deadline:
                assert doomed.poll() is None, doomed.stdout.read()
                time.sleep(0.05)
            assert fcm.send_requests == 10
        finally:
            stop(doomed, sig=9)  # SIGKILL: no chance to record anything
        in_flight = set(
            Notification.objects.filter(status=Status.SENDING).values_list("pk", flat=True)
        )
        assert len(in_flight) == 10
        assert Notification.objects.filter(status=Status.PENDING).count() == 20

        fcm.latency = 0
        time.sleep(3.5)  # the dead worker's lease expires
        survivor = worker_process(env, "--once")
        output, _ = survivor.communicate(timeout=120)

    assert survivor.returncode == 0, output
    assert "sent 30" in output and "leases released 10" in output
    assert Counter(Notification.objects.values_list("status", flat=True)) == {Status.SENT: 30}
    pushes = Counter(message.get("token") for message in fcm.received if message.get("token"))
    assert len(pushes) == 30
    by_notification = {
        n.pk: pushes[f"phone-of-{n.recipient_id}"] for n in Notification.objects.all()
    }
    # At least once: the batch the dead worker had on the wire went out again (with the same
    # replacement tag, so the phone shows one); everything else exactly once.
    assert {pk for pk, count in by_notification.items() if count == 2} == in_flight
    assert {count for pk, count in by_notification.items() if pk not in in_flight} == {1}
    wire = next(m for m in fcm.received if m.get("token") == f"phone-of-{people[0].pk}")
    assert wire["android"]["notification"]["tag"] == wire["apns"]["headers"]["apns-collapse-id"]


class ConnectionCutWhileSending(MemoryBackend):
    """The database drops the worker's connection while the batch is on the wire."""

    def send(self, messages):
        results = super().send(messages)
        backend_pid = connection.connection.info.backend_pid
        db = connection.settings_dict
        with psycopg.connect(
            host=db["HOST"] or "127.0.0.1",
            port=db["PORT"] or 5432,
            user=db["USER"],
            password=db["PASSWORD"] or None,
            dbname=db["NAME"],
            autocommit=True,
        ) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [backend_pid])
        return results


def test_a_connection_cut_mid_round_is_recovered_without_pushing_twice(monkeypatch, caplog):
    [person] = people_with_phones(1)
    notification = NotificationFactory(recipient=person)
    backend = ConnectionCutWhileSending()
    monkeypatch.setattr(
        deliver_notifications, "push_backend_from_settings", lambda name, **kw: backend
    )
    monkeypatch.setattr(deliver_notifications, "FIRST_BACKOFF_SECONDS", 0.05)

    call_command("deliver_notifications", "--once", stdout=StringIO())

    assert "Database unavailable" in caplog.text  # the cut happened, and was waited out
    notification.refresh_from_db()
    assert notification.status == Status.SENT
    assert len(backend.messages) == 1


def test_fcm_deactivates_dead_tokens_across_workers(tmp_path):
    """Two worker processes on the real SDK share a load with unregistered tokens in it."""
    people = people_with_phones(40)
    for person in people:
        NotificationFactory.create_batch(2, recipient=person)
    dead = {f"phone-of-{person.pk}" for person in people[:5]}
    with FakeFCMServer() as fcm:
        for token in dead:
            fcm.set_behaviour(token, Behaviour.unregistered())
        env = process_env(
            PUSH_BACKEND="fcm",
            FIREBASE_CREDENTIALS_FILE=str(fcm.write_service_account_file(tmp_path / "sa.json")),
            FCM_BASE_URL=fcm.base_url,
        )
        workers = [worker_process(env, "--once", "--batch-size", "10") for _ in range(2)]
        outputs = [worker.communicate(timeout=120)[0] for worker in workers]

    assert [worker.returncode for worker in workers] == [0, 0], outputs
    statuses = Counter(Notification.objects.values_list("status", flat=True))
    assert statuses == {Status.SENT: 70, Status.SKIPPED: 10}
    assert all(fcm.calls_for(f"phone-of-{person.pk}") == 2 for person in people[5:])
    # A dead token is tried once or twice (its two reminders may be in one round), never after.
    assert all(fcm.calls_for(token) <= 2 for token in dead)
    assert set(Device.objects.filter(active=False).values_list("token", flat=True)) == dead


def test_sender_loops_of_one_worker_share_the_load(monkeypatch):
    people = people_with_phones(12)
    for person in people:
        NotificationFactory.create_batch(3, recipient=person)
    backend = SlowMemoryBackend()
    monkeypatch.setattr(
        deliver_notifications, "push_backend_from_settings", lambda name, **kw: backend
    )
    out = StringIO()

    call_command(
        "deliver_notifications", "--once", "--threads", "3", "--batch-size", "4", stdout=out
    )

    assert "sent 36" in out.getvalue()
    tags = Counter(message.tag for message in backend.messages)
    assert len(tags) == 36 and set(tags.values()) == {1}
