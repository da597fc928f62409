"""Whom the real server believes about the caller's address (issue 18, item 8).

uvicorn trusted X-Forwarded-For from 127.0.0.1 on its own (`--proxy-headers`, on by default),
whatever TRUSTED_PROXY_COUNT said: 24 failed sign-ins, each with a made-up X-Forwarded-For, were
never throttled. Here a real uvicorn, started as `manage.py serve` and as the README's command
line, gets the same attack and must throttle at the per-address limit.
"""

import os
import re
import signal
import subprocess
import sys
import time

import httpx
import pytest

from backend.client_address import UVICORN_FLAGS

from . import live

PER_ADDRESS = 20
SIGN_IN = """mutation S($input: SessionSignInInput!) {
  sessionSignIn(input: $input) { errors { code } }
}"""
pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    return live.migrated_sqlite(tmp_path_factory.mktemp("forwarded"))


def _env(database_url: str, tmp_path) -> dict:
    static = tmp_path / "static"
    static.mkdir(exist_ok=True)
    return live.base_env(
        DATABASE_URL=database_url,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        STATIC_ROOT=str(static),
        TRUSTED_PROXY_COUNT="0",
        SIGN_IN_THROTTLE_PER_ADDRESS=str(PER_ADDRESS),
        SIGN_IN_THROTTLE_WINDOW_SECONDS=str(WINDOW_SECONDS),
    )


def _serve(command: list[str], env: dict, port: int):
    process = subprocess.Popen(  # noqa: S603 (our own server)
        command, cwd=live.ROOT, env=env, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.3)
        if process.poll() is not None:
            raise AssertionError(f"the server exited with {process.returncode}")
    _stop(process)
    raise AssertionError("the server did not come up")


def _stop(process):
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


WINDOW_SECONDS = 15 * 60


def _clear_of_a_window_boundary(needed_seconds: int = 90) -> None:
    """Sign-in limits count in fixed windows of the wall clock; attempts that straddle a
    boundary are counted in two windows and never reach the limit (seen in CI at 20:00 UTC).
    Wait for the next window when too little of this one is left."""
    left = WINDOW_SECONDS - time.time() % WINDOW_SECONDS
    if left < needed_seconds:
        time.sleep(left + 1)


def _spoofed_failures(port: int, attempts: int) -> list[str]:
    _clear_of_a_window_boundary()
    codes = []
    for n in range(attempts):
        response = httpx.post(
            f"http://127.0.0.1:{port}/graphql/",
            json={
                "query": SIGN_IN,
                "variables": {
                    "input": {"email": f"n{n}@example.org", "password": "x" * 12, "deviceName": "p"}
                },
            },
            headers={"Accept": "application/json", "X-Forwarded-For": f"10.0.{n}.{n + 1}"},
            timeout=30,
        )
        codes.append(response.json()["data"]["sessionSignIn"]["errors"][0]["code"])
    return codes


def _assert_throttled_at_the_real_address(codes: list[str]) -> None:
    assert codes[:PER_ADDRESS] == ["INVALID_CREDENTIALS"] * PER_ADDRESS
    assert codes[PER_ADDRESS:] == ["TOO_MANY_ATTEMPTS"] * (len(codes) - PER_ADDRESS)


def test_manage_py_serve_does_not_believe_a_spoofed_forwarded_for(database, tmp_path):
    port = live.free_port()
    command = [sys.executable, "manage.py", "serve", "--port", str(port), "--no-worker"]
    server = _serve(command, _env(database, tmp_path), port)
    try:
        codes = _spoofed_failures(port, 24)
    finally:
        _stop(server)

    _assert_throttled_at_the_real_address(codes)


def test_the_documented_uvicorn_command_does_not_believe_a_spoofed_forwarded_for(
    database, tmp_path
):
    port = live.free_port()
    command = [
        sys.executable, "-m", "uvicorn", "backend.asgi:application",
        "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
        *UVICORN_FLAGS, "--lifespan", "off",
    ]  # fmt: skip
    server = _serve(command, _env(database, tmp_path), port)
    try:
        codes = _spoofed_failures(port, 24)
    finally:
        _stop(server)

    _assert_throttled_at_the_real_address(codes)


def test_the_readme_serving_command_carries_the_same_flags():
    readme = (live.ROOT / "README.md").read_text()
    commands = re.findall(r"`[^`]*uvicorn backend\.asgi:application[^`]*`", readme)

    assert commands, "the README documents no uvicorn command"
    for command in commands:
        assert all(flag in command.split() for flag in UVICORN_FLAGS), command
        assert "--proxy-headers" not in command.split(), command
