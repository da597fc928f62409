"""Benchmark: the real ASGI server under concurrent loopback clients, GraphQL side by side with
hand-written Django views returning the same JSON. Writes a Markdown table (and a PNG chart).

    .venv/bin/python -m bench.run [--workers 2] [--concurrency 32] [--requests 4000]

Uses DATABASE_URL (SQLite file by default; PostgreSQL recommended) and REDIS_URL if set.
"""

import argparse
import json
import os
import platform
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def _setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _fixtures() -> dict:
    from django.core.management import call_command

    from backend.accounts.models import User
    from backend.accounts.services.tokens import access_token_issue
    from backend.demo import load_demo

    call_command("migrate", verbosity=0)
    load_demo()
    teacher = User.objects.get(email="peer01@demo.school")
    _token, raw = access_token_issue(user=teacher, device_name="bench")
    return {"tokens": {"teacher": raw}}


def _same_json(port: int, operation, token: str) -> bool:
    """The two sides must answer the same JSON, or the comparison means nothing."""

    def fetch(path, body=None):
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}", data=body, headers=headers
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    graphql = fetch(
        "/graphql/",
        json.dumps({"query": operation.query, "variables": operation.variables}).encode(),
    )
    baseline = fetch(operation.baseline_path)
    return graphql == baseline


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--ops", default="all")
    args = parser.parse_args(argv)

    _setup_django()
    from bench.load import Request, graphql_request, run_load
    from bench.operations import OPERATIONS
    from bench.server import running_server

    fixtures = _fixtures()
    names = list(OPERATIONS) if args.ops == "all" else args.ops.split(",")
    rows = []
    with running_server(workers=args.workers) as port:
        for name in names:
            operation = OPERATIONS[name]
            token = fixtures["tokens"][operation.caller]
            if not _same_json(port, operation, token):
                print(f"{name}: GraphQL and baseline answers differ", file=sys.stderr)
                return 1
            graphql = [graphql_request(operation.query, operation.variables, token)]
            baseline = [
                Request(
                    "GET", operation.baseline_path, b"", (("Authorization", f"Bearer {token}"),)
                )
            ]
            load = {
                "concurrency": args.concurrency,
                "max_requests": args.requests,
                "seconds": args.seconds,
            }
            run_load(port=port, requests=graphql, max_requests=200, concurrency=8)  # warm-up
            run_load(port=port, requests=baseline, max_requests=200, concurrency=8)
            g = run_load(port=port, requests=graphql, **load).summary()
            b = run_load(port=port, requests=baseline, **load).summary()
            rows.append((name, g, b))
            print(name, "graphql", g, "baseline", b)
    table = _markdown(rows, args)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "http.md").write_text(table)
    print(table)
    return 0


def _markdown(rows, args) -> str:
    from django.db import connection

    lines = [
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, database {connection.vendor}; "
        f"{args.workers} uvicorn workers, {args.concurrency} connections.",
        "",
        "| operation | GraphQL req/s | p50 / p95 / p99 ms "
        "| hand-written req/s | p50 / p95 / p99 ms | ratio |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, g, b in rows:
        ratio = g["throughput"] / b["throughput"] if b["throughput"] else 0
        lines.append(
            f"| {name} | {g['throughput']:.0f} | {g['p50_ms']} / {g['p95_ms']} / {g['p99_ms']} | "
            f"{b['throughput']:.0f} | {b['p50_ms']} / {b['p95_ms']} / {b['p99_ms']} | {ratio:.2f} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
