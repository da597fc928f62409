"""The benchmark suite in one command (issue #8).

    .venv/bin/python -m bench                       # SQLite file under bench/results/tmp/
    .venv/bin/python -m bench --quick               # scale 0.1, short measurements
    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python -m bench \\
        --database-url postgres://postgres@127.0.0.1:5432/bench_suite

Steps (`--steps`, comma-separated; all by default):
  generate   a seeded district (`--scale`, default 1: 50 schools, 2,000 teachers, 150 cohorts,
             20,000 visits, 300 surveys, 100,000 notifications), reused when it exists
  queries    SQL query counts of the key operations at scales 0.05 and 0.2; fails if one grows
  http       uvicorn with several workers under loopback load, GraphQL against hand-written
  worker     reminder worker throughput, 1 and 2 workers (PostgreSQL; the notifications app's)
  websocket  idle subscriptions held by one process; one event to 1,000 subscribers (Redis)
Writes bench/results/<timestamp>/results.md, results.json and chart.png, and prints the table.
Exits 1 when a query count grows with the data or GraphQL and hand-written answers differ.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import UTC, datetime

from bench.setup import ROOT

STEPS = ("generate", "queries", "http", "worker", "websocket")


def parse(argv):
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 2)[2],
    )
    parser.add_argument("--scale", type=float, default=None, help="data size (default 1)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--database-url", default=None, help="default: SQLite under bench/results/tmp/"
    )
    parser.add_argument("--steps", default=",".join(STEPS))
    parser.add_argument("--quick", action="store_true", help="scale 0.1, shorter measurements")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--concurrency", type=int, default=16, help="loopback connections")
    parser.add_argument("--seconds", type=float, default=None, help="per side and operation")
    parser.add_argument("--notifications", type=int, default=None, help="worker step size")
    parser.add_argument("--subscriptions", type=int, default=None, help="idle WebSockets")
    parser.add_argument("--ops", default=None, help="only these operations (http step)")
    parser.add_argument("--out", default=None, help="results folder")
    args = parser.parse_args(argv)
    unknown = set(args.steps.split(",")) - set(STEPS)
    if unknown:
        parser.error(f"unknown steps: {', '.join(sorted(unknown))}")
    quick = args.quick
    args.scale = args.scale if args.scale is not None else (0.1 if quick else 1.0)
    args.seconds = args.seconds if args.seconds is not None else (4 if quick else 20)
    args.notifications = args.notifications or (5_000 if quick else 20_000)
    args.subscriptions = args.subscriptions or (1_200 if quick else 3_000)
    return args


def main(argv=None) -> int:
    args = parse(argv)
    steps = args.steps.split(",")
    from bench.setup import configure, describe_database, load_average, machine, migrate

    url = configure(args.database_url)
    migrate()
    started = datetime.now(UTC)
    results: dict = {
        "meta": {
            "started": started.strftime("%Y-%m-%d %H:%M UTC"),
            "machine": machine(),
            "database": describe_database(),
            "redis": bool(os.environ.get("REDIS_URL")),
            "load_average": load_average(),
            "args": vars(args),
        }
    }
    failed = False
    from bench import generate

    slug = f"bench-s{args.scale:g}-r{args.seed}"
    subjects = generate.find(slug)
    if "generate" in steps or subjects is None:
        print(f"generate: scale {args.scale:g} in {describe_database()}", flush=True)
        reused = subjects is not None
        if not reused:
            made = generate.generate(size=generate.Size.at(args.scale), seed=args.seed, slug=slug)
            print(f"  {made.counts} in {made.seconds:.1f} s", flush=True)
            subjects = generate.find(slug)
            counts, seconds = made.counts, made.seconds
        else:
            print("  already there (delete the database to generate again)", flush=True)
            counts, seconds = _counts(subjects), subjects.seconds
        results["generate"] = {
            "scale": args.scale,
            "seed": args.seed,
            "counts": counts,
            "seconds": seconds,
            "reused": reused,
        }
    if "queries" in steps:
        from bench import queries

        print("queries: scales 0.05 and 0.2", flush=True)
        results["queries"] = queries.run(seed=args.seed)
        print(queries.markdown(results["queries"]), flush=True)
        failed |= results["queries"]["failed"]
    if "http" in steps:
        from bench import http

        print(f"http: {args.workers} workers, {args.concurrency} connections", flush=True)
        names = args.ops.split(",") if args.ops else None
        results["http"] = http.run(
            subjects,
            url,
            workers=args.workers,
            concurrency=args.concurrency,
            seconds=args.seconds,
            names=names,
        )
        failed |= any("differ" in note for note in results["http"]["notes"])
    if "worker" in steps:
        from bench import worker

        print(f"worker: {args.notifications:,} notifications", flush=True)
        results["worker"] = worker.run(url, notifications=args.notifications)
        print(worker.markdown(results["worker"]), flush=True)
    if "websocket" in steps:
        from bench import websocket

        print(
            f"websocket: {args.subscriptions:,} idle subscriptions, 1,000 for fan-out", flush=True
        )
        results["websocket"] = websocket.run(
            subjects, url, idle=args.subscriptions, fanout=min(1000, args.subscriptions)
        )
        print(websocket.markdown(results["websocket"]), flush=True)
    results["meta"]["seconds"] = round(time.time() - started.timestamp(), 1)
    from bench import report

    folder = args.out or ROOT / "bench" / "results" / started.strftime("%Y%m%d-%H%M%S")
    written = report.write(results, folder=type(ROOT)(folder))
    print("\n" + written["markdown"])
    print(f"results: {folder}/results.md" + (", chart.png" if written["chart"] else ""))
    return 1 if failed else 0


def _counts(subjects) -> dict:
    """Row counts of an existing district (when generation is skipped)."""
    from backend.accounts.models import User
    from cohorts.models import Cohort
    from notifications.models import Notification
    from observations.models import Visit
    from surveys.models import Administration

    district = subjects.district_id
    return {
        "teachers": User.objects.filter(school__district_id=district).count(),
        "cohorts": Cohort.objects.filter(school__district_id=district).count(),
        "visits": Visit.objects.filter(school__district_id=district).count(),
        "administrations": Administration.objects.filter(school__district_id=district).count(),
        "notifications": Notification.objects.filter(
            recipient__school__district_id=district
        ).count(),
    }


if __name__ == "__main__":
    sys.exit(main())
