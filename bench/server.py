"""Start and stop the real ASGI server (uvicorn, several worker processes) for benchmarks."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "bench" / "results" / "tmp" / "static"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(*, workers: int = 2, env: dict | None = None, port: int | None = None):
    """Yield the port of a uvicorn serving backend.asgi with `workers` processes."""
    port = port or free_port()
    environment = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_TESTING": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark-only-secret-" + "b" * 40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "BENCH_BASELINE_VIEWS": "1",
        "LOG_LEVEL": "WARNING",
        # Benchmarks measure speed, not the abuse limits.
        "GRAPHQL_COST_PER_MINUTE": "1000000000",
        # Whitenoise warns in every process when the static folder is missing.
        "STATIC_ROOT": str(STATIC),
        **(env or {}),
    }
    Path(environment["STATIC_ROOT"]).mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, "-m", "uvicorn", "backend.asgi:application",
        "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
        "--lifespan", "off", "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=environment, start_new_session=True)
    try:
        _wait_ready(port, process)
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _wait_ready(port: int, process, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not become ready")
