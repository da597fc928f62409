import pytest

from tests.conftest import top_level_codes
from tests.observations.conftest import gid

pytestmark = pytest.mark.django_db

SET_BELLS = """
mutation B($input: SetBellScheduleInput!) {
  setBellSchedule(input: $input) { bellPeriods { id name startTime endTime } errors { field code } }
}
"""
SET_MINE = """
mutation T($input: SetMyTimetableInput!) {
  setMyTimetable(input: $input) {
    periods { weekday startTime endTime kind label bellPeriod { name } }
    errors { field code }
  }
}
"""
READ = "{ myTimetable { weekday kind startTime } bellSchedule { name } }"
SLOTS = """
query S($hostId: ID!, $from: Date!, $to: Date!) {
  suggestedVisitSlots(hostId: $hostId, from: $from, to: $to, minutes: 45) {
    startsAt startsAtLocal endsAtLocal label
  }
}
"""
PROPOSE = """
mutation P($input: ProposeVisitInput!) { proposeVisit(input: $input) { errors { field code } } }
"""


@pytest.fixture
def bells(api_for, leader):
    payload = api_for(leader).data(
        SET_BELLS,
        {
            "input": {
                "periods": [
                    {"name": "Period 1", "startTime": "08:00", "endTime": "08:50"},
                    {"name": "Period 2", "startTime": "08:55", "endTime": "09:45"},
                ]
            }
        },
    )["setBellSchedule"]
    assert payload["errors"] == []
    return {p["name"]: p["id"] for p in payload["bellPeriods"]}


def test_teachers_record_their_week_on_the_bell_schedule(api_for, host, bells):
    payload = api_for(host).data(
        SET_MINE,
        {
            "input": {
                "periods": [
                    {
                        "weekday": "TUESDAY",
                        "kind": "TEACHING",
                        "bellPeriodId": bells["Period 1"],
                        "label": "Maths",
                    },
                    {"weekday": "TUESDAY", "kind": "FREE", "bellPeriodId": bells["Period 2"]},
                ]
            }
        },
    )["setMyTimetable"]

    assert payload["errors"] == []
    assert payload["periods"][0] == {
        "weekday": "TUESDAY",
        "startTime": "08:00:00",
        "endTime": "08:50:00",
        "kind": "TEACHING",
        "label": "Maths",
        "bellPeriod": {"name": "Period 1"},
    }
    read = api_for(host).data(READ)
    assert [p["kind"] for p in read["myTimetable"]] == ["TEACHING", "FREE"]
    assert [b["name"] for b in read["bellSchedule"]] == ["Period 1", "Period 2"]


def test_overlapping_periods_are_named(api_for, host):
    payload = api_for(host).data(
        SET_MINE,
        {
            "input": {
                "periods": [
                    {
                        "weekday": "MONDAY",
                        "kind": "TEACHING",
                        "startTime": "08:00",
                        "endTime": "09:00",
                    },
                    {"weekday": "MONDAY", "kind": "FREE", "startTime": "08:30", "endTime": "09:30"},
                ]
            }
        },
    )["setMyTimetable"]

    assert payload["errors"] == [{"field": "periods.1", "code": "OVERLAPPING_PERIODS"}]


def test_only_teacher_leaders_set_the_bell_schedule(api_for, teacher):
    body = api_for(teacher).post_graphql(SET_BELLS, {"input": {"periods": []}})

    assert top_level_codes(body) == ["FORBIDDEN"]


def test_slots_are_suggested_and_the_host_timetable_is_enforced(api_for, host, visitor, bells):
    api_for(host).data(
        SET_MINE,
        {
            "input": {
                "periods": [
                    {
                        "weekday": "TUESDAY",
                        "kind": "TEACHING",
                        "bellPeriodId": bells["Period 1"],
                        "label": "Maths",
                    },
                    {"weekday": "TUESDAY", "kind": "FREE", "bellPeriodId": bells["Period 2"]},
                ]
            }
        },
    )
    host_id = gid("Person", host)

    slots = api_for(visitor).data(
        SLOTS, {"hostId": host_id, "from": "2026-03-02", "to": "2026-03-06"}
    )

    assert slots["suggestedVisitSlots"] == [
        {
            "startsAt": "2026-03-03T14:00:00+00:00",
            "startsAtLocal": "2026-03-03T08:00:00-06:00",
            "endsAtLocal": "2026-03-03T08:45:00-06:00",
            "label": "Maths",
        }
    ]
    refused = api_for(visitor).data(
        PROPOSE,
        {
            "input": {
                "hostId": host_id,
                "cycleNumber": 1,
                "when": {"date": "2026-03-03", "startTime": "09:00", "minutes": 30},
            }
        },
    )
    assert refused["proposeVisit"]["errors"] == [{"field": "when", "code": "HOST_NOT_TEACHING"}]


def test_slot_arguments_are_checked(api_for, host, visitor):
    body = api_for(visitor).post_graphql(
        SLOTS, {"hostId": gid("Person", host), "from": "2026-03-02", "to": "2026-05-06"}
    )

    assert top_level_codes(body) == ["BAD_USER_INPUT"]
