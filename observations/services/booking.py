"""Nobody is in two visits at once.

Each participant row carries the visit's range and whether the visit is active. The service
checks for overlaps first (to name who is busy, and as the whole rule on SQLite, whose writers
are serialised by IMMEDIATE transactions); on PostgreSQL the exclusion constraint
`visit_participant_no_double_booking` (migration 0002) is the guarantee under concurrency, and
its violation becomes the same DOUBLE_BOOKED error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ..models import ACTIVE_STATUSES, Visit, VisitParticipant
from ..selectors import busy_ranges

EXCLUSION_CONSTRAINT = "visit_participant_no_double_booking"


def _double_booked(name: str | None) -> ValidationError:
    if name:
        message = ValidationError(
            "%(name)s already has a visit at that time.",
            code="DOUBLE_BOOKED",
            params={"name": name},
        )
    else:
        message = ValidationError(
            "Someone in this visit already has a visit at that time.", code="DOUBLE_BOOKED"
        )
    return ValidationError({"when": message})


def ensure_free(people: Iterable, *, starts_at, ends_at, exclude_visit_id=None) -> None:
    """DOUBLE_BOOKED naming the first person with an active visit overlapping the range."""
    people = list(people)
    busy = busy_ranges(people, start=starts_at, end=ends_at, exclude_visit_id=exclude_visit_id)
    if busy:
        busy_ids = {person_id for person_id, _, _ in busy}
        person = next(p for p in people if p.pk in busy_ids)
        raise _double_booked(person.full_name)


def _is_exclusion_violation(exc: IntegrityError) -> bool:
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) == EXCLUSION_CONSTRAINT


@contextmanager
def booking_guard(recheck: Callable[[], None]):
    """Run the writes of participant rows in a savepoint; a lost race on PostgreSQL becomes
    DOUBLE_BOOKED. `recheck` runs the overlap check again (the winner has committed by then,
    so it can name who is busy)."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        if not _is_exclusion_violation(exc):
            raise
        recheck()
        raise _double_booked(None) from exc


def book(visit: Visit, people_roles: list[tuple[object, str]]) -> None:
    """Create the participant rows of a new visit."""
    VisitParticipant.objects.bulk_create(
        [
            VisitParticipant(
                visit=visit,
                person=person,
                role=role,
                starts_at=visit.starts_at,
                ends_at=visit.ends_at,
                is_active=visit.status in ACTIVE_STATUSES,
            )
            for person, role in people_roles
        ]
    )


def sync(visit: Visit) -> None:
    """Copy the visit's range and activity to its participant rows."""
    VisitParticipant.objects.filter(visit=visit).update(
        starts_at=visit.starts_at,
        ends_at=visit.ends_at,
        is_active=visit.status in ACTIVE_STATUSES,
    )
