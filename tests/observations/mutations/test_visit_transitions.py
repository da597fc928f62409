from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import error_codes
from tests.factories import DistrictFactory, SchoolFactory, TeacherFactory
from tests.observations.conftest import gid
from tests.observations.factories import visit as make_visit
from tests.observations.operations import (
    ACCEPT,
    CANCEL,
    COMPLETE,
    DECLINE,
    RESCHEDULE,
    propose,
    when,
)

pytestmark = pytest.mark.django_db


def test_the_host_accepts_then_moves_it_and_the_visitor_cancels(api_for, host, visitor):
    visit_id = propose(api_for(visitor), host)["visit"]["id"]

    accepted = api_for(host).data(ACCEPT, {"input": {"visitId": visit_id}})["visitAccept"]
    moved = api_for(host).data(
        RESCHEDULE,
        {"input": {"visitId": visit_id, "when": when("10:00"), "reason": "Test", "room": "Lab"}},
    )["visitReschedule"]
    cancelled = api_for(visitor).data(CANCEL, {"input": {"visitId": visit_id, "reason": "Sick"}})[
        "visitCancel"
    ]

    assert (accepted["errors"], accepted["visit"]["status"], accepted["visit"]["myRole"]) == (
        [],
        "ACCEPTED",
        "HOST",
    )
    moved_when = moved["visit"]["when"]
    assert (moved["visit"]["status"], moved_when["date"], moved_when["startTime"]) == (
        "ACCEPTED",
        "2026-03-03",
        "10:00:00",
    )
    assert (moved_when["startsAt"], moved["visit"]["room"]) == ("2026-03-03T16:00:00+00:00", "Lab")
    assert (cancelled["visit"]["status"], cancelled["visit"]["statusReason"]) == (
        "CANCELLED",
        "Sick",
    )
    assert cancelled["visit"]["revision"] == 4


def test_declining_needs_a_reason(api_for, host, visitor):
    visit_id = propose(api_for(visitor), host)["visit"]["id"]

    empty = api_for(host).data(DECLINE, {"input": {"visitId": visit_id, "reason": ""}})
    declined = api_for(host).data(DECLINE, {"input": {"visitId": visit_id, "reason": "Exam"}})

    assert [(e["field"], e["code"]) for e in empty["visitDecline"]["errors"]] == [
        ("reason", "REASON_REQUIRED")
    ]
    assert declined["visitDecline"]["visit"]["status"] == "DECLINED"


def test_wrong_person_and_wrong_state_are_typed(api_for, host, visitor):
    visit_id = propose(api_for(visitor), host)["visit"]["id"]

    by_visitor = api_for(visitor).data(ACCEPT, {"input": {"visitId": visit_id}})["visitAccept"]
    not_started = api_for(host).data(COMPLETE, {"input": {"visitId": visit_id}})["visitComplete"]

    assert [(e["field"], e["code"]) for e in by_visitor["errors"]] == [
        ("visitId", "NOT_VISIT_HOST")
    ]
    assert error_codes(not_started) == ["INVALID_TRANSITION"]


def test_a_leader_who_sees_the_summary_is_not_a_participant(api_for, host, visitor, leader, cohort):
    visit = make_visit(host=host, visitor=visitor, cohort=cohort)

    payload = api_for(leader).data(
        CANCEL, {"input": {"visitId": gid("VisitSummary", visit), "reason": "Mine"}}
    )["visitCancel"]

    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        ("visitId", "NOT_VISIT_PARTICIPANT")
    ]


def test_people_who_may_not_know_of_a_visit_get_not_found(api_for, host, visitor, outsider):
    visit = make_visit(host=host, visitor=visitor)
    other_district = TeacherFactory(school=SchoolFactory(district=DistrictFactory()))

    for person in (outsider, other_district):
        payload = api_for(person).data(ACCEPT, {"input": {"visitId": gid("Visit", visit)}})
        assert [(e["field"], e["code"]) for e in payload["visitAccept"]["errors"]] == [
            ("visitId", "NOT_FOUND")
        ]


def test_completing_after_the_start(api_for, host, visitor, frozen_time):
    visit = make_visit(host=host, visitor=visitor, starts_at=datetime(2026, 3, 3, 15, tzinfo=UTC))
    frozen_time.move_to(visit.starts_at + timedelta(minutes=40))

    payload = api_for(visitor).data(COMPLETE, {"input": {"visitId": gid("Visit", visit)}})

    assert payload["visitComplete"]["visit"]["status"] == "COMPLETED"
