"""Shared fixtures: a memory push back-end, a courier, a frozen school day, and FCMBackends
wired to a fake FCM server (closed after each test)."""

from datetime import UTC, datetime

import pytest

from notifications.delivery import Courier
from notifications.push import FCMBackend, MemoryBackend
from tests.fakes.fake_fcm import FakeFCMServer

# A Tuesday, 10:00 in Chicago (the factories' school zone): outside default quiet hours.
SCHOOL_DAY = datetime(2026, 5, 12, 15, 0, tzinfo=UTC)


@pytest.fixture
def push():
    return MemoryBackend()


@pytest.fixture
def courier(push):
    return Courier(push, worker_id="test-worker", batch_size=50, random=lambda: 0.5)


@pytest.fixture
def school_day(time_machine):
    """Stop the clock at 10:00 on a school day in Chicago; tests move it on by hand."""
    time_machine.move_to(SCHOOL_DAY, tick=False)
    return SCHOOL_DAY


@pytest.fixture
def fcm():
    with FakeFCMServer(project_id="teacher-app") as server:
        yield server


@pytest.fixture(params=["sdk", "pool"])
def transport(request):
    return request.param


@pytest.fixture
def make_backend(fcm, tmp_path, transport):
    """Build FCMBackends wired to the fake server; all are closed after the test."""
    credentials_file = fcm.write_service_account_file(tmp_path / "service-account.json")
    backends: list[FCMBackend] = []

    def make(**kwargs) -> FCMBackend:
        kwargs.setdefault("fcm_base_url", fcm.base_url)
        kwargs.setdefault("http_timeout", 5.0)
        kwargs.setdefault("transport", transport)
        backend = FCMBackend(credentials_file, **kwargs)
        backends.append(backend)
        return backend

    yield make
    for backend in backends:
        backend.close()
