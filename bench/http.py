"""Step 3: the real ASGI server under concurrent loopback clients, GraphQL side by side with
the hand-written twins.

Starts uvicorn with several worker processes on the benchmark database, checks that each
operation's GraphQL answer and its twin's are the same JSON, then loads each side in turn
(four alternating rounds: both sides see the same drift of a shared machine) and reports
throughput and p50/p95/p99 latency, with the load average around each measurement.
"""

from __future__ import annotations

import json
import os
import urllib.request

from bench.inprocess import first_difference
from bench.load import LoadResult, Request, graphql_request, run_load
from bench.setup import load_average


def _fetch(port: int, path: str, token: str, body: bytes | None = None) -> dict:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, headers=headers)
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())


def same_answer(port: int, operation) -> str | None:
    """None when both sides answer the same JSON over HTTP, else where they differ."""
    token = operation.tokens[0]
    body = json.dumps({"query": operation.query, "variables": operation.variables}).encode()
    graphql = _fetch(port, "/graphql/", token, body)
    if "errors" in graphql:
        return f"GraphQL errors: {graphql['errors']}"
    return first_difference(graphql, _fetch(port, operation.baseline_path, token))


def _requests(operation) -> tuple[list[Request], list[Request]]:
    graphql = [graphql_request(operation.query, operation.variables, t) for t in operation.tokens]
    baseline = [
        Request("GET", operation.baseline_path, b"", (("Authorization", f"Bearer {t}"),))
        for t in operation.tokens
    ]
    return graphql, baseline


def _merge(results: list[LoadResult]) -> LoadResult:
    return LoadResult(
        requests=sum(r.requests for r in results),
        errors=sum(r.errors for r in results),
        seconds=sum(r.seconds for r in results),
        latencies_ms=[value for r in results for value in r.latencies_ms],
    )


def measure(port: int, operation, *, concurrency: int, seconds: float, rounds: int = 4) -> dict:
    graphql, baseline = _requests(operation)
    warm = {"concurrency": min(8, concurrency), "max_requests": 100, "seconds": 5}
    run_load(port=port, requests=graphql, **warm)
    run_load(port=port, requests=baseline, **warm)
    load = {"concurrency": concurrency, "max_requests": 1_000_000, "seconds": seconds / rounds}
    sides = {"graphql": [], "baseline": []}
    loads = [load_average()]
    for _ in range(rounds):
        sides["graphql"].append(run_load(port=port, requests=graphql, **load))
        sides["baseline"].append(run_load(port=port, requests=baseline, **load))
        loads.append(load_average())
    g, b = (_merge(sides[side]).summary() for side in ("graphql", "baseline"))
    return {
        "operation": operation.name,
        "title": operation.title,
        "graphql": g,
        "baseline": b,
        "ratio": round(g["throughput"] / b["throughput"], 2) if b["throughput"] else None,
        "load_average": [min(loads), max(loads)],
    }


def run(
    subjects,
    database_url: str,
    *,
    workers: int = 2,
    concurrency: int = 16,
    seconds: float = 20,
    names=None,
) -> dict:
    from bench.operations import KEY_OPERATIONS, issue_tokens, key_operations
    from bench.server import running_server
    from bench.setup import server_environment

    names = names or ("me", *KEY_OPERATIONS)
    operations = key_operations(subjects, issue_tokens(subjects))
    rows, notes = [], []
    env = server_environment(database_url)
    if os.environ.get("REDIS_URL"):
        env["REDIS_URL"] = os.environ["REDIS_URL"]
    with running_server(workers=workers, env=env) as port:
        for name in names:
            operation = operations[name]
            if operation.skipped:
                notes.append(f"{operation.title}: skipped, {operation.skipped}.")
                continue
            difference = same_answer(port, operation)
            if difference:
                notes.append(f"{operation.title}: not measured, the answers differ ({difference}).")
                continue
            row = measure(port, operation, concurrency=concurrency, seconds=seconds)
            rows.append(row)
            g, b = row["graphql"], row["baseline"]
            print(
                f"  {name:14} GraphQL {g['throughput']:7.1f}/s p50 {g['p50_ms']:7.1f} ms   "
                f"hand-written {b['throughput']:7.1f}/s p50 {b['p50_ms']:7.1f} ms   "
                f"ratio {row['ratio']}   load {row['load_average']}",
                flush=True,
            )
    return {
        "workers": workers,
        "concurrency": concurrency,
        "seconds_per_side": seconds,
        "redis": bool(os.environ.get("REDIS_URL")),
        "rows": rows,
        "notes": notes,
    }


def markdown(result: dict) -> str:
    lines = [
        f"{result['workers']} uvicorn workers, {result['concurrency']} keep-alive connections, "
        f"{result['seconds_per_side']:g} s per side in four alternating rounds"
        f"{', Redis cache and channel layer' if result['redis'] else ''}.",
        "",
        "| operation | GraphQL req/s | p50 / p95 / p99 ms | hand-written req/s | "
        "p50 / p95 / p99 ms | GraphQL / hand-written | load avg |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in result["rows"]:
        g, b = row["graphql"], row["baseline"]
        errors = ""
        if g["errors"] or b["errors"]:
            errors = f" ({g['errors']}/{b['errors']} errors)"
        low, high = row["load_average"]
        lines.append(
            f"| {row['title']}{errors} | {g['throughput']:.0f} | "
            f"{g['p50_ms']:.1f} / {g['p95_ms']:.1f} / {g['p99_ms']:.1f} | "
            f"{b['throughput']:.0f} | {b['p50_ms']:.1f} / {b['p95_ms']:.1f} / {b['p99_ms']:.1f} | "
            f"**{row['ratio']:.2f}** | {low:.1f}-{high:.1f} |"
        )
    lines += [f"\n{note}" for note in result["notes"]]
    return "\n".join(lines) + "\n"
