"""`manage.py serve` runs the API and the reminder worker, and stops both on SIGTERM.

With Redis the worker is a child process; without it, a thread of the server (the in-memory
channel layer reaches one process only: see serve.py and test_serve_live_events.py).
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
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


@pytest.mark.redis
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL)")
def test_serve_starts_the_api_and_the_worker_and_stops_both(tmp_path):
    port = _free_port()
    env = {**os.environ, "DJANGO_DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"}
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


def test_without_redis_the_worker_runs_inside_the_server_and_stops_with_it(tmp_path):
    port = _free_port()
    env = {**os.environ, "DJANGO_DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"}
    env.pop("REDIS_URL", None)
    manage = str(settings.BASE_DIR / "manage.py")
    subprocess.run([sys.executable, manage, "migrate", "-v0"], env=env, check=True, timeout=120)  # noqa: S603
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, manage, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
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
        assert _children(server.pid) == []

        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=30)
        assert "Reminder worker started (in this process" in output
        assert server.returncode == 0
    finally:
        if server.poll() is None:
            server.kill()


def test_without_redis_several_server_processes_are_refused(tmp_path):
    env = {**os.environ, "DJANGO_DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"}
    env.pop("REDIS_URL", None)
    manage = str(settings.BASE_DIR / "manage.py")
    done = subprocess.run(  # noqa: S603
        [sys.executable, manage, "serve", "--port", str(_free_port()), "--workers", "2"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "needs REDIS_URL" in done.stderr
