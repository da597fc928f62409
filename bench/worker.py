"""Step 4: the reminder worker's throughput, by the notifications app's own benchmark.

Calls `bench/notifications_throughput.py` (real `deliver_notifications` processes against the
lean fake FCM of `bench/fast_fcm.py`, one and two workers, both FCM transports) on a
PostgreSQL database of its own beside the benchmark's (that script empties the notification
tables it uses), and reads its Markdown table. Skipped with a note on SQLite (it needs
PostgreSQL's SKIP LOCKED) or when the script has not landed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

from bench.setup import ROOT, is_postgres, load_average

SCRIPT = ROOT / "bench" / "notifications_throughput.py"
TARGET = 5000  # notifications per second for one worker (half the default FCM quota)


def worker_database_url(database_url: str) -> str:
    parsed = urlparse(database_url)
    return parsed._replace(path=parsed.path.rstrip("/") + "_worker").geturl()


def run(database_url: str, *, notifications: int = 20_000, timeout: float = 900) -> dict:
    if not Path(SCRIPT).exists():
        return {"skipped": "bench/notifications_throughput.py has not landed"}
    if not is_postgres(database_url):
        return {"skipped": "the worker benchmark needs PostgreSQL (give --database-url)"}
    url = worker_database_url(database_url)
    env = {**os.environ, "DATABASE_URL": url}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [
        sys.executable,
        "-m",
        "bench.notifications_throughput",
        "--notifications",
        str(notifications),
        "--workers",
        "1,2",
    ]
    before = load_average()
    try:
        finished = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return {"skipped": f"the worker benchmark did not finish in {timeout:.0f} s"}
    if finished.returncode != 0:
        tail = (finished.stderr or finished.stdout).strip().splitlines()[-5:]
        return {"skipped": "the worker benchmark failed: " + " | ".join(tail)}
    return {
        "database": urlparse(url).path.lstrip("/"),
        "notifications": notifications,
        "rows": table_rows(finished.stdout),
        "output": finished.stdout.strip(),
        "load_average": [before, load_average()],
        "target": TARGET,
    }


def table_rows(output: str) -> list[dict]:
    """The rows of the script's table: ``| transport | workers | notifications/s | ...``."""
    rows = []
    for line in output.splitlines():
        match = re.match(r"\|\s*(\w+)\s*\|\s*(\d+)\s*\|\s*([\d,]+)\s*\|", line)
        if match:
            rows.append(
                {
                    "transport": match[1],
                    "workers": int(match[2]),
                    "per_second": int(match[3].replace(",", "")),
                }
            )
    return rows


def markdown(result: dict) -> str:
    if "skipped" in result:
        return f"Skipped: {result['skipped']}.\n"
    low, high = result["load_average"]
    lines = [line for line in result["output"].splitlines() if line.strip()]
    return "\n".join(lines) + f"\n\nLoad average {low:.1f} before, {high:.1f} after.\n"
