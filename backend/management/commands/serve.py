"""Serve the API with uvicorn and, beside it, the reminder worker (development and small sites).

Production runs these as separate supervised processes; see README. Here, where the worker runs
follows the channel layer, because its live hints (`notificationReceived`) must reach sockets:

- With Redis (REDIS_URL) the layer spans processes: the worker is a child process.
- Without Redis the layer is in memory and reaches its own process only; a worker process would
  announce into a void (the inbox never went live under `make run`). The worker then runs as a
  thread of the server process, and `InProcessChannelLayer` hands its sends to the server's
  event loop. Chosen over a cross-process layer on the embedded database because it needs no
  table, no polling and no message format, delivers at once, and what it serves (a bare machine,
  SQLite, development or a small site) runs one server process and one sender loop anyway.
  So `--workers` above 1 needs Redis and is refused: each process would hold only its own
  sockets, and live events would reach some phones and not others.
"""

import logging
import os
import signal
import subprocess
import sys
import threading

import uvicorn
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError

from backend.client_address import UVICORN_OPTIONS

WORKER_COMMAND = "deliver_notifications"

logger = logging.getLogger("backend.serve")


class Command(BaseCommand):
    help = "Run the ASGI server (HTTP and WebSocket) and the reminder worker."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "1"))
        )
        parser.add_argument("--no-worker", action="store_true", help="Do not start the worker.")

    def handle(self, *args, host, port, workers, no_worker, **options):
        in_process = isinstance(get_channel_layer(), InMemoryChannelLayer)
        if in_process and workers > 1:
            raise CommandError(
                "--workers above 1 needs REDIS_URL: the in-memory channel layer reaches one "
                "process only, so live events would miss the sockets of the others."
            )
        worker = None
        if not no_worker and WORKER_COMMAND in get_commands():
            if in_process:
                worker = _WorkerThread()
                self.stdout.write("Reminder worker started (in this process: no Redis).")
            else:
                worker = subprocess.Popen(  # noqa: S603 (our own manage.py)
                    [sys.executable, str(settings.BASE_DIR / "manage.py"), WORKER_COMMAND]
                )
                self.stdout.write(f"Reminder worker started (pid {worker.pid}).")
        self.stdout.write(f"API on http://{host}:{port}/graphql/ (WebSocket on the same path).")
        # uvicorn re-raises SIGTERM once it has shut down; turn it into SystemExit so the
        # `finally` below still stops the worker instead of orphaning it.
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
        try:
            uvicorn.run(
                "backend.asgi:application",
                host=host,
                port=port,
                workers=workers,
                lifespan="off",
                ws="websockets",
                log_level="info",
                # Whom to trust for X-Forwarded-For is TRUSTED_PROXY_COUNT's call alone.
                **UVICORN_OPTIONS,
            )
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)


def _exit_on_sigterm(signum, frame):
    raise SystemExit(0)


class _WorkerThread:
    """The reminder worker in a thread of this process, stopped like the child process is."""

    def __init__(self):
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="reminder-worker", daemon=True)
        self.thread.start()

    def _run(self):
        try:
            call_command(WORKER_COMMAND, stop=self.stop)
        except Exception:
            logger.exception("The reminder worker stopped")

    def terminate(self):
        self.stop.set()  # the batch in hand finishes and is recorded, as on SIGTERM

    def wait(self, timeout):
        self.thread.join(timeout)
