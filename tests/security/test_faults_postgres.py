"""PostgreSQL restarted under a live server (issue #9, faults).

A restart kills every connection the server holds (in its pool or persistent). We do what a
restart does to them, `pg_terminate_backend` on every backend of the database, between two
rounds of requests to a live uvicorn with two workers, then check that the next requests
succeed without restarting the server, and count what was lost or written twice: each write
is an observation entry with its own client id, retried by the client (same id) when it
fails, as the phone does.

Here the pool is in use (DATABASE_POOL_SIZE default, not under pytest): the live server runs
with DJANGO_TESTING=0.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from bench.server import running_server

from . import live
from .world import HOST, VISITOR

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        live.postgres_admin_url() is None,
        reason="a PostgreSQL restart needs PostgreSQL (DATABASE_URL); CI runs it there",
    ),
]

SUBMIT = """
mutation Submit($input: ObservationDataSubmitInput!) {
  observationDataSubmit(input: $input) { createdCount errors { code } }
}
"""
READ = "{ me { person { fullName } } myVisits(first: 5) { totalCount } }"
ROUNDS = 12
RETRIES = 3


def _ok(response) -> bool:
    if response.status_code != 200:
        return False
    body = response.json()
    return not body.get("errors")


def _write(port, seeded, client_id: str) -> tuple[bool, int]:
    """Send one entry, retrying with the same client id like the phone; (stored, failures)."""
    recorded = (datetime.now(UTC) - timedelta(minutes=80)).isoformat()
    variables = {
        "input": {
            "visitId": seeded["ids"]["accepted"],
            "entries": [
                {
                    "clientId": client_id,
                    "recordedAt": recorded,
                    "scripting": {"at": 60, "text": "ok"},
                }
            ],
        }
    }
    failures = 0
    for _attempt in range(RETRIES):
        try:
            response = live.post(port, SUBMIT, variables, seeded["tokens"][VISITOR])
        except OSError:
            failures += 1
            continue
        if _ok(response) and response.json()["data"]["observationDataSubmit"]["errors"] == []:
            return True, failures
        failures += 1
    return False, failures


def _round(port, seeded, client_ids: list[str]) -> dict:
    figures = {"reads_failed": 0, "writes_failed_attempts": 0, "writes_given_up": 0}
    for client_id in client_ids:
        try:
            read = live.post(port, READ, token=seeded["tokens"][HOST])
            figures["reads_failed"] += not _ok(read)
        except OSError:
            figures["reads_failed"] += 1
        stored, failures = _write(port, seeded, client_id)
        figures["writes_failed_attempts"] += failures
        figures["writes_given_up"] += not stored
    return figures


def _entries(url: str) -> tuple[int, int]:
    with live._connect(url) as connection:
        total, distinct = connection.execute(
            "SELECT count(*), count(DISTINCT client_id) FROM observations_observationentry"
        ).fetchone()
    return total, distinct


def test_the_server_recovers_from_a_postgres_restart_and_loses_no_write():
    admin = live.postgres_admin_url()
    with live.fresh_postgres_database(admin) as url:
        seeded = live.seed(url)
        before_ids = [str(uuid.uuid4()) for _ in range(ROUNDS)]
        after_ids = [str(uuid.uuid4()) for _ in range(ROUNDS)]
        initial, _ = _entries(url)
        with running_server(workers=2, env=live.base_env(DATABASE_URL=url)) as port:
            before = _round(port, seeded, before_ids)
            killed = live.terminate_backends(url)
            after = _round(port, seeded, after_ids)
            killed_again = live.terminate_backends(url)
            again = _round(port, seeded, [str(uuid.uuid4()) for _ in range(3)])
        total, distinct = _entries(url)

    sent = 2 * ROUNDS + 3
    report = {
        "connections_killed": [killed, killed_again],
        "before": before,
        "after_restart": after,
        "after_second_restart": again,
        "entries_stored": total - initial,
        "sent": sent,
        "lost": sent - (total - initial),
        "duplicated": total - distinct,
    }
    print(f"\nPostgreSQL restart: {report}")
    assert killed > 0, "the server held no connection to kill"
    assert report["lost"] == 0 and report["duplicated"] == 0
    # Django checks a connection's health before a request uses it (CONN_HEALTH_CHECKS, and
    # the pool's connections alike), so not even the first request after a restart fails.
    clean = {"reads_failed": 0, "writes_failed_attempts": 0, "writes_given_up": 0}
    assert (before, after, again) == (clean, clean, clean)
