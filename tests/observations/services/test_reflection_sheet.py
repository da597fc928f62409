import uuid
from datetime import UTC, datetime, timedelta

import pytest

from notifications.models import Kind, Notification, Status
from observations.models import StudentLearningQuestion, VisitStatus
from observations.services.data import EntryInput, observation_data_submit
from observations.services.reflections import reflection_sheet_share, reflection_sheet_write
from observations.services.slqs import slq_update
from observations.services.visits import visit_accept, visit_propose
from tests.observations.conftest import at, refused

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 3, 15, 0, tzinfo=UTC)


@pytest.fixture
def visit(host, visitor, slq, tool, frozen_time):
    visit = visit_propose(actor=visitor, host=host, when=at(9), cycle_number=1, slq=slq, tool=tool)
    visit = visit_accept(actor=host, visit=visit)
    frozen_time.move_to(START + timedelta(minutes=20))
    payload = {"at": 30, "category": "asks-peer", "group": "g2"}
    observation_data_submit(
        actor=visitor, visit=visit, entries=[EntryInput(uuid.uuid4(), START, payload)]
    )
    frozen_time.move_to(START + timedelta(hours=3))
    return visit


def write(actor, visit, keeps_slq=True, **texts):
    texts = {"considerations": "Group 2 asks most.", "next_steps": "Sentence starters."} | texts
    return reflection_sheet_write(actor=actor, visit=visit, keeps_slq=keeps_slq, **texts)


def test_the_visitor_writes_the_sheet_with_the_slq_and_data_summary(visit, visitor, host, slq):
    sheet = write(visitor, visit)

    assert (sheet.host, sheet.facilitator, sheet.cycle_number) == (host, visitor, 1)
    assert (sheet.slq_area_of_focus, sheet.slq_question) == (slq.area_of_focus, slq.question)
    assert sheet.data_summary["per_group"] == {"g1": 0, "g2": 1}
    visit.refresh_from_db()
    assert visit.status == VisitStatus.COMPLETED
    reminder = Notification.objects.get(kind=Kind.REFLECTION_DUE)
    assert reminder.status == Status.CANCELLED


def test_the_sheet_keeps_the_wording_it_was_written_with(visit, visitor, host, slq):
    sheet = write(visitor, visit)

    slq_update(actor=host, slq=slq, question="Who asks whom, and why?")

    sheet.refresh_from_db()
    assert sheet.slq_question == "Which students ask questions during group work?"


def test_the_host_can_revise_it_and_it_stays_one_sheet(visit, visitor, host):
    first = write(visitor, visit)

    revised = write(host, visit, next_steps="Try talk partners.")

    assert revised.pk == first.pk
    assert (revised.next_steps, revised.facilitator) == ("Try talk partners.", visitor)


def test_not_keeping_the_slq_retires_it_and_keeping_it_again_restores_it(visit, visitor, host, slq):
    write(visitor, visit, keeps_slq=False)
    slq.refresh_from_db()
    assert slq.is_retired
    assert refused(
        visit_propose,
        actor=visitor,
        host=host,
        when=at(9, day=START.date() + timedelta(days=7)),
        cycle_number=2,
        slq=slq,
    ) == [("slqId", "SLQ_RETIRED")]

    write(visitor, visit, keeps_slq=True)

    slq.refresh_from_db()
    assert not slq.is_retired


def test_the_sheet_needs_texts_a_question_and_a_visit_that_happened(
    host, visitor, outsider, visit, tool, frozen_time
):
    assert refused(write, actor=visitor, visit=visit, considerations=" ") == [
        ("considerations", "REQUIRED")
    ]
    assert refused(write, actor=outsider, visit=visit) == [("visitId", "NOT_VISIT_PARTICIPANT")]
    # A host without a current question: a proposal then has none (else it takes the host's).
    StudentLearningQuestion.objects.filter(host=host).update(retired_at=START)
    upcoming = visit_accept(
        actor=host,
        visit=visit_propose(
            actor=visitor,
            host=host,
            when=at(9, day=START.date() + timedelta(days=1)),
            cycle_number=1,
            tool=tool,
        ),
    )
    assert refused(write, actor=visitor, visit=upcoming) == [(None, "VISIT_NOT_STARTED")]
    frozen_time.move_to(START + timedelta(days=1, hours=1))
    assert refused(write, actor=visitor, visit=upcoming) == [("visitId", "NO_SLQ")]


def test_the_host_shares_it_with_the_cohort_and_can_stop(cohort, visit, visitor, host):
    sheet = write(visitor, visit)

    assert refused(reflection_sheet_share, actor=visitor, sheet=sheet, shared=True) == [
        ("reflectionSheetId", "NOT_VISIT_HOST")
    ]
    shared = reflection_sheet_share(actor=host, sheet=sheet, shared=True)
    assert shared.shared_with_cohort and shared.shared_at is not None
    unshared = reflection_sheet_share(actor=host, sheet=sheet, shared=False)
    assert not unshared.shared_with_cohort and unshared.shared_at is None


def test_without_a_cohort_there_is_no_one_to_share_with(visit, visitor, host):
    sheet = write(visitor, visit)

    assert refused(reflection_sheet_share, actor=host, sheet=sheet, shared=True) == [
        ("reflectionSheetId", "NO_COHORT")
    ]
