"""A bounded soak of the real server on loopback (issue #9, load).

Starts uvicorn (bench/server.py) on a migrated, seeded database, then runs CLIENTS concurrent
phone-like clients for SECONDS, mixing reads (me, myVisits, cohorts, inbox), writes (propose
then cancel a visit, observation data with fresh client ids, mark the inbox read), photo
uploads, and a few WebSocket subscriptions that stay open throughout. It records every status
code, latencies per operation, GraphQL errors, events heard on the sockets, and the resident
memory (VmRSS from /proc) of the server processes over time, then prints a summary.

    .venv/bin/python scripts/soak.py                      # 50 clients, 5 minutes, SQLite
    .venv/bin/python scripts/soak.py --seconds 60 --clients 20
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/soak_db REDIS_URL=redis://127.0.0.1:6379/7 \\
        .venv/bin/python scripts/soak.py --seconds 60

With DATABASE_URL the database is migrated and, when its name contains "soak", emptied first
(the script seeds its own people); any other database is refused. Without it, a temporary
SQLite file is used. Exit status 1 when a 5xx or an INTERNAL_SERVER_ERROR was seen.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import random
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import websockets  # noqa: E402

from bench.server import running_server  # noqa: E402
from tests.security import live  # noqa: E402

ME = "query Me { me { person { id fullName } roles } }"
MY_VISITS = """query MyVisits { myVisits(first: 20) { totalCount edges { node {
  id status when { startsAt } cycleNumber host { fullName } visitors { fullName } } } } }"""
COHORTS = """query Cohorts { cohorts(first: 10) { totalCount edges { node {
  id name members { role person { fullName } } } } } }"""
INBOX = """query Inbox { unreadNotificationCount myNotifications(first: 20) {
  edges { node { id title readAt } } } }"""
PROPOSE = """mutation Propose($input: VisitProposeInput!) {
  visitPropose(input: $input) { visit { id } errors { code } } }"""
CANCEL = """mutation Cancel($input: VisitCancelInput!) {
  visitCancel(input: $input) { visit { status } errors { code } } }"""
SUBMIT = """mutation Submit($input: ObservationDataSubmitInput!) {
  observationDataSubmit(input: $input) { createdCount errors { code } } }"""
READ_ALL = "mutation ReadAll { notificationMarkAllRead { markedCount errors { code } } }"
UPLOAD = """mutation Upload($input: PhotoUploadInput!) {
  photoUpload(input: $input) { photo { id width height } errors { code } } }"""
SUBSCRIPTION = "subscription { visitChanged { visitId change revision } }"

# (operation, weight): what a phone mostly does is read.
MIX = [
    ("me", 15),
    ("myVisits", 20),
    ("cohorts", 10),
    ("inbox", 15),
    ("propose+cancel", 12),
    ("observationData", 15),
    ("markAllRead", 6),
    ("photoUpload", 4),
]


def small_jpeg() -> bytes:
    from PIL import Image

    picture = Image.new("RGB", (320, 240), (200, 210, 220))
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=80)
    return out.getvalue()


# --- the database --------------------------------------------------------------------------------


def prepare_database(url: str | None, workdir: Path) -> str:
    if url is None:
        return live.migrated_sqlite(workdir)
    name = urlparse(url).path.lstrip("/")
    if "soak" not in name:
        raise SystemExit(f"Refusing to empty {name!r}: use a database whose name has 'soak'.")
    env = live.base_env(DATABASE_URL=url, DJANGO_DEBUG="1")
    live.manage(env, "migrate", "-v0")
    live.manage(env, "flush", "--noinput")
    return url


# --- memory of the server processes --------------------------------------------------------------


def _server_pids(port: int) -> list[int]:
    """The uvicorn process listening on `port` and its worker processes."""
    masters, parents = [], {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
        if b"uvicorn" in b" ".join(command) and str(port).encode() in command:
            masters.append(int(entry.name))
    return sorted({*masters, *(pid for pid, parent in parents.items() if parent in masters)})


def rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


async def sample_memory(port: int, interval: float, samples: list, stop: asyncio.Event):
    pids = _server_pids(port)
    while True:
        samples.append((time.monotonic(), {pid: rss_kib(pid) for pid in pids}))
        try:
            await asyncio.wait_for(stop.wait(), interval)
            samples.append((time.monotonic(), {pid: rss_kib(pid) for pid in pids}))
            return
        except TimeoutError:
            continue


# --- clients -------------------------------------------------------------------------------------


class Stats:
    def __init__(self):
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.statuses: Counter = Counter()
        self.internal_errors: Counter = Counter()
        self.other_errors: Counter = Counter()
        self.typed_errors: Counter = Counter()
        self.transport_errors: Counter = Counter()
        self.examples: list[str] = []

    def record(self, operation: str, started: float, response) -> dict | None:
        self.latencies[operation].append((time.perf_counter() - started) * 1000)
        self.statuses[response.status_code] += 1
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code >= 500 and len(self.examples) < 5:
            self.examples.append(f"{operation}: {response.status_code} {response.text[:200]}")
        if not isinstance(body, dict):
            return None
        for error in body.get("errors") or []:
            code = (error.get("extensions") or {}).get("code", "?")
            if code == "INTERNAL_SERVER_ERROR":
                self.internal_errors[operation] += 1
                if len(self.examples) < 5:
                    self.examples.append(f"{operation}: {json.dumps(error)[:200]}")
            else:
                self.other_errors[f"{operation}:{code}"] += 1
        for value in (body.get("data") or {}).values():
            if isinstance(value, dict) and value.get("errors"):
                for error in value["errors"]:
                    self.typed_errors[f"{operation}:{error['code']}"] += 1
        return body


class Client:
    def __init__(self, index: int, teacher: dict, port: int, stats: Stats, jpeg: bytes):
        self.index = index
        self.teacher = teacher
        self.stats = stats
        self.jpeg = jpeg
        self.counter = 0
        self.http = httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}",
            headers={
                "Authorization": f"Bearer {teacher['token']}",
                "Accept": "application/graphql-response+json",
            },
            timeout=60,
        )
        self.random = random.Random(index)

    async def graphql(self, operation: str, query: str, variables: dict | None = None):
        started = time.perf_counter()
        try:
            response = await self.http.post(
                "/graphql/", json={"query": query, "variables": variables or {}}
            )
        except httpx.HTTPError as error:
            self.stats.transport_errors[f"{operation}:{type(error).__name__}"] += 1
            return None
        return self.stats.record(operation, started, response)

    async def run(self, deadline: float):
        operations, weights = zip(*MIX, strict=True)
        while time.monotonic() < deadline:
            operation = self.random.choices(operations, weights)[0]
            await getattr(self, "do_" + operation.replace("+", "_"))()
        await self.http.aclose()

    async def do_me(self):
        await self.graphql("me", ME)

    async def do_myVisits(self):
        await self.graphql("myVisits", MY_VISITS)

    async def do_cohorts(self):
        await self.graphql("cohorts", COHORTS)

    async def do_inbox(self):
        await self.graphql("inbox", INBOX)

    async def do_markAllRead(self):
        await self.graphql("markAllRead", READ_ALL)

    async def do_propose_cancel(self):
        # A slot of its own (never overlapping the next client's) on one of the next 60 days.
        self.counter += 1
        day = date.today() + timedelta(days=1 + self.counter % 60)
        minutes = 8 * 60 + (self.index % 45) * 10
        when = {"date": day.isoformat(), "startTime": f"{minutes // 60:02d}:{minutes % 60:02d}"}
        body = await self.graphql(
            "visitPropose",
            PROPOSE,
            {
                "input": {
                    "hostId": self.teacher["next"],
                    "when": {**when, "minutes": 10},
                    "cycleNumber": 1,
                }
            },
        )
        visit = ((body or {}).get("data") or {}).get("visitPropose") or {}
        if visit.get("visit"):
            await self.graphql(
                "visitCancel",
                CANCEL,
                {"input": {"visitId": visit["visit"]["id"], "reason": "Soak test"}},
            )

    async def do_observationData(self):
        recorded = datetime.fromisoformat(self.teacher["visit_starts_at"]) + timedelta(minutes=5)
        entries = [
            {
                "clientId": str(uuid.uuid4()),
                "recordedAt": recorded.isoformat(),
                "scripting": {"at": 300 + i, "text": "A student explains why."},
            }
            for i in range(3)
        ]
        await self.graphql(
            "observationData",
            SUBMIT,
            {"input": {"visitId": self.teacher["visit"], "entries": entries}},
        )

    async def do_uploadPhoto(self):
        operations = {
            "query": UPLOAD,
            "variables": {"input": {"file": None, "visitId": self.teacher["visit"]}},
        }
        started = time.perf_counter()
        try:
            response = await self.http.post(
                "/graphql/",
                data={
                    "operations": json.dumps(operations),
                    "map": json.dumps({"0": ["variables.input.file"]}),
                },
                files={"0": ("work.jpg", self.jpeg, "image/jpeg")},
            )
        except httpx.HTTPError as error:
            self.stats.transport_errors[f"photoUpload:{type(error).__name__}"] += 1
            return
        self.stats.record("photoUpload", started, response)


async def subscriber(port: int, token: str, deadline: float, result: dict):
    """A phone with the app open: one socket, one subscription, for the whole soak."""
    socket = live.Socket(port, token)
    try:
        if not await socket.open():
            result["failed_to_open"] += 1
            return
        await socket.subscribe("visits", SUBSCRIPTION)
        while time.monotonic() < deadline:
            message = await socket.receive(min(5.0, max(0.1, deadline - time.monotonic())))
            if message is None:
                if socket.close_code is not None:
                    result["closed"].append(socket.close_code)
                    return
                continue
            if message.get("type") == "next":
                result["events"] += 1
            elif message.get("type") == "error":
                result["errors"] += 1
        result["open_at_end"] += 1
    except (OSError, websockets.WebSocketException) as error:
        result["closed"].append(type(error).__name__)
    finally:
        await socket.close()


# --- the run ------------------------------------------------------------------------------------


async def soak(port: int, seeded: dict, args) -> dict:
    stats = Stats()
    jpeg = small_jpeg()
    teachers = seeded["teachers"]
    deadline = time.monotonic() + args.seconds
    samples: list = []
    stop = asyncio.Event()
    memory = asyncio.create_task(sample_memory(port, args.sample_every, samples, stop))
    sockets = {"events": 0, "errors": 0, "closed": [], "failed_to_open": 0, "open_at_end": 0}
    # The subscribers are the hosts of the first clients' proposals: they hear of them.
    listeners = [
        asyncio.create_task(
            subscriber(port, teachers[(i + 1) % len(teachers)]["token"], deadline, sockets)
        )
        for i in range(args.sockets)
    ]
    started = time.monotonic()
    clients = [Client(i, teachers[i], port, stats, jpeg) for i in range(args.clients)]
    await asyncio.gather(*(client.run(deadline) for client in clients))
    elapsed = time.monotonic() - started
    await asyncio.gather(*listeners)
    stop.set()
    await memory
    return {"stats": stats, "elapsed": elapsed, "samples": samples, "sockets": sockets}


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))]


def report(result: dict, args, backend: str) -> tuple[str, bool]:
    stats: Stats = result["stats"]
    every = [value for values in stats.latencies.values() for value in values]
    total = len(every)
    server_errors = sum(count for status, count in stats.statuses.items() if status >= 500)
    internal = sum(stats.internal_errors.values())
    transport = sum(stats.transport_errors.values())
    lines = [
        f"soak: {backend}, {args.clients} clients, {args.workers} workers, "
        f"{result['elapsed']:.0f} s",
        f"requests {total}  ({total / result['elapsed']:.1f}/s)   "
        f"statuses {dict(sorted(stats.statuses.items()))}   5xx {server_errors}   "
        f"INTERNAL_SERVER_ERROR {internal}   transport errors {transport}",
        "",
        f"{'operation':<18}{'count':>8}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'max ms':>10}",
    ]
    for operation in sorted(stats.latencies):
        values = stats.latencies[operation]
        lines.append(
            f"{operation:<18}{len(values):>8}{percentile(values, 50):>10.1f}"
            f"{percentile(values, 95):>10.1f}{percentile(values, 99):>10.1f}{max(values):>10.1f}"
        )
    lines.append(
        f"{'all':<18}{total:>8}{percentile(every, 50):>10.1f}{percentile(every, 95):>10.1f}"
        f"{percentile(every, 99):>10.1f}{(max(every) if every else 0):>10.1f}"
    )
    samples = result["samples"]
    if samples:
        first_time = samples[0][0]
        pids = sorted(samples[0][1])
        warm = next(
            (s for s in samples if s[0] - first_time >= min(30, args.seconds / 5)), samples[0]
        )
        last = samples[-1]
        lines += ["", "server memory (VmRSS MiB): start / after warm-up / max / end"]
        for pid in pids:
            series = [s[1].get(pid) or 0 for s in samples]
            lines.append(
                f"  pid {pid:<8}{series[0] / 1024:>8.1f}{(warm[1].get(pid) or 0) / 1024:>8.1f}"
                f"{max(series) / 1024:>8.1f}{series[-1] / 1024:>8.1f}"
            )
        totals = [sum(v or 0 for v in s[1].values()) for s in samples]
        warm_total = sum(v or 0 for v in warm[1].values())
        end_total = sum(v or 0 for v in last[1].values())
        lines.append(
            f"  total       {totals[0] / 1024:>8.1f}{warm_total / 1024:>8.1f}"
            f"{max(totals) / 1024:>8.1f}{end_total / 1024:>8.1f}"
            f"   growth after warm-up {((end_total - warm_total) / 1024):+.1f} MiB"
        )
    sockets = result["sockets"]
    lines += [
        "",
        f"websockets: {args.sockets} open for the whole run: events heard {sockets['events']}, "
        f"errors {sockets['errors']}, closed early {sockets['closed']}, "
        f"failed to open {sockets['failed_to_open']}, open at the end {sockets['open_at_end']}",
    ]
    if stats.typed_errors:
        lines.append(f"typed errors (user-fixable): {dict(stats.typed_errors.most_common(8))}")
    if stats.other_errors:
        lines.append(f"top-level errors: {dict(stats.other_errors.most_common(8))}")
    if stats.transport_errors:
        lines.append(f"transport errors: {dict(stats.transport_errors)}")
    for example in stats.examples:
        lines.append(f"  e.g. {example}")
    healthy = server_errors == 0 and internal == 0 and not stats.transport_errors
    return "\n".join(lines), healthy


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--sockets", type=int, default=5, help="WebSocket subscribers")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--sample-every", type=float, default=5, help="seconds between RSS")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL") or None
    redis_url = os.environ.get("REDIS_URL") or None
    with tempfile.TemporaryDirectory(prefix="soak-") as workdir:
        url = prepare_database(database_url, Path(workdir))
        seeded = live.seed(url, extra_teachers=max(args.clients, args.sockets + 1))
        env = live.base_env(
            DATABASE_URL=url,
            MEDIA_ROOT=str(Path(workdir) / "media"),
            MAX_UPLOADS_PER_HOUR="100000",
            LOG_LEVEL="ERROR",
        )
        if redis_url:
            env["REDIS_URL"] = redis_url
            env["REDIS_PREFIX"] = f"soak-{uuid.uuid4().hex[:6]}"
        backend = ("PostgreSQL" if database_url else "SQLite") + (
            " + Redis" if redis_url else " (in-memory layer)"
        )
        with running_server(workers=args.workers, env=env) as port:
            result = asyncio.run(soak(port, seeded, args))
    text, healthy = report(result, args, backend)
    print(text)
    if args.json:
        stats = result["stats"]
        Path(args.json).write_text(
            json.dumps(
                {
                    "backend": backend,
                    "clients": args.clients,
                    "seconds": result["elapsed"],
                    "statuses": stats.statuses,
                    "internal_errors": stats.internal_errors,
                    "p50_ms": {k: percentile(v, 50) for k, v in stats.latencies.items()},
                    "p95_ms": {k: percentile(v, 95) for k, v in stats.latencies.items()},
                    "rss_kib": result["samples"],
                    "sockets": result["sockets"],
                },
                indent=1,
                default=str,
            )
        )
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
