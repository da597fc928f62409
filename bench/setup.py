"""Pointing a benchmark process at its own database, and what to say about the machine."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
TMP = ROOT / "bench" / "results" / "tmp"
DEFAULT_SQLITE = TMP / "bench.sqlite3"
STATIC = TMP / "static"
BENCH_SECRET = "benchmark-only-secret-" + "b" * 40


def database_url(given: str | None = None) -> str:
    """The benchmark's database: the one given, else a SQLite file under bench/results/tmp/.
    Never the development database (`db.sqlite3`) nor `DATABASE_URL` by accident."""
    if given:
        return given
    TMP.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DEFAULT_SQLITE}"


def is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


def ensure_postgres_database(url: str) -> None:
    """Create the PostgreSQL database named in `url` if it does not exist yet."""
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin_url = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as admin:
        found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not found:
            admin.execute(f'CREATE DATABASE "{name}"')


def server_environment(url: str) -> dict:
    """Environment for the benchmark's own processes (this one, servers, workers)."""
    return {
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "backend.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_TESTING": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or BENCH_SECRET,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
        # Benchmarks measure speed, not the abuse limits.
        "GRAPHQL_COST_PER_MINUTE": "1000000000",
        "BENCH_BASELINE_VIEWS": "1",
        # Whitenoise warns about a missing static folder in every process otherwise.
        "STATIC_ROOT": str(STATIC),
    }


def configure(given_url: str | None = None) -> str:
    """Set up Django in this process against the benchmark database; returns its URL."""
    url = database_url(given_url)
    STATIC.mkdir(parents=True, exist_ok=True)
    if is_postgres(url):
        ensure_postgres_database(url)
    os.environ.update(server_environment(url))
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    return url


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def describe_database() -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0].split()[0]
        return f"PostgreSQL {version} ({connection.settings_dict['NAME']})"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version} ({Path(connection.settings_dict['NAME']).name})"


def machine() -> dict:
    """The machine a result was measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.0f} GB"
                break
    except OSError:
        pass
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        commit = ""
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "commit": commit,
    }


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


def lift_map_limit() -> None:
    """In-process measurements send one person's map many times a minute: lift the per-person
    map limit (30 a minute) for this process only. The HTTP step spreads the load over many
    coordinators instead, so the limit stays as in production there."""
    try:
        from networks.graphql import schema
    except ImportError:
        return
    schema.MAPS_PER_MINUTE = 1_000_000
