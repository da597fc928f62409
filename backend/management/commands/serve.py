"""Serve the API with uvicorn and, beside it, the reminder worker (development and small sites).

Production runs these as separate supervised processes; see README.
"""

import os
import signal
import subprocess
import sys

import uvicorn
from django.conf import settings
from django.core.management import get_commands
from django.core.management.base import BaseCommand

from backend.client_address import UVICORN_OPTIONS

WORKER_COMMAND = "deliver_notifications"


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
        worker = None
        if not no_worker and WORKER_COMMAND in get_commands():
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
