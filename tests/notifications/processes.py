"""Helpers for tests that run the server or the worker as real processes."""

import contextlib
import os
import signal
import socket
import subprocess
from urllib.parse import quote

import pytest
from django.db import connection


def database_url_for_other_processes() -> str:
    """The test database as a DATABASE_URL, or skip when other processes cannot open it.

    Such tests need `django_db(transaction=True)` so what they write is committed."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        credentials = quote(db["USER"] or "", safe="")
        if db.get("PASSWORD"):
            credentials += ":" + quote(db["PASSWORD"], safe="")
        host = db.get("HOST") or "127.0.0.1"
        port = db.get("PORT") or 5432
        return f"postgres://{credentials}@{host}:{port}/{db['NAME']}"
    name = str(db["NAME"])
    if connection.vendor == "sqlite" and "memory" not in name:
        return f"sqlite:///{name}"
    pytest.skip(
        "the test database lives in this process's memory (SQLite): run with DATABASE_URL "
        "pointing at PostgreSQL so other processes can open it"
    )


def process_env(**overrides) -> dict:
    """Environment for a server or worker process on the test database."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "backend.settings",
        "DATABASE_URL": database_url_for_other_processes(),
        "DATABASE_POOL_SIZE": "0",
        "DJANGO_DEBUG": "1",  # no SECRET_KEY or HTTPS redirect needed on loopback
        "DJANGO_TESTING": "0",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
        **overrides,
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    """Stop a process started with start_new_session=True, and its children."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
