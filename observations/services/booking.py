"""Nobody is in two visits at once.

Each participant row carries the visit's range and whether the visit is active. The service
checks for overlaps first (to name who is busy, and as the whole rule on SQLite, whose writers
are serialised by IMMEDIATE transactions); on PostgreSQL the exclusion constraint
`visit_participant_no_double_booking` (migration 0002) is the guarantee under concurrency, and
its violation becomes the same DOUBLE_BOOKED error. Two inserts that conflict with each other
can also both reach the constraint check before either finishes; PostgreSQL then breaks the
deadlock by failing one of them (SQLSTATE 40P01), and that loser is double-booked too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from backend.accounts.models import User
from observations.errors import ObservationError

from ..models import ACTIVE_STATUSES, Visit, VisitParticipant
from ..selectors import busy_ranges

EXCLUSION_CONSTRAINT = "visit_participant_no_double_booking"
DEADLOCK_DETECTED = "40P01"


def _double_booked(name: str | None) -> ValidationError:
    if name:
        message = ValidationError(
            "%(name)s already has a visit at that time.",
            code=ObservationError.DOUBLE_BOOKED,
            params={"name": name},
        )
    else:
        message = ValidationError(
            "Someone in this visit already has a visit at that time.",
            code=ObservationError.DOUBLE_BOOKED,
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


def _is_exclusion_violation(exc: DatabaseError) -> bool:
    """The constraint refused the row, or PostgreSQL broke a deadlock between two requests
    that were each waiting for the other's conflicting participant row."""
    cause = exc.__cause__
    diag = getattr(cause, "diag", None)
    if getattr(diag, "constraint_name", None) == EXCLUSION_CONSTRAINT:
        return True
    context = getattr(diag, "context", None) or ""
    return (
        getattr(cause, "sqlstate", None) == DEADLOCK_DETECTED
        and "exclusion constraint" in context
        and VisitParticipant._meta.db_table in context
    )


@contextmanager
def booking_guard(recheck: Callable[[], None]):
    """Run the writes of participant rows in a savepoint; a lost race on PostgreSQL becomes
    DOUBLE_BOOKED. `recheck` runs the overlap check again (the winner has committed by then,
    so it can name who is busy)."""
    try:
        with transaction.atomic():
            yield
    except DatabaseError as exc:  # IntegrityError, or OperationalError for a deadlock
        if not _is_exclusion_violation(exc):
            raise
        recheck()
        raise _double_booked(None) from exc


def book(visit: Visit, people_roles: list[tuple[User, str]]) -> None:
    """Create the participant rows of a new visit, in person order so that two requests
    booking the same people take their index entries in the same order."""
    people_roles = sorted(people_roles, key=lambda pair: pair[0].pk)
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
