"""A small HTTP/1.1 load generator for loopback benchmarks.

Each client process runs asyncio connections with keep-alive and raw sockets, so the client
costs far less CPU than the server it measures. Bounded by request count and time; it stops
by itself.
"""

import asyncio
import json
import multiprocessing
import statistics
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()

    def encode(self, host: str) -> bytes:
        lines = [f"{self.method} {self.path} HTTP/1.1", f"Host: {host}", "Connection: keep-alive"]
        lines += [f"{k}: {v}" for k, v in self.headers]
        if self.body or self.method == "POST":
            lines.append(f"Content-Length: {len(self.body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + self.body


def graphql_request(query: str, variables: dict | None = None, token: str | None = None) -> Request:
    headers = [("Content-Type", "application/json"), ("Accept", "application/json")]
    if token:
        headers.append(("Authorization", f"Bearer {token}"))
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    return Request("POST", "/graphql/", body, tuple(headers))


@dataclass
class LoadResult:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
        return ordered[index]

    def summary(self) -> dict:
        return {
            "requests": self.requests,
            "errors": self.errors,
            "seconds": round(self.seconds, 2),
            "throughput": round(self.throughput, 1),
            "p50_ms": round(self.percentile(50), 2),
            "p95_ms": round(self.percentile(95), 2),
            "p99_ms": round(self.percentile(99), 2),
            "mean_ms": round(statistics.fmean(self.latencies_ms), 2) if self.latencies_ms else None,
        }


async def _read_response(reader) -> tuple[int, bytes]:
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("server closed the connection")
    status = int(status_line.split()[1])
    length = 0
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        if name.lower() == "content-length":
            length = int(value.strip())
    body = await reader.readexactly(length) if length else b""
    return status, body


async def _connection(host, port, requests, deadline, budget, latencies, counters, check, start):
    reader, writer = await asyncio.open_connection(host, port)
    # Connections start at different requests, so a list of callers (per-person limits) is
    # spread evenly from the first second.
    index = start
    try:
        while time.perf_counter() < deadline and budget[0] > 0:
            budget[0] -= 1
            request = requests[index % len(requests)]
            index += 1
            started = time.perf_counter()
            writer.write(request.encode(f"{host}:{port}"))
            await writer.drain()
            status, body = await _read_response(reader)
            latencies.append((time.perf_counter() - started) * 1000)
            if status != 200 or (check and not check(body)):
                counters["errors"] += 1
    finally:
        writer.close()


async def _run_client(host, port, requests, connections, max_requests, seconds, check):
    latencies: list[float] = []
    counters = {"errors": 0}
    budget = [max_requests]
    deadline = time.perf_counter() + seconds
    started = time.perf_counter()
    await asyncio.gather(
        *(
            _connection(
                host,
                port,
                requests,
                deadline,
                budget,
                latencies,
                counters,
                check,
                n * len(requests) // connections,
            )
            for n in range(connections)
        )
    )
    return latencies, counters["errors"], time.perf_counter() - started


def _client_process(args):
    host, port, requests, connections, max_requests, seconds, check = args
    return asyncio.run(_run_client(host, port, requests, connections, max_requests, seconds, check))


def no_graphql_errors(body: bytes) -> bool:
    return b'"errors"' not in body


def run_load(
    *,
    host: str = "127.0.0.1",
    port: int,
    requests: list[Request],
    concurrency: int = 32,
    processes: int = 1,
    max_requests: int = 5_000,
    seconds: float = 20.0,
    check=no_graphql_errors,
) -> LoadResult:
    """Send up to `max_requests` (or for `seconds`) with `concurrency` keep-alive connections."""
    if not host.startswith("127.") and host not in ("localhost", "::1"):
        raise ValueError("Benchmarks only target loopback addresses.")
    per_process = max(1, concurrency // processes)
    jobs = [
        (host, port, requests, per_process, max_requests // processes, seconds, check)
        for _ in range(processes)
    ]
    started = time.perf_counter()
    if processes == 1:
        results = [_client_process(jobs[0])]
    else:
        with multiprocessing.get_context("spawn").Pool(processes) as pool:
            results = pool.map(_client_process, jobs)
    elapsed = time.perf_counter() - started
    latencies = [value for result in results for value in result[0]]
    errors = sum(result[1] for result in results)
    busiest = max(result[2] for result in results)
    return LoadResult(len(latencies), errors, min(elapsed, busiest) or elapsed, latencies)
