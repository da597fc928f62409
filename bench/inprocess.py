"""Running an operation inside this process (django.test.Client): its JSON, its SQL, its time."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

GRAPHQL_JSON = "application/json"


@dataclass
class Answer:
    status: int
    body: dict
    queries: int
    sql: list[str]
    seconds: float


def _client():
    from django.test import Client

    return Client()


def graphql(operation, token: str | None = None, client=None) -> Answer:
    """POST the operation's document to /graphql/ as the phone does."""
    body = json.dumps({"query": operation.query, "variables": operation.variables})
    token = token or operation.tokens[0]
    return _capture(
        lambda c: c.post(
            "/graphql/",
            body,
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}", "Accept": GRAPHQL_JSON},
        ),
        client,
    )


def baseline(operation, token: str | None = None, client=None) -> Answer:
    """GET the hand-written twin."""
    token = token or operation.tokens[0]
    return _capture(
        lambda c: c.get(operation.baseline_path, headers={"Authorization": f"Bearer {token}"}),
        client,
    )


def _capture(send, client) -> Answer:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client or _client()
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = send(client)
        seconds = time.perf_counter() - started
    return Answer(
        status=response.status_code,
        body=json.loads(response.content),
        queries=len(captured.captured_queries),
        sql=[q["sql"] for q in captured.captured_queries],
        seconds=seconds,
    )


def first_difference(left, right, path: str = "$") -> str | None:
    """Where two JSON values first differ (for a readable failure), or None."""
    if type(left) is not type(right):
        return f"{path}: {left!r:.80} != {right!r:.80}"
    if isinstance(left, dict):
        for key in sorted(set(left) | set(right)):
            if key not in left or key not in right:
                return f"{path}.{key}: only on one side"
            found = first_difference(left[key], right[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(left, list):
        if len(left) != len(right):
            return f"{path}: {len(left)} items != {len(right)}"
        for index, (a, b) in enumerate(zip(left, right, strict=True)):
            found = first_difference(a, b, f"{path}[{index}]")
            if found:
                return found
        return None
    return None if left == right else f"{path}: {left!r:.80} != {right!r:.80}"
