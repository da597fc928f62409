"""Shared fixtures: a memory push back-end, a courier, and a frozen school day."""

from datetime import UTC, datetime

import pytest

from notifications.delivery import Courier
from notifications.push import MemoryBackend

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
