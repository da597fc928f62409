from datetime import UTC, datetime, timedelta

import pytest

from observations.models import Visit
from tests.conftest import error_codes, top_level_codes
from tests.factories import DistrictFactory, SchoolFactory, TeacherFactory
from tests.observations.conftest import gid
from tests.observations.factories import visit as make_visit
from tests.observations.operations import (
    ACCEPT,
    CANCEL,
    COMPLETE,
    DECLINE,
    PROPOSE,
    RESCHEDULE,
    UPDATE_PLAN,
)

pytestmark = pytest.mark.django_db


def when(start="09:00", day="2026-03-03", minutes=45):
    return {"date": day, "startTime": start, "minutes": minutes}


def propose(api, host, **extra):
    variables = {
        "input": {"hostId": gid("Person", host), "when": when(), "cycleNumber": 1, **extra}
    }
    return api.data(PROPOSE, variables)["proposeVisit"]


def test_a_visitor_proposes_from_the_phone(api_for, host, visitor, cohort, slq, tool):
    payload = propose(
        api_for(visitor),
        host,
        slqId=gid("StudentLearningQuestion", slq),
        toolId=gid("Tool", tool),
        room="4B",
        notes="I will sit at the back.",
    )

    assert payload["errors"] == []
    visit = payload["visit"]
    assert {k: visit[k] for k in ("status", "startsAt", "startsAtLocal", "endsAtLocal")} == {
        "status": "PROPOSED",
        "startsAt": "2026-03-03T15:00:00+00:00",
        "startsAtLocal": "2026-03-03T09:00:00-06:00",
        "endsAtLocal": "2026-03-03T09:45:00-06:00",
    }
    assert (visit["timeZone"], visit["minutes"], visit["myRole"]) == (
        "America/Chicago",
        45,
        "VISITOR",
    )
    assert (visit["host"], visit["visitors"]) == (
        {"fullName": "Hana Host"},
        [{"fullName": "Victor Visitor"}],
    )
    assert visit["slq"] == {"question": slq.question}
    assert visit["tool"] == {"name": tool.name, "kind": "TALLY"}
    assert visit["cohortId"] == gid("Cohort", cohort)


def test_refusals_come_back_as_typed_errors_with_fields(api_for, host, visitor, outsider):
    propose(api_for(visitor), host)

    double = propose(api_for(outsider), host)
    gap = api_for(outsider).data(
        PROPOSE,
        {
            "input": {
                "hostId": gid("Person", host),
                "when": when("02:30", "2026-03-08"),
                "cycleNumber": 1,
            }
        },
    )["proposeVisit"]

    assert double["visit"] is None
    assert [(e["field"], e["code"]) for e in double["errors"]] == [("when", "DOUBLE_BOOKED")]
    assert double["errors"][0]["message"] == "Hana Host already has a visit at that time."
    assert [(e["field"], e["code"]) for e in gap["errors"]] == [
        ("when.startTime", "NONEXISTENT_LOCAL_TIME")
    ]
    assert Visit.objects.count() == 1


def test_host_ids_are_checked(api_for, visitor, school):
    far_away = TeacherFactory(school=SchoolFactory(district=DistrictFactory()))

    assert error_codes(propose(api_for(visitor), far_away)) == ["NOT_FOUND"]
    wrong_type = api_for(visitor).data(
        PROPOSE, {"input": {"hostId": gid("School", school), "when": when(), "cycleNumber": 1}}
    )["proposeVisit"]
    assert [(e["field"], e["code"]) for e in wrong_type["errors"]] == [("hostId", "INVALID_ID")]


def test_signing_in_is_required(api, host):
    body = api.post_graphql(
        PROPOSE, {"input": {"hostId": gid("Person", host), "when": when(), "cycleNumber": 1}}
    )

    assert top_level_codes(body) == ["UNAUTHENTICATED"]


def test_the_host_accepts_then_moves_it_and_the_visitor_cancels(api_for, host, visitor):
    visit_id = propose(api_for(visitor), host)["visit"]["id"]

    accepted = api_for(host).data(ACCEPT, {"input": {"visitId": visit_id}})["acceptVisit"]
    moved = api_for(host).data(
        RESCHEDULE,
        {"input": {"visitId": visit_id, "when": when("10:00"), "reason": "Test", "room": "Lab"}},
    )["rescheduleVisit"]
    cancelled = api_for(visitor).data(CANCEL, {"input": {"visitId": visit_id, "reason": "Sick"}})[
        "cancelVisit"
    ]

    assert (accepted["errors"], accepted["visit"]["status"], accepted["visit"]["myRole"]) == (
        [],
        "ACCEPTED",
        "HOST",
    )
    assert (moved["visit"]["status"], moved["visit"]["startsAtLocal"], moved["visit"]["room"]) == (
        "ACCEPTED",
        "2026-03-03T10:00:00-06:00",
        "Lab",
    )
    assert (cancelled["visit"]["status"], cancelled["visit"]["statusReason"]) == (
        "CANCELLED",
        "Sick",
    )
    assert cancelled["visit"]["revision"] == 4


def test_declining_needs_a_reason(api_for, host, visitor):
    visit_id = propose(api_for(visitor), host)["visit"]["id"]

    empty = api_for(host).data(DECLINE, {"input": {"visitId": visit_id, "reason": ""}})
    declined = api_for(host).data(DECLINE, {"input": {"visitId": visit_id, "reason": "Exam"}})

    assert [(e["field"], e["code"]) for e in empty["declineVisit"]["errors"]] == [
        ("reason", "REASON_REQUIRED")
    ]
    assert declined["declineVisit"]["visit"]["status"] == "DECLINED"


def test_wrong_person_and_wrong_state_are_typed(api_for, host, visitor):
    visit_id = propose(api_for(visitor), host)["visit"]["id"]

    by_visitor = api_for(visitor).data(ACCEPT, {"input": {"visitId": visit_id}})["acceptVisit"]
    not_started = api_for(host).data(COMPLETE, {"input": {"visitId": visit_id}})["completeVisit"]

    assert [(e["field"], e["code"]) for e in by_visitor["errors"]] == [
        ("visitId", "NOT_VISIT_HOST")
    ]
    assert error_codes(not_started) == ["INVALID_TRANSITION"]


def test_a_leader_who_sees_the_summary_is_not_a_participant(api_for, host, visitor, leader, cohort):
    visit = make_visit(host=host, visitor=visitor, cohort=cohort)

    payload = api_for(leader).data(
        CANCEL, {"input": {"visitId": gid("VisitSummary", visit), "reason": "Mine"}}
    )["cancelVisit"]

    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        ("visitId", "NOT_VISIT_PARTICIPANT")
    ]


def test_people_who_may_not_know_of_a_visit_get_not_found(api_for, host, visitor, outsider):
    visit = make_visit(host=host, visitor=visitor)
    other_district = TeacherFactory(school=SchoolFactory(district=DistrictFactory()))

    for person in (outsider, other_district):
        payload = api_for(person).data(ACCEPT, {"input": {"visitId": gid("Visit", visit)}})
        assert [(e["field"], e["code"]) for e in payload["acceptVisit"]["errors"]] == [
            ("visitId", "NOT_FOUND")
        ]


def test_completing_after_the_start(api_for, host, visitor, frozen_time):
    visit = make_visit(host=host, visitor=visitor, starts_at=datetime(2026, 3, 3, 15, tzinfo=UTC))
    frozen_time.move_to(visit.starts_at + timedelta(minutes=40))

    payload = api_for(visitor).data(COMPLETE, {"input": {"visitId": gid("Visit", visit)}})

    assert payload["completeVisit"]["visit"]["status"] == "COMPLETED"


def test_the_plan_is_set_by_either_side(api_for, host, visitor, slq, tool):
    visit_id = propose(api_for(visitor), host)["visit"]["id"]

    payload = api_for(visitor).data(
        UPDATE_PLAN,
        {
            "input": {
                "visitId": visit_id,
                "slqId": gid("StudentLearningQuestion", slq),
                "toolId": gid("Tool", tool),
                "notes": "Focus on table 3",
            }
        },
    )["updateVisitPlan"]

    assert payload["errors"] == []
    assert (payload["visit"]["slq"]["question"], payload["visit"]["tool"]["name"]) == (
        slq.question,
        tool.name,
    )
    assert payload["visit"]["notes"] == "Focus on table 3"
    # The host now sees the visitor's private tool through the visit.
    host_view = api_for(host).data(UPDATE_PLAN, {"input": {"visitId": visit_id, "room": "5"}})
    assert host_view["updateVisitPlan"]["visit"]["tool"]["name"] == tool.name
