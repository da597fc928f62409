"""Double-booking under concurrency, enforced by PostgreSQL's exclusion constraint.

Two phones propose overlapping visits for the same host at the same moment: exactly one wins,
the other gets DOUBLE_BOOKED. On SQLite writers are serialised (IMMEDIATE transactions), so
the service's own check is the whole rule there; these tests need PostgreSQL.
"""

import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from backend.graphql.mutations import errors_from_validation
from observations.graphql.errors import ObservationErrorCode
from observations.models import ObservationEntry, Visit, VisitParticipant, VisitRole
from observations.services import booking
from observations.services.booking import EXCLUSION_CONSTRAINT
from observations.services.data import EntryInput, observation_data_submit
from observations.services.visits import visit_propose
from tests.conftest import postgres_only
from tests.observations.conftest import at
from tests.observations.factories import visit as make_visit

pytestmark = [pytest.mark.postgres, postgres_only, pytest.mark.django_db(transaction=True)]


def race(*calls):
    """Run the calls at the same moment in threads; each result is "ok" or its error codes."""
    start = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            start.wait(timeout=10)
            call()
            results[index] = "ok"
        except ValidationError as exc:
            results[index] = [
                (row["field"], row["code"].name)
                for row in errors_from_validation(exc, ObservationErrorCode)
            ]
        except Exception as exc:  # surfaced in the assertion
            results[index] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def propose(visitor, host, hour):
    return lambda: visit_propose(actor=visitor, host=host, when=at(hour), cycle_number=1)


def test_two_visitors_proposing_the_same_time_one_wins(host, visitor, outsider):
    results = race(propose(visitor, host, 9), propose(outsider, host, 9))

    assert sorted(results, key=str) == sorted(["ok", [("when", "DOUBLE_BOOKED")]], key=str)
    assert Visit.objects.count() == 1


def test_the_database_decides_when_both_pass_the_check(host, visitor, outsider, monkeypatch):
    # Hold both requests after the service's own check until both have made it, so the
    # exclusion constraint is what refuses the loser.
    checked = threading.Barrier(2)
    original = booking.ensure_free
    first_call = threading.local()

    def check_then_wait(people, **kwargs):
        original(people, **kwargs)
        if not getattr(first_call, "done", False):
            first_call.done = True
            checked.wait(timeout=10)

    monkeypatch.setattr(booking, "ensure_free", check_then_wait)
    violations = []
    is_violation = booking._is_exclusion_violation
    monkeypatch.setattr(
        booking, "_is_exclusion_violation", lambda exc: violations.append(exc) or is_violation(exc)
    )

    results = race(propose(visitor, host, 9), propose(outsider, host, 9))

    assert sorted(results, key=str) == sorted(["ok", [("when", "DOUBLE_BOOKED")]], key=str)
    assert len(violations) == 1  # the loser was stopped by the constraint, not the check
    assert Visit.objects.count() == 1
    assert VisitParticipant.objects.count() == 2


def test_the_constraint_covers_active_rows_only(host, visitor, outsider):
    start = datetime(2026, 3, 3, 15, tzinfo=UTC)
    first = make_visit(host=host, visitor=visitor, starts_at=start)

    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        make_visit(host=host, visitor=outsider, starts_at=start + timedelta(minutes=30))
    assert caught.value.__cause__.diag.constraint_name == EXCLUSION_CONSTRAINT

    VisitParticipant.objects.filter(visit=first).update(is_active=False)
    make_visit(host=host, visitor=outsider, starts_at=start + timedelta(minutes=30))
    # Touching ranges do not overlap: [start, end).
    make_visit(host=host, visitor=visitor, starts_at=start + timedelta(minutes=75))


def test_the_same_entry_sent_twice_at_once_is_stored_once(host, visitor, tool, frozen_time):
    start = datetime(2026, 3, 3, 15, tzinfo=UTC)
    visit = make_visit(host=host, visitor=visitor, tool=tool, starts_at=start)
    frozen_time.move_to(start + timedelta(minutes=5))
    entry = EntryInput(uuid.uuid4(), start, {"at": 1, "category": "asks-peer", "group": "g1"})

    def send():
        return observation_data_submit(actor=visitor, visit=visit, entries=[entry])

    assert race(send, send) == ["ok", "ok"]
    assert ObservationEntry.objects.count() == 1


def test_a_deadlock_between_two_bookings_makes_one_of_them_double_booked(host, visitor):
    # Each request writes one person's row, then the other's: each waits for the other's
    # uncommitted row and PostgreSQL fails one of them to break the deadlock. That loser
    # must hear DOUBLE_BOOKED, not a server error.
    start = datetime(2026, 3, 3, 15, tzinfo=UTC)
    first = make_visit(host=host, visitor=visitor, starts_at=start)
    second = make_visit(host=host, visitor=visitor, starts_at=start + timedelta(days=1))
    VisitParticipant.objects.all().delete()
    halfway = threading.Barrier(2)

    def write(visit, people):
        def call():
            with transaction.atomic(), booking.booking_guard(lambda: None):
                for person in people:
                    VisitParticipant.objects.create(
                        visit=visit,
                        person=person,
                        role=VisitRole.HOST if person == host else VisitRole.VISITOR,
                        starts_at=start,
                        ends_at=start + timedelta(hours=1),
                        is_active=True,
                    )
                    if person == people[0]:
                        halfway.wait(timeout=10)

        return call

    results = race(write(first, [host, visitor]), write(second, [visitor, host]))

    assert sorted(results, key=str) == sorted(["ok", [("when", "DOUBLE_BOOKED")]], key=str)
    assert VisitParticipant.objects.count() == 2


def test_proposals_racing_without_a_cycle_number_agree_on_the_hosts_next_cycle(
    host, visitor, outsider, slq
):
    # Given the host's cycle 1 reflected, and two visitors proposing at once without a cycle
    from observations.models import ReflectionSheet

    done = make_visit(host=host, visitor=outsider, cycle_number=1, slq=slq, status="COMPLETED")
    ReflectionSheet.objects.create(
        visit=done,
        host=host,
        facilitator=outsider,
        cycle_number=1,
        slq=slq,
        slq_area_of_focus=slq.area_of_focus,
        slq_question=slq.question,
        considerations="c",
        next_steps="n",
        keeps_slq=True,
    )

    def derive(person, hour):
        return lambda: visit_propose(actor=person, host=host, when=at(hour))

    # When they race (the host's row lock puts one after the other)
    results = race(derive(visitor, 9), derive(outsider, 11))

    # Then both visits open cycle 2: neither reads a half-made state
    assert results == ["ok", "ok"]
    new = Visit.objects.exclude(pk=done.pk)
    assert sorted(new.values_list("cycle_number", flat=True)) == [2, 2]


def test_a_reflection_sheet_and_a_derived_proposal_racing_both_go_through(
    host, visitor, outsider, slq, frozen_time
):
    # Given cycle 1 under way (a visit that happened, no sheet yet)
    from observations.services.reflections import reflection_sheet_write

    done = make_visit(
        host=host,
        visitor=visitor,
        cycle_number=1,
        slq=slq,
        starts_at=datetime(2026, 3, 2, 14, tzinfo=UTC),
    )
    frozen_time.move_to(datetime(2026, 3, 2, 16, tzinfo=UTC))

    # When the sheet is written while another visitor proposes without a cycle
    results = race(
        lambda: reflection_sheet_write(
            actor=visitor, visit=done, considerations="c", next_steps="n", keeps_slq=True
        ),
        lambda: visit_propose(actor=outsider, host=host, when=at(9)),
    )

    # Then both go through (the host's row lock orders them; no deadlock between the visit's
    # lock and the host's)
    assert results == ["ok", "ok"]
