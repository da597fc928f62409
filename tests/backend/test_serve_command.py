"""`manage.py serve` runs the API and the reminder worker, and stops both on SIGTERM."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

from django.conf import settings


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children(pid: int) -> list[int]:
    path = f"/proc/{pid}/task/{pid}/children"
    if not os.path.exists(path):
        return []
    with open(path) as handle:
        return [int(child) for child in handle.read().split()]


def test_serve_starts_the_api_and_the_worker_and_stops_both(tmp_path):
    port = _free_port()
    env = {**os.environ, "DJANGO_DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"}
    env.pop("REDIS_URL", None)
    manage = str(settings.BASE_DIR / "manage.py")
    subprocess.run([sys.executable, manage, "migrate", "-v0"], env=env, check=True, timeout=120)  # noqa: S603
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, manage, "serve", "--port", str(port)], env=env
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    assert r.status == 200
                    break
            except OSError:
                time.sleep(0.3)
        else:
            raise AssertionError("the API did not come up")
        workers = _children(server.pid)
        assert workers, "the reminder worker was not started"

        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

        time.sleep(0.5)
        assert all(not os.path.exists(f"/proc/{pid}") or _is_zombie(pid) for pid in workers)
    finally:
        if server.poll() is None:
            server.kill()


def _is_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as handle:
            return "State:\tZ" in handle.read()
    except FileNotFoundError:
        return True
