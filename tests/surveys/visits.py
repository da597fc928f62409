"""Visits that happened: what makes a peer one the leader "visited" (peer feedback audiences)."""

import itertools
from datetime import UTC, datetime, timedelta

from observations.models import VisitStatus
from tests.observations.factories import visit

# Every visit gets its own day, so no two of one visitor's visits overlap (PostgreSQL refuses a
# double booking).
_DAYS = itertools.count()


def visited(visitor, hosts, *, status=VisitStatus.COMPLETED) -> list:
    """One visit by `visitor` to each host, each on a day of its own in the past."""
    first = datetime(2024, 9, 2, 14, 0, tzinfo=UTC)
    return [
        visit(host=host, visitor=visitor, status=status, starts_at=first + timedelta(next(_DAYS)))
        for host in hosts
    ]
