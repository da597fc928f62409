"""Benchmark: the district network map of a 5,000-teacher, 400-cohort, 50,000-visit district.

    .venv/bin/python bench/network_map.py                 # SQLite file in the temp folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_networks \
        .venv/bin/python bench/network_map.py             # PostgreSQL (create the database first)

Migrates the database, generates the district once (seeded, with `bulk_create`; later runs
reuse it), then times the district map a few times two ways: the service call
(`networks.maps.network_map`) and the full GraphQL request through `django.test.Client` with a
coordinator's bearer token, selecting every field of the map, and the compact download
(`networkMapDownload`, then a GET of its link, gzipped and plain). Prints the SQL query count,
the time spent in SQL, the median (p50) and worst wall time of the runs, the median CPU time of
this process (`time.process_time`), the sizes of the answers and the load average.

Without DATABASE_URL it uses its own SQLite file, never the development database.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, Python puts bench/ first on the path, where bench/http.py would shadow the
# standard library's `http`; import from the project root instead.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

SLUG = "bench-networks"
DRAW_QUERY = """
query Draw($scope: NetworkScopeInput!) {
  networkMap(scope: $scope) {
    nodeRadius
    nodes { personId fullName role cohortId x y }
    edges { visitorId hostId completedCount plannedCount }
    cohorts { cohortId name frame { x y radius } }
    measures { density reach reciprocity }
  }
}
"""
DOWNLOAD_QUERY = """
query Download($scope: NetworkScopeInput!) {
  networkMapDownload(scope: $scope) { url format contentType expiresAt }
}
"""
SIZE = {"schools": 40, "cohorts": 400, "teachers": 5000, "visits": 50_000}


def configure() -> None:
    if not os.environ.get("DATABASE_URL"):
        path = Path(tempfile.gettempdir()) / "bench_networks.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    os.environ.setdefault("DJANGO_TESTING", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    import django

    django.setup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each kind")
    args = parser.parse_args()
    configure()

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from backend.accounts.models import District, User
    from backend.accounts.services.tokens import access_token_issue
    from backend.seeding.districts import synthetic_district
    from networks.access import Scope, ScopeKind
    from networks.maps import network_map
    from tests.networks.conftest import MAP_QUERY, district_scope

    call_command("migrate", verbosity=0)
    print(
        f"database: {connection.vendor} {connection.settings_dict['NAME']}; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    district = District.objects.filter(slug=SLUG).first()
    if district is None:
        started = time.perf_counter()
        made = synthetic_district(slug=SLUG, now=timezone.now(), seed=7, **SIZE)
        district = made.district
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh statistics, as a live database would have
        print(
            f"generated {made.teacher_count} teachers, {len(made.cohorts)} cohorts, "
            f"{made.visit_count} visits in {time.perf_counter() - started:.1f} s"
        )
    coordinator = User.objects.get(coordinated_district=district)
    scope = Scope(ScopeKind.DISTRICT, district.pk)
    import backend.asgi  # noqa: F401 - loads and freezes the application as a server process does

    sql_ms = []

    def timed_sql(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sql_ms[-1] += (time.perf_counter() - start) * 1000

    def run(label, call):
        call()  # warm up (imports, caches, connection)
        times, cpu, counts = [], [], []
        for _ in range(args.runs):
            sql_ms.append(0.0)
            with connection.execute_wrapper(timed_sql), CaptureQueriesContext(connection) as q:
                start, start_cpu = time.perf_counter(), time.process_time()
                result = call()
                times.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - start_cpu) * 1000)
            counts.append(len(q.captured_queries))
        print(
            f"{label:<24} queries {min(counts)}-{max(counts)}  "
            f"p50 {statistics.median(times):7.1f} ms  max {max(times):7.1f} ms  "
            f"(SQL p50 {statistics.median(sql_ms[-args.runs :]):6.1f} ms, "
            f"our CPU p50 {statistics.median(cpu):7.1f} ms)"
        )
        return result

    run(
        "service, no betweenness",
        lambda: network_map(viewer=coordinator, scope=scope, with_betweenness=False),
    )
    result = run("service network_map", lambda: network_map(viewer=coordinator, scope=scope))
    print(
        f"{'':<24} {len(result.nodes)} nodes, {len(result.edges)} edges, "
        f"{len(result.cohorts)} cohorts, betweenness exact: {result.measures.betweenness_exact}"
    )

    _, token = access_token_issue(user=coordinator, device_name="bench")
    client = Client()
    body = json.dumps({"query": MAP_QUERY, "variables": {"scope": district_scope(district)}})

    def request():
        response = client.post(
            "/graphql/",
            body,
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
            secure=True,  # production settings redirect plain HTTP
        )
        assert response.status_code == 200, response.content[:500]
        payload = response.json()
        assert "errors" not in payload, payload["errors"]
        return response

    response = run("GraphQL, every field", request)
    print(f"{'':<24} response {len(response.content) / 1e6:.2f} MB of JSON")
    body = json.dumps({"query": DRAW_QUERY, "variables": {"scope": district_scope(district)}})
    response = run("GraphQL, drawing only", request)
    print(f"{'':<24} response {len(response.content) / 1e6:.2f} MB of JSON")

    # The compact path: the link from GraphQL, then the document behind it.
    body = json.dumps({"query": DOWNLOAD_QUERY, "variables": {"scope": district_scope(district)}})
    url = run("GraphQL, download link", request).json()["data"]["networkMapDownload"]["url"]
    for label, encoding in (("download, gzip", "gzip"), ("download, plain JSON", "identity")):

        def download(encoding=encoding):
            response = client.get(url, headers={"Accept-Encoding": encoding}, secure=True)
            assert response.status_code == 200, response.content[:500]
            return response

        response = run(label, download)
        print(f"{'':<24} response {len(response.content) / 1e6:.2f} MB")

    def link_and_download():
        link = request().json()["data"]["networkMapDownload"]["url"]
        return client.get(link, headers={"Accept-Encoding": "gzip"}, secure=True)

    run("link + gzip download", link_and_download)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
