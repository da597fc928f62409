import uuid
from datetime import UTC, datetime, timedelta

import pytest

from notifications.models import Kind, Notification, Status
from observations.models import PeriodKind, VisitParticipant, VisitStatus
from observations.services.data import EntryInput, observation_data_submit
from observations.services.reflections import reflection_sheet_write
from observations.services.visits import (
    visit_accept,
    visit_cancel,
    visit_complete,
    visit_decline,
    visit_plan_update,
    visit_propose,
    visit_reschedule,
)
from tests.observations.conftest import at, refused
from tests.observations.factories import StudentLearningQuestionFactory, ToolFactory, timetable

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 3, 15, 0, tzinfo=UTC)  # Tuesday 09:00 in Chicago


@pytest.fixture
def proposed(host, visitor, slq, tool):
    return visit_propose(actor=visitor, host=host, when=at(9), cycle_number=1, slq=slq, tool=tool)


@pytest.fixture
def accepted(proposed, host):
    return visit_accept(actor=host, visit=proposed)


def pending(kind):
    return set(
        Notification.objects.filter(kind=kind, status=Status.PENDING).values_list(
            "recipient_id", "due_at"
        )
    )


def active(visit):
    return set(VisitParticipant.objects.filter(visit=visit).values_list("is_active", flat=True))


def test_the_host_accepts_and_everyone_gets_reminders(proposed, host, visitor):
    visit = visit_accept(actor=host, visit=proposed)

    assert (visit.status, visit.revision, visit.accepted_at is not None) == ("ACCEPTED", 2, True)
    assert pending(Kind.VISIT_ACCEPTED) == {(visitor.pk, datetime(2026, 3, 2, 14, tzinfo=UTC))}
    day_before, hour_before = START - timedelta(hours=24), START - timedelta(hours=1)
    assert pending(Kind.VISIT_TOMORROW) == {(host.pk, day_before), (visitor.pk, day_before)}
    assert pending(Kind.VISIT_SOON) == {(host.pk, hour_before), (visitor.pk, hour_before)}
    assert pending(Kind.REFLECTION_DUE) == {(visitor.pk, visit.ends_at + timedelta(hours=24))}
    notice = Notification.objects.get(kind=Kind.VISIT_TOMORROW, recipient=visitor)
    assert (notice.target_type, notice.key) == ("Visit", f"visit:{visit.pk}:tomorrow:{visitor.pk}")


def test_reminders_already_due_are_not_written(host, visitor, frozen_time):
    visit = visit_propose(actor=visitor, host=host, when=at(9), cycle_number=1)
    frozen_time.move_to(START - timedelta(minutes=30))

    visit_accept(actor=host, visit=visit)

    assert pending(Kind.VISIT_TOMORROW) == set() and pending(Kind.VISIT_SOON) == set()


def test_only_the_host_accepts(proposed, visitor, outsider):
    assert refused(visit_accept, actor=visitor, visit=proposed) == [("visitId", "NOT_VISIT_HOST")]
    assert refused(visit_accept, actor=outsider, visit=proposed) == [
        ("visitId", "NOT_VISIT_PARTICIPANT")
    ]


def test_a_visit_is_accepted_once(accepted, host):
    assert refused(visit_accept, actor=host, visit=accepted) == [(None, "INVALID_TRANSITION")]


def test_a_proposal_whose_time_passed_cannot_be_accepted(proposed, host, frozen_time):
    frozen_time.move_to(START + timedelta(minutes=1))

    assert refused(visit_accept, actor=host, visit=proposed) == [(None, "STARTS_IN_PAST")]


def test_declining_needs_a_reason_frees_the_time_and_tells_the_visitor(proposed, host, visitor):
    assert refused(visit_decline, actor=host, visit=proposed, reason="  ") == [
        ("reason", "REASON_REQUIRED")
    ]

    visit = visit_decline(actor=host, visit=proposed, reason="Assembly that morning")

    assert (visit.status, visit.status_reason) == ("DECLINED", "Assembly that morning")
    assert active(visit) == {False}
    assert Notification.objects.get(kind=Kind.VISIT_PROPOSED).status == Status.CANCELLED
    assert pending(Kind.VISIT_DECLINED) == {(visitor.pk, datetime(2026, 3, 2, 14, tzinfo=UTC))}
    assert refused(visit_decline, actor=visitor, visit=visit, reason="x") == [
        ("visitId", "NOT_VISIT_HOST")
    ]


def test_either_side_cancels_an_accepted_visit_with_a_reason(accepted, host, visitor):
    assert refused(visit_cancel, actor=visitor, visit=accepted, reason="") == [
        ("reason", "REASON_REQUIRED")
    ]

    visit = visit_cancel(actor=visitor, visit=accepted, reason="Field trip")

    assert (visit.status, visit.closed_at is not None) == ("CANCELLED", True)
    assert active(visit) == {False}
    assert pending(Kind.VISIT_TOMORROW) == pending(Kind.VISIT_SOON) == set()
    assert pending(Kind.REFLECTION_DUE) == set()
    assert pending(Kind.VISIT_CANCELLED) == {(host.pk, datetime(2026, 3, 2, 14, tzinfo=UTC))}
    assert refused(visit_cancel, actor=host, visit=visit, reason="again") == [
        (None, "INVALID_TRANSITION")
    ]


def test_outsiders_cannot_cancel(accepted, outsider):
    assert refused(visit_cancel, actor=outsider, visit=accepted, reason="x") == [
        ("visitId", "NOT_VISIT_PARTICIPANT")
    ]


def test_a_visitor_moving_an_accepted_visit_needs_the_host_again(accepted, host, visitor):
    visit = visit_reschedule(actor=visitor, visit=accepted, when=at(10), reason="Bus duty")

    assert visit.status == VisitStatus.PROPOSED and visit.accepted_at is None
    assert visit.starts_at == START + timedelta(hours=1)
    assert set(VisitParticipant.objects.values_list("starts_at", flat=True)) == {visit.starts_at}
    assert pending(Kind.VISIT_TOMORROW) == set()
    assert {n.recipient_id for n in Notification.objects.filter(kind=Kind.VISIT_RESCHEDULED)} == {
        host.pk
    }
    assert visit_accept(actor=host, visit=visit).status == VisitStatus.ACCEPTED


def test_the_host_moving_an_accepted_visit_keeps_it_accepted_and_moves_reminders(
    accepted, host, visitor
):
    visit = visit_reschedule(
        actor=host, visit=accepted, when=at(13), reason="Test in the morning", room="Lab"
    )

    assert (visit.status, visit.room, visit.status_reason) == (
        "ACCEPTED",
        "Lab",
        "Test in the morning",
    )
    new_start = START + timedelta(hours=4)
    assert pending(Kind.VISIT_SOON) == {
        (host.pk, new_start - timedelta(hours=1)),
        (visitor.pk, new_start - timedelta(hours=1)),
    }
    assert {n.recipient_id for n in Notification.objects.filter(kind=Kind.VISIT_RESCHEDULED)} == {
        visitor.pk
    }


def test_rescheduling_checks_time_teaching_and_bookings(accepted, host, visitor, outsider):
    other = visit_propose(actor=outsider, host=host, when=at(11), cycle_number=1)

    assert refused(visit_reschedule, actor=visitor, visit=accepted, when=at(11), reason="x") == [
        ("when", "DOUBLE_BOOKED")
    ]
    assert refused(visit_reschedule, actor=visitor, visit=accepted, when=at(9), reason="x") == [
        ("when", "UNCHANGED")
    ]
    # Overlapping its own old time is fine.
    assert visit_reschedule(actor=visitor, visit=accepted, when=at(9, 30), reason="x").pk
    timetable(host, (1, "08:00", "10:30", PeriodKind.TEACHING))
    assert refused(visit_reschedule, actor=visitor, visit=accepted, when=at(14), reason="x") == [
        ("when", "HOST_NOT_TEACHING")
    ]
    visit_cancel(actor=outsider, visit=other, reason="x")
    assert refused(visit_reschedule, actor=outsider, visit=other, when=at(12), reason="x") == [
        (None, "INVALID_TRANSITION")
    ]


def test_completing_needs_an_accepted_visit_that_started(accepted, proposed, host, frozen_time):
    assert refused(visit_complete, actor=host, visit=accepted) == [(None, "VISIT_NOT_STARTED")]
    frozen_time.move_to(START + timedelta(minutes=50))

    visit = visit_complete(actor=host, visit=accepted)

    assert visit.status == VisitStatus.COMPLETED
    assert refused(visit_complete, actor=host, visit=visit) == [(None, "INVALID_TRANSITION")]
    assert refused(
        visit_reschedule,
        actor=host,
        visit=visit,
        when=at(9, day=START.date() + timedelta(days=7)),
        reason="x",
    ) == [(None, "INVALID_TRANSITION")]


def test_a_proposed_visit_cannot_be_completed(proposed, host, frozen_time):
    frozen_time.move_to(START + timedelta(minutes=50))

    assert refused(visit_complete, actor=host, visit=proposed) == [(None, "INVALID_TRANSITION")]


def test_the_plan_changes_until_data_or_the_sheet_fix_it(accepted, host, visitor, frozen_time):
    other_tool = ToolFactory(owner=visitor)
    new_slq = StudentLearningQuestionFactory(host=host)

    visit = visit_plan_update(
        actor=host, visit=accepted, tool=other_tool, room="B2", notes="Sit at the back"
    )
    assert (visit.tool, visit.room, visit.notes, visit.revision) == (
        other_tool,
        "B2",
        "Sit at the back",
        3,
    )
    assert refused(
        visit_plan_update, actor=host, visit=visit, slq=StudentLearningQuestionFactory()
    ) == [("slqId", "SLQ_NOT_HOSTS")]

    frozen_time.move_to(START + timedelta(minutes=5))
    observation_data_submit(
        actor=visitor,
        visit=visit,
        entries=[
            EntryInput(uuid.uuid4(), START, {"at": 1, "category": "asks-peer", "group": "g1"})
        ],
    )
    assert refused(visit_plan_update, actor=visitor, visit=visit, tool=accepted.tool) == [
        ("toolId", "TOOL_LOCKED")
    ]
    reflection_sheet_write(
        actor=visitor, visit=visit, considerations="c", next_steps="n", keeps_slq=True
    )
    assert refused(visit_plan_update, actor=visitor, visit=visit, slq=new_slq) == [
        ("slqId", "SLQ_LOCKED")
    ]


def test_a_closed_visits_plan_does_not_change(proposed, host):
    visit = visit_decline(actor=host, visit=proposed, reason="No")

    assert refused(visit_plan_update, actor=host, visit=visit, room="x") == [(None, "VISIT_CLOSED")]
