"""Where the time of a GraphQL request goes, inside one process (no HTTP, no server).

    .venv/bin/python -m bench.profile [--scale 0.2] [--ops my_week,cohort] [--profile] [--runs 50]

For each key operation: the median time of the whole request through Django's test client
(middleware, view, execution, JSON) for GraphQL and for the hand-written twin, and their
ratio. With --profile, a cProfile of the GraphQL requests: the functions with the most time of
their own, and the cumulative time of the pieces that matter (graphql-core's execution,
graphene-django's connection and type checks, our resolvers, the SQL, the JSON encoding).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import time

from bench.setup import configure, lift_map_limit, migrate

WATCH = (
    ("execute (graphql-core)", "graphql/execution/execute.py", "execute"),
    ("complete_value", "graphql/execution/execute.py", "complete_value"),
    ("resolve_field", "graphql/execution/execute.py", "execute_field"),
    ("connection_resolver", "graphene_django/fields.py", "connection_resolver"),
    ("is_type_of (graphene-django)", "graphene_django/types.py", "is_type_of"),
    ("SQL execute", "django/db/backends/utils.py", "execute"),
    ("model init", "django/db/models/base.py", "__init__"),
    ("prepare (parse/validate cache)", "backend/graphql/execution/preparation.py", "prepare"),
    ("cost limit", "backend/graphql/pipeline.py", "charge"),
    ("JSON encode", "json/__init__.py", "dumps"),
    ("bearer token middleware", "backend/accounts/middleware.py", "__call__"),
)


def _median_ms(call, runs: int) -> float:
    """Median CPU time of this thread per call: what the request itself costs, much less
    disturbed than wall time by other processes on a shared machine (SQLite runs in this
    thread; a PostgreSQL server's own work is not counted)."""
    times = []
    for _ in range(runs):
        started = time.thread_time()
        call()
        times.append((time.thread_time() - started) * 1000)
    return statistics.median(times)


def compare_execution(operations, *, runs: int) -> list[dict]:
    """Before/after of the one-step leaf path: graphql-core's own execution
    (GRAPHQL_EXECUTOR=stock) against ours (fast, `backend.graphql.execution.fast`),
    interleaved so that both see the same machine load."""
    from django.conf import settings
    from django.test import Client

    from bench import inprocess

    chosen = settings.GRAPHQL_EXECUTOR
    rows = []
    for operation in operations:
        client = Client()
        samples = {"stock": [], "ours": [], "baseline": []}
        for _ in range(runs):
            for label, executor in (("stock", "stock"), ("ours", "fast")):
                settings.GRAPHQL_EXECUTOR = executor
                started = time.thread_time()
                inprocess.graphql(operation, client=client)
                samples[label].append((time.thread_time() - started) * 1000)
            started = time.thread_time()
            inprocess.baseline(operation, client=client)
            samples["baseline"].append((time.thread_time() - started) * 1000)
        settings.GRAPHQL_EXECUTOR = chosen
        medians = {label: statistics.median(values) for label, values in samples.items()}
        rows.append(
            {
                "operation": operation.name,
                "stock_ms": round(medians["stock"], 2),
                "ours_ms": round(medians["ours"], 2),
                "baseline_ms": round(medians["baseline"], 2),
                "ratio_stock": round(medians["baseline"] / medians["stock"], 2),
                "ratio_ours": round(medians["baseline"] / medians["ours"], 2),
            }
        )
    return rows


def measure(operations, *, runs: int) -> list[dict]:
    from django.test import Client

    from bench import inprocess

    rows = []
    for operation in operations:
        client = Client()
        inprocess.graphql(operation, client=client)  # warm: parse cache, connections
        inprocess.baseline(operation, client=client)
        graphql = _median_ms(lambda op=operation, c=client: inprocess.graphql(op, client=c), runs)
        baseline = _median_ms(lambda op=operation, c=client: inprocess.baseline(op, client=c), runs)
        rows.append(
            {
                "operation": operation.name,
                "graphql_ms": round(graphql, 2),
                "baseline_ms": round(baseline, 2),
                "ratio": round(baseline / graphql, 2) if graphql else None,
            }
        )
    return rows


def profile(operation, *, runs: int, top: int = 25) -> str:
    from django.test import Client

    from bench import inprocess

    client = Client()
    inprocess.graphql(operation, client=client)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        inprocess.graphql(operation, client=client)
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = stats.total_tt
    out = io.StringIO()
    out.write(f"## {operation.name}: {total / runs * 1000:.1f} ms per request under cProfile\n")
    for label, path, name in WATCH:
        cumulative = sum(
            value[3]
            for (filename, _line, function), value in stats.stats.items()
            if filename.endswith(path) and function == name
        )
        out.write(f"  {label:34} {cumulative / runs * 1000:7.2f} ms  {cumulative / total:5.0%}\n")
    listing = io.StringIO()
    pstats.Stats(profiler, stream=listing).sort_stats("tottime").print_stats(top)
    lines = listing.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    out.write("\n".join(lines[start : start + top + 1]) + "\n")
    return out.getvalue()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--ops", default="all")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--compare", action="store_true", help="graphql-core's execution against ours"
    )
    args = parser.parse_args(argv)
    configure(args.database_url)
    migrate()
    lift_map_limit()
    from bench import generate
    from bench.operations import KEY_OPERATIONS, issue_tokens, key_operations

    slug = f"bench-s{args.scale:g}-r{args.seed}"
    subjects = generate.find(slug)
    if subjects is None:
        generate.generate(size=generate.Size.at(args.scale), seed=args.seed, slug=slug)
        subjects = generate.find(slug)
    operations = key_operations(subjects, issue_tokens(subjects, coordinators=5))
    names = ("me", *KEY_OPERATIONS) if args.ops == "all" else args.ops.split(",")
    chosen = [operations[n] for n in names if not operations[n].skipped]
    if args.compare:
        for row in compare_execution(chosen, runs=args.runs):
            print(
                f"{row['operation']:14} stock {row['stock_ms']:8.2f} ms (ratio "
                f"{row['ratio_stock']:.2f})   ours {row['ours_ms']:8.2f} ms (ratio "
                f"{row['ratio_ours']:.2f})   hand-written {row['baseline_ms']:8.2f} ms"
            )
        return 0
    for row in measure(chosen, runs=args.runs):
        print(
            f"{row['operation']:14} GraphQL {row['graphql_ms']:8.2f} ms   hand-written "
            f"{row['baseline_ms']:8.2f} ms   ratio {row['ratio']}"
        )
    if args.profile:
        for operation in chosen:
            print(profile(operation, runs=max(5, args.runs // 3)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
