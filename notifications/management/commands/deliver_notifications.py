"""The reminder worker: delivers due notifications until stopped.

Run one or more beside the API (`make run` starts one). Several workers share the load on
PostgreSQL (SELECT ... FOR UPDATE SKIP LOCKED); on SQLite run one. Each worker runs `--threads`
sender loops (claim, push, record) on their own connections, so one batch is on the wire while
another waits for FCM's answers. SIGTERM or Ctrl-C lets the batches in hand finish and be
recorded before the process exits; a second signal stops at once. A lost database connection
(restart, fail-over) is waited out with back-off.
"""

import logging
import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import InterfaceError, OperationalError, connections

from notifications import events, periodic
from notifications.backends import push_backend_from_settings
from notifications.delivery import BatchReport, Courier, default_worker_id

logger = logging.getLogger("notifications.worker")

FIRST_BACKOFF_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 30.0


class Command(BaseCommand):
    help = "Deliver due notifications: push them to phones and put them in the in-app inbox."
    # `manage.py serve` runs the worker in a thread of the server (in-memory channel layer) and
    # stops it by setting this event: call_command(..., stop=event).
    stealth_options = ("stop",)

    def add_arguments(self, parser):
        config = settings.NOTIFICATIONS_WORKER
        parser.add_argument(
            "--once", action="store_true", help="Deliver what is due now, then exit."
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=config["batch_size"],
            help="Notifications claimed per round (default %(default)s).",
        )
        parser.add_argument(
            "--sleep",
            type=float,
            default=config["idle_seconds"],
            help="Seconds to wait when nothing is due (default %(default)s).",
        )
        parser.add_argument(
            "--lease-seconds",
            type=float,
            default=config["lease_seconds"],
            help="How long a claim lasts before another worker may take it over.",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=config["threads"],
            help="Sender loops in this process (default %(default)s; always 1 on SQLite).",
        )
        parser.add_argument("--worker-id", default=None, help="Name in logs and claims.")
        parser.add_argument(
            "--backend", choices=["console", "memory", "fcm"], help="Overrides PUSH_BACKEND."
        )

    def handle(
        self, *args, once, batch_size, sleep, lease_seconds, threads, worker_id, backend, **opts
    ):
        if batch_size < 1 or threads < 1:
            raise CommandError("--batch-size and --threads must be at least 1")
        if threads > 1 and not connections["default"].features.has_select_for_update_skip_locked:
            logger.info("One sender loop: this database cannot share claims between loops")
            threads = 1
        push = push_backend_from_settings(backend, max_connections=batch_size * threads)
        if push.name == "console" and not settings.DEBUG:
            logger.warning("PUSH_BACKEND is console: notifications are logged, not pushed.")
        worker_id = worker_id or default_worker_id()
        couriers = [
            Courier(
                push,
                worker_id=worker_id if threads == 1 else f"{worker_id}/{number}",
                batch_size=batch_size,
                lease_seconds=lease_seconds,
            )
            for number in range(threads)
        ]
        events.prepare()
        stop = opts.get("stop") or threading.Event()
        self.jobs = periodic.Schedule()
        previous_handlers = self._install_signal_handlers(stop)
        logger.info(
            "Worker %s delivering with the %s back-end (batch %d, %d sender loop(s))",
            worker_id,
            push.name,
            batch_size,
            threads,
        )
        try:
            if threads == 1:
                total = self._loop(couriers[0], stop, once=once, sleep=sleep)
            else:
                total = self._run_threads(couriers, stop, once=once, sleep=sleep)
        finally:
            for signum, handler in previous_handlers.items():
                signal.signal(signum, handler)
            push.close()
            _recycle_connections(force=True)
        logger.info("Worker %s stopped: %s", worker_id, _summary(total))
        if once:
            self.stdout.write(_summary(total))

    def _run_threads(self, couriers, stop: threading.Event, *, once: bool, sleep: float):
        reports: list[BatchReport] = []
        failures: list[BaseException] = []

        def run(courier: Courier) -> None:
            try:
                reports.append(self._loop(courier, stop, once=once, sleep=sleep))
            except BaseException as exc:
                failures.append(exc)
                stop.set()  # one loop failing stops the others; the supervisor restarts us
            finally:
                _recycle_connections(force=True)  # this thread's own connections

        loops = [
            threading.Thread(target=run, args=(courier,), name=f"sender-{number}")
            for number, courier in enumerate(couriers)
        ]
        for loop in loops:
            loop.start()
        for loop in loops:
            while loop.is_alive():
                loop.join(timeout=0.5)  # keeps the main thread free to take signals
        if failures:
            raise failures[0]
        total = BatchReport()
        for report in reports:
            total.add(report)
        return total

    def _loop(self, courier: Courier, stop: threading.Event, *, once: bool, sleep: float):
        total = BatchReport()
        backoff = FIRST_BACKOFF_SECONDS
        while not stop.is_set():
            _recycle_connections(force=False)
            try:
                report = courier.deliver_batch()
                # The apps' small periodic jobs (notifications.periodic), e.g. surveys'.
                self.jobs.run_due()
            except (OperationalError, InterfaceError) as exc:
                logger.warning("Database unavailable (%s); retrying in %.1fs", exc, backoff)
                _recycle_connections(force=True)
                if once and backoff >= MAX_BACKOFF_SECONDS:
                    raise
                stop.wait(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
                continue
            backoff = FIRST_BACKOFF_SECONDS
            total.add(report)
            if report.taken:
                logger.info("Round: %s", _summary(report))
            if report.full:
                continue
            if once:
                break
            stop.wait(sleep)
        return total

    def _install_signal_handlers(self, stop: threading.Event) -> dict:
        if threading.current_thread() is not threading.main_thread():
            return {}  # call_command from another thread: signals are the main thread's
        previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}

        def request_stop(signum, frame):
            logger.info("Signal %s: finishing the batch in hand, then stopping", signum)
            stop.set()
            # A second signal stops at once.
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.default_int_handler)

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        return previous


def _recycle_connections(*, force: bool) -> None:
    """Between rounds, drop connections that broke or outlived CONN_MAX_AGE (all of them when
    `force`), as Django does between requests. A connection inside a caller's transaction
    (call_command from a test or a script) is not this loop's to close."""
    for connection in connections.all(initialized_only=True):
        if connection.in_atomic_block:
            continue
        if force:
            connection.close()
        else:
            connection.close_if_unusable_or_obsolete()


def _summary(report: BatchReport) -> str:
    return (
        f"sent {report.sent}, skipped {report.skipped}, deferred {report.deferred}, "
        f"retrying {report.retrying}, failed {report.failed}, "
        f"tokens deactivated {report.tokens_deactivated}, leases released {report.released}"
    )
