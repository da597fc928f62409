"""Step 5: WebSocket capacity of one server process, through Redis.

1. Idle subscriptions: open N graphql-transport-ws connections to one uvicorn process, each
   signed in (`connection_init` with a token) and subscribed to `cohortChanged` of the bench
   cohort, and hold them; report how many were held and the process's memory (RSS).
2. Fan-out: with 1,000 of them subscribed, broadcast one cohort event from this (another)
   process through the Redis channel layer, as `backend.live.broadcast` does after a
   commit, and time until every subscriber has received its `next` message. Each subscriber's
   `cohortChanged` reloads the cohort from the database, as in production.

Needs REDIS_URL (without it events never leave a process). Bounded: connections are opened
at most 50 at a time with timeouts, and everything is closed at the end.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import time
from pathlib import Path

SUBSCRIPTION = """
subscription Live($id: ID!) { cohortChanged(cohortId: $id) { kind cohortId cohort { name } } }
"""
PROTOCOL = "graphql-transport-ws"


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (uvicorn may fork one)."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for each in pids:
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


class Subscriber:
    def __init__(self, url: str, token: str, cohort_gid: str):
        self.url, self.token, self.cohort_gid = url, token, cohort_gid
        self.socket = None
        self.received_at: float | None = None
        self.reader: asyncio.Task | None = None
        self.got_event = asyncio.Event()

    async def open(self) -> None:
        import websockets

        self.socket = await websockets.connect(
            self.url, subprotocols=[PROTOCOL], open_timeout=30, max_queue=16
        )
        init = {"type": "connection_init", "payload": {"authorization": f"Bearer {self.token}"}}
        await self.socket.send(json.dumps(init))
        ack = json.loads(await asyncio.wait_for(self.socket.recv(), 30))
        if ack.get("type") != "connection_ack":
            raise RuntimeError(f"no ack: {ack}")
        subscribe = {
            "id": "1",
            "type": "subscribe",
            "payload": {"query": SUBSCRIPTION, "variables": {"id": self.cohort_gid}},
        }
        await self.socket.send(json.dumps(subscribe))
        self.reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        try:
            async for raw in self.socket:
                message = json.loads(raw)
                if message.get("type") == "ping":
                    await self.socket.send(json.dumps({"type": "pong"}))
                elif message.get("type") == "next" and self.received_at is None:
                    self.received_at = time.time()
                    self.got_event.set()
                elif message.get("type") in ("error", "complete"):
                    self.got_event.set()
        except Exception:  # closed
            self.got_event.set()

    @property
    def is_open(self) -> bool:
        from websockets.protocol import State

        return self.socket is not None and self.socket.state is State.OPEN

    async def close(self) -> None:
        if self.reader:
            self.reader.cancel()
        if self.socket is not None:
            await self.socket.close()


async def _open_all(subscribers, limit: int = 50, deadline: float = 300) -> int:
    gate = asyncio.Semaphore(limit)
    failures = 0

    async def one(subscriber):
        nonlocal failures
        async with gate:
            try:
                await subscriber.open()
            except Exception:
                failures += 1

    await asyncio.wait_for(asyncio.gather(*(one(s) for s in subscribers)), deadline)
    return failures


async def _group_size(group: str) -> int:
    """How many channels the server has in the group (channels_redis keeps a sorted set)."""
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    connection = layer.connection(layer.consistent_hash(group))
    return await connection.zcard(layer._group_key(group))


async def _wait_for_group(group: str, size: int, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    found = 0
    while time.monotonic() < deadline:
        found = await _group_size(group)
        if found >= size:
            break
        await asyncio.sleep(0.2)
    return found


async def _scenario(port: int, pid: int, tokens: list[str], cohort_pk: int, idle: int, fanout: int):
    from channels.layers import get_channel_layer
    from graphql_relay import to_global_id

    from backend.live import COHORT_CHANGED, cohort_group

    url = f"ws://127.0.0.1:{port}/graphql/"
    gid = to_global_id("Cohort", cohort_pk)
    group = cohort_group(cohort_pk)
    result: dict = {}
    rss_before = rss_mb(pid)
    subscribers = [Subscriber(url, tokens[n % len(tokens)], gid) for n in range(max(idle, fanout))]
    started = time.perf_counter()
    failures = await _open_all(subscribers)
    subscribed = await _wait_for_group(group, len(subscribers) - failures, 60)
    result["open_seconds"] = round(time.perf_counter() - started, 1)
    await asyncio.sleep(5)  # hold them idle
    held = sum(1 for s in subscribers if s.is_open)
    result.update(
        attempted=len(subscribers),
        failed=failures,
        subscribed=subscribed,
        held=held,
        rss_before_mb=round(rss_before, 1),
        rss_mb=round(rss_mb(pid), 1),
    )
    result["kb_per_subscription"] = (
        round((result["rss_mb"] - rss_before) * 1024 / held, 1) if held else None
    )
    # Fan-out to `fanout` of them: close the rest first so that exactly that many listen.
    await _close_all(subscribers[fanout:])
    listening = [s for s in subscribers[:fanout] if s.is_open]
    await asyncio.sleep(1)
    members = await _group_size(group)
    layer = get_channel_layer()
    message = {
        "type": "graphql.event",
        "group": group,
        "event": COHORT_CHANGED,
        "payload": {
            "kind": "COHORT_UPDATED",
            "cohort_id": cohort_pk,
            "membership_id": None,
            "meeting_id": None,
        },
    }
    sent_at = time.time()
    await layer.group_send(group, message)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(asyncio.gather(*(s.got_event.wait() for s in listening)), 120)
    arrivals = sorted(s.received_at - sent_at for s in listening if s.received_at is not None)
    result["fanout"] = {
        "subscribers": len(listening),
        "group_members": members,
        "received": len(arrivals),
        "first_ms": round(arrivals[0] * 1000, 1) if arrivals else None,
        "p50_ms": round(arrivals[len(arrivals) // 2] * 1000, 1) if arrivals else None,
        "all_ms": round(arrivals[-1] * 1000, 1) if arrivals else None,
    }
    await _close_all(listening)
    return result


async def _close_all(subscribers, batch: int = 50) -> None:
    """In batches: redis-py 8 gives each server process a pool of 100 Redis connections and
    fails (rather than waits) beyond it, so a burst of disconnects would log errors."""
    for start in range(0, len(subscribers), batch):
        chunk = subscribers[start : start + batch]
        await asyncio.gather(*(s.close() for s in chunk), return_exceptions=True)
        await asyncio.sleep(0.05)


def run(subjects, database_url: str, *, idle: int = 2000, fanout: int = 1000) -> dict:
    """Needs REDIS_URL; returns {"skipped": reason} without it."""
    if not os.environ.get("REDIS_URL"):
        return {"skipped": "REDIS_URL is not set: events need Redis to leave a process"}
    from backend.accounts.models import User
    from backend.accounts.services.tokens import access_token_issue
    from bench.server import running_server
    from bench.setup import server_environment

    people = list(User.objects.filter(pk__in=subjects.member_ids))
    tokens = [access_token_issue(user=p, device_name="bench-ws")[1] for p in people]
    env = {
        **server_environment(database_url),
        "REDIS_URL": os.environ["REDIS_URL"],
        "WEBSOCKET_INIT_TIMEOUT_SECONDS": "60",
    }
    with running_server(workers=1, env=env) as port:
        pid = _server_pid(port)
        result = asyncio.run(
            _scenario(port, pid, tokens, subjects.cohort_id, idle=idle, fanout=fanout)
        )
    result["server"] = "1 uvicorn process"
    return result


def _server_pid(port: int) -> int:
    """The process listening on `port` (the uvicorn worker), from /proc/net/tcp."""
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == port and fields[3] == "0A":
            inode = fields[9]
            break
    if inode:
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            try:
                for fd in (proc / "fd").iterdir():
                    if os.readlink(fd) == f"socket:[{inode}]":
                        return int(proc.name)
            except OSError:
                continue
    return os.getpid()


def markdown(result: dict) -> str:
    if "skipped" in result:
        return f"Skipped: {result['skipped']}.\n"
    fan = result["fanout"]
    return (
        "| measure | value |\n| --- | ---: |\n"
        f"| idle subscriptions held by {result['server']} | {result['held']:,} of "
        f"{result['attempted']:,} ({result['failed']} failed to open) |\n"
        f"| time to open and subscribe them | {result['open_seconds']} s |\n"
        f"| server memory (RSS) before / holding them | {result['rss_before_mb']:.0f} MB / "
        f"{result['rss_mb']:.0f} MB ({result['kb_per_subscription']} KB each) |\n"
        f"| one event to {fan['subscribers']:,} subscribers through Redis: first / median / "
        f"all received | {fan['first_ms']} / {fan['p50_ms']} / {fan['all_ms']} ms "
        f"({fan['received']:,} received) |\n"
    )
