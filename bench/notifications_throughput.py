"""Benchmark: notifications delivered per second by one and by two reminder workers.

PostgreSQL holds N due notifications, one per person, each person with one phone. The workers
are real `manage.py deliver_notifications --once` processes with the Firebase back-end (in
batches of 500) pointed at a fake FCM v1 server, which runs
in a process of its own. Prints a Markdown table.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_notif \\
        .venv/bin/python -m bench.notifications_throughput --notifications 20000

`--fake` picks that server: `fast` (default), `bench.fast_fcm`, one asyncio process that only
answers successful sends; `full`, `tests.fakes.fake_fcm`, the tests' threaded `http.server`,
which saturates near 2,900 requests/s on 2 CPUs (and falls to a few hundred with the pool's
1,000 connections per worker, a thread each), so it caps the workers before they cap
themselves. The fake's CPU time per request is shown (read from /proc, so Linux only) to tell
whether the fake, not the worker, was the limit.

The database is created if missing and its notifications tables are refilled for every run
(do not point it at a database you care about). With REDIS_URL set, the workers' live-inbox
hints go through Redis as in production; they go only to people with the app open, a share set
by `--app-open` (default 0: reminders mostly reach closed apps). `--latency` delays each fake
FCM answer (real FCM answers in tens of milliseconds; 0 measures our side alone).

`--transport sdk,pool` measures the FCM back-end's transports side by side (`FCM_TRANSPORT`:
the SDK's `send_each`, or our keep-alive pool; default both).

Rate = N / (last result recorded - first notification claimed), read from the rows themselves,
so process start-up is not counted; the wall-clock time including start-up is shown beside it.
Worker CPU is the user + system time of the worker processes (start-up included) per
notification.
"""

import argparse
import json
import os
import platform
import re
import resource
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.setup import ensure_postgres_database

ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    os.environ["DATABASE_POOL_SIZE"] = "0"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def prepare_people(count: int) -> list[int]:
    """`count` teachers with a phone each and quiet hours off (the run may be at night)."""
    from django.contrib.auth.hashers import make_password

    from backend.accounts.models import District, School, User
    from notifications.models import Device, NotificationPreference

    district, _ = District.objects.get_or_create(
        slug="bench-notifications", defaults={"name": "Bench"}
    )
    school, _ = School.objects.get_or_create(
        district=district, name="Bench School", defaults={"time_zone": "America/Chicago"}
    )
    existing = User.objects.filter(school=school).count()
    if existing < count:
        unusable = make_password(None)
        User.objects.bulk_create(
            [
                User(
                    email=f"bench{n}@bench.invalid",
                    full_name=f"Bench Teacher {n}",
                    school=school,
                    password=unusable,
                )
                for n in range(existing, count)
            ],
            batch_size=2000,
        )
    people = list(User.objects.filter(school=school).order_by("pk").values_list("pk", flat=True))
    people = people[:count]
    Device.objects.filter(user_id__in=people).delete()
    Device.objects.bulk_create(
        [Device(user_id=pk, token=f"bench-token-{pk}", platform="ANDROID") for pk in people],
        batch_size=2000,
    )
    NotificationPreference.objects.filter(user_id__in=people).delete()
    NotificationPreference.objects.bulk_create(
        [NotificationPreference(user_id=pk, quiet_hours_enabled=False) for pk in people],
        batch_size=2000,
    )
    return people


def open_apps(people: list[int], share: float) -> int:
    """Mark a share of the people as having the app open (what a live subscription does)."""
    from django.core.cache import cache

    from notifications.presence import presence_key

    listening = people[: round(len(people) * share)]
    cache.delete_many([presence_key(pk) for pk in people])
    cache.set_many({presence_key(pk): 1 for pk in listening}, timeout=3600)
    return len(listening)


def refill_outbox(people: list[int]) -> None:
    from django.utils import timezone

    from notifications.models import Kind, Notification

    Notification.objects.all().delete()
    now = timezone.now()
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=pk,
                kind=Kind.VISIT_TOMORROW,
                key=f"bench:visit:{pk}:tomorrow",
                title="Visit tomorrow",
                body="You visit Room 12 tomorrow at 9:00.",
                target_type="Visit",
                target_id=f"VmlzaXQ6{pk}",
                due_at=now,
            )
            for pk in people
        ],
        batch_size=2000,
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE notifications_notification")


# Module and extra arguments of each fake FCM server (`--fake`).
FAKES = {
    "fast": ["bench.fast_fcm"],
    "full": ["tests.fakes.fake_fcm", "--no-record"],
}


def start_fake_fcm(
    fake: str, latency: float, service_account: Path
) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            *FAKES[fake],
            "--latency",
            str(latency),
            "--service-account",
            str(service_account),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline()
    match = re.search(r"(http://\S+)", line)
    if not match:
        process.kill()
        raise RuntimeError(f"fake FCM did not start: {line!r}")
    return process, match.group(1)


def fcm_stats(base_url: str) -> dict:
    with urllib.request.urlopen(f"{base_url}/stats", timeout=10) as response:
        return json.loads(response.read())


def process_cpu(pid: int) -> float | None:
    """User + system seconds a running process has used, all threads; None without /proc."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # Fields 14 and 15 (utime, stime) in clock ticks; the command name before them may hold spaces.
    fields = stat.rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_workers(count: int, env: dict, batch_size: int, threads: int) -> float:
    started = time.perf_counter()
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "deliver_notifications",
                "--once",
                "--batch-size",
                str(batch_size),
                "--threads",
                str(threads),
                "--worker-id",
                f"bench-{n}",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for n in range(count)
    ]
    for worker in workers:
        output, _ = worker.communicate(timeout=3600)
        if worker.returncode != 0:
            raise RuntimeError(f"worker failed:\n{output}")
    return time.perf_counter() - started


def measure(total: int) -> dict:
    from django.db.models import Count, Max, Min

    from notifications.models import Notification

    result = Notification.objects.aggregate(
        first_claim=Min("delivered_at"), last_record=Max("sent_at")
    )
    by_status = dict(Notification.objects.values_list("status").annotate(n=Count("id")).order_by())
    seconds = (result["last_record"] - result["first_claim"]).total_seconds()
    return {"seconds": seconds, "rate": total / seconds, "statuses": by_status}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notifications", type=int, default=5000)
    parser.add_argument("--workers", default="1,2", help="worker counts to run, e.g. 1,2,4")
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--threads", type=int, default=2, help="sender loops per worker")
    parser.add_argument(
        "--transport", default="sdk,pool", help="FCM transports to run, e.g. sdk,pool or pool"
    )
    parser.add_argument("--fake", choices=FAKES, default="fast", help="fake FCM server")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per fake FCM answer")
    parser.add_argument(
        "--app-open", type=float, default=0.0, help="share of people with the app open (0-1)"
    )
    args = parser.parse_args(argv)
    if args.app_open and not os.environ.get("REDIS_URL"):
        parser.error("--app-open needs REDIS_URL: presence and hints live in Redis")

    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        parser.error("set DATABASE_URL to a PostgreSQL database, e.g. .../bench_notif")
    ensure_postgres_database(database_url)
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    people = prepare_people(args.notifications)
    listening = open_apps(people, args.app_open) if os.environ.get("REDIS_URL") else 0

    with tempfile.TemporaryDirectory() as tmp:
        service_account = Path(tmp) / "service-account.json"
        fcm, fcm_url = start_fake_fcm(args.fake, args.latency, service_account)
        env = {
            **os.environ,
            "DJANGO_DEBUG": "0",  # DEBUG would record every SQL statement
            "PUSH_BACKEND": "fcm",
            "FIREBASE_CREDENTIALS_FILE": str(service_account),
            "FCM_BASE_URL": fcm_url,
            "LOG_LEVEL": "WARNING",
        }
        rows = []
        try:
            for transport in args.transport.split(","):
                for count in [int(n) for n in args.workers.split(",")]:
                    refill_outbox(people)
                    connection.close()
                    before = fcm_stats(fcm_url)
                    fake_cpu_before = process_cpu(fcm.pid)
                    cpu_before = children_cpu()
                    wall = run_workers(
                        count, {**env, "FCM_TRANSPORT": transport}, args.batch_size, args.threads
                    )
                    cpu = children_cpu() - cpu_before
                    after = fcm_stats(fcm_url)
                    fake_cpu_after = process_cpu(fcm.pid)
                    requests = after["send_requests"] - before["send_requests"]
                    connections = after["connections_accepted"] - before["connections_accepted"]
                    fake_cpu = None
                    if fake_cpu_before is not None and fake_cpu_after is not None:
                        fake_cpu = fake_cpu_after - fake_cpu_before
                    result = measure(len(people))
                    rows.append(
                        (transport, count, result, wall, requests, connections, cpu, fake_cpu)
                    )
                    print(
                        f"{transport}, {count} worker(s): {result['rate']:,.0f}/s "
                        f"{result['statuses']}",
                        file=sys.stderr,
                    )
        finally:
            fcm.terminate()
            fcm.wait(timeout=10)

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
    print(
        f"\nNotifications delivered, {len(people):,} due at once, one phone each; "
        f"batch {args.batch_size}, {args.threads} sender loop(s) per worker; "
        f"fake FCM `{FAKES[args.fake][0]}` ({args.fake}), latency {args.latency * 1000:.0f} ms; "
        f"live hints via {'Redis' if os.environ.get('REDIS_URL') else 'the in-memory layer'} "
        f"to the {listening:,} with the app open."
    )
    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, PostgreSQL {pg_version}.\n"
    )
    print("| transport | workers | notifications/s | claim to last record (s) "
          "| wall incl. start-up (s) | worker CPU per notification (ms) | FCM requests "
          "| TCP connections | fake FCM CPU per request (ms) | outcome |")  # fmt: skip
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for transport, count, result, wall, requests, connections, cpu, fake_cpu in rows:
        outcome = ", ".join(f"{n} {status}" for status, n in sorted(result["statuses"].items()))
        per_request = "n/a" if fake_cpu is None else f"{fake_cpu * 1000 / max(requests, 1):.3f}"
        print(
            f"| {transport} | {count} | {result['rate']:,.0f} | {result['seconds']:.2f} "
            f"| {wall:.2f} | {cpu * 1000 / len(people):.2f} | {requests:,} | {connections:,} "
            f"| {per_request} | {outcome} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
