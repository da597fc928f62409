"""Oversized bodies are refused before they are read: a real uvicorn process and a raw socket.

The attack of issue 18: a 1,000 MB unauthenticated body was read to disk (997 MB) before its 413.
Now a `Content-Length` over the limit is answered at once, and a chunked body (no length) is cut
off at the first byte over the limit; both for JSON (MAX_REQUEST_BODY_BYTES) and for multipart
uploads (MAX_UPLOAD_REQUEST_BYTES).
"""

import os
import select
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from django.conf import settings

JSON_LIMIT = 200_000
UPLOAD_LIMIT = 2_000_000
CHUNK = b"x" * 65_536


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('body') / 'db.sqlite3'}",
        "MAX_REQUEST_BODY_BYTES": str(JSON_LIMIT),
        "MAX_UPLOAD_REQUEST_BYTES": str(UPLOAD_LIMIT),
    }
    for name in ("REDIS_URL", "DJANGO_TESTING", "PYTEST_CURRENT_TEST"):
        env.pop(name, None)
    process = subprocess.Popen(  # noqa: S603 (our own application)
        [
            sys.executable,
            "-m",
            "uvicorn",
            "backend.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/graphql/", timeout=1)
                break
            except urllib.error.HTTPError:
                break  # answering
            except OSError:
                assert process.poll() is None, process.stderr.read().decode()[-3000:]
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def stream(port, head: bytes, *, chunked: bool, give_up_after: int):
    """Send `head`, then body bytes until the server answers or `give_up_after` bytes went
    out. Returns (status line, bytes of body sent before the answer arrived, seconds)."""
    started = time.monotonic()
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.setblocking(False)
    _send_all(sock, head)
    sent = 0
    answer = b""
    try:
        while sent < give_up_after:
            readable, writable, _ = select.select([sock], [sock], [], 5)
            if readable:
                answer = _read_answer(sock)
                break
            if not writable:
                continue
            piece = (b"%x\r\n" % len(CHUNK) + CHUNK + b"\r\n") if chunked else CHUNK
            try:
                sent += sock.send(piece)
            except (BlockingIOError, InterruptedError):
                continue
            except (BrokenPipeError, ConnectionResetError):
                answer = _read_answer(sock)
                break
        else:
            if chunked:
                _send_all(sock, b"0\r\n\r\n")
            answer = _read_answer(sock)
    finally:
        sock.close()
    return answer.split(b"\r\n", 1)[0], sent, time.monotonic() - started


def _send_all(sock, data):
    view = memoryview(data)
    while view:
        select.select([], [sock], [], 5)
        try:
            view = view[sock.send(view) :]
        except BlockingIOError:
            continue


def _read_answer(sock) -> bytes:
    sock.setblocking(True)
    sock.settimeout(30)
    data = b""
    try:
        while b"\r\n" not in data:
            piece = sock.recv(65_536)
            if not piece:
                break
            data += piece
    except (ConnectionResetError, TimeoutError):
        pass
    return data


def request_head(content_type: str, *, length: int | None) -> bytes:
    lines = [
        b"POST /graphql/ HTTP/1.1",
        b"Host: 127.0.0.1",
        b"Content-Type: " + content_type.encode(),
        b"Accept: application/json",
    ]
    if length is None:
        lines.append(b"Transfer-Encoding: chunked")
    else:
        lines.append(b"Content-Length: " + str(length).encode())
    return b"\r\n".join(lines) + b"\r\n\r\n"


MULTIPART = "multipart/form-data; boundary=xyz"


@pytest.mark.parametrize(
    ("content_type", "limit"), [("application/json", JSON_LIMIT), (MULTIPART, UPLOAD_LIMIT)]
)
def test_a_huge_content_length_is_refused_before_the_body_is_read(server, content_type, limit):
    head = request_head(content_type, length=1_000_000_000)

    status, sent, seconds = stream(server, head, chunked=False, give_up_after=1_000_000_000)
    print(f"Content-Length 1 GB ({content_type}): {status!r} after {sent} bytes, {seconds:.2f} s")

    assert status == b"HTTP/1.1 413 Request Entity Too Large", status
    # Answered from the headers: at most what the socket buffers took before the answer came.
    assert sent < limit + 8_000_000, sent
    assert seconds < 10


@pytest.mark.parametrize(
    ("content_type", "limit"), [("application/json", JSON_LIMIT), (MULTIPART, UPLOAD_LIMIT)]
)
def test_a_chunked_body_is_cut_off_at_the_limit(server, content_type, limit):
    head = request_head(content_type, length=None)

    # Before: the server read all 300 MB (to disk) and only then answered.
    status, sent, seconds = stream(server, head, chunked=True, give_up_after=300_000_000)
    print(f"chunked ({content_type}): {status!r} after {sent} bytes, {seconds:.2f} s")

    assert status == b"HTTP/1.1 413 Request Entity Too Large", status
    assert sent < limit + 8_000_000, sent
    assert seconds < 20


def test_a_body_under_the_limit_still_runs(server):
    body = b'{"query": "{ __typename }"}'
    head = request_head("application/json", length=len(body)) + body
    sock = socket.create_connection(("127.0.0.1", server), timeout=30)
    try:
        sock.sendall(head)
        answer = _read_answer(sock)
    finally:
        sock.close()

    assert answer.startswith(b"HTTP/1.1 200"), answer[:200]
