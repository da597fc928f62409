import pytest

from tests.conftest import top_level_codes
from tests.observations.conftest import gid
from tests.observations.operations import SET_MINE

pytestmark = pytest.mark.django_db

SLOTS = """
query S($hostId: ID!, $from: Date!, $to: Date!) {
  suggestedVisitSlots(hostId: $hostId, from: $from, to: $to, minutes: 45) {
    when { startsAt endsAt timeZone date startTime endTime minutes } label
  }
}
"""
PROPOSE = """
mutation P($input: VisitProposeInput!) {
  visitPropose(input: $input) {
    visit { cycleNumber when { startsAt date startTime minutes } } errors { field code }
  }
}
"""


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
            "when": {
                "startsAt": "2026-03-03T14:00:00+00:00",
                "endsAt": "2026-03-03T14:45:00+00:00",
                "timeZone": "America/Chicago",
                "date": "2026-03-03",
                "startTime": "08:00:00",
                "endTime": "08:45:00",
                "minutes": 45,
            },
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
    assert refused["visitPropose"]["errors"] == [{"field": "when", "code": "HOST_NOT_TEACHING"}]


def test_a_slot_is_proposed_by_sending_its_wall_clock_back_as_it_came(
    api_for, host, visitor, bells
):
    # Given a suggested slot
    api_for(host).data(
        SET_MINE,
        {
            "input": {
                "periods": [
                    {"weekday": "TUESDAY", "kind": "TEACHING", "bellPeriodId": bells["Period 1"]}
                ]
            }
        },
    )
    host_id = gid("Person", host)
    slot = api_for(visitor).data(
        SLOTS, {"hostId": host_id, "from": "2026-03-02", "to": "2026-03-06"}
    )["suggestedVisitSlots"][0]["when"]

    # When its date, start time and minutes go back unchanged as the proposal's `when`
    proposed = api_for(visitor).data(
        PROPOSE,
        {
            "input": {
                "hostId": host_id,
                "when": {k: slot[k] for k in ("date", "startTime", "minutes")},
            }
        },
    )["visitPropose"]

    # Then the visit is at exactly the slot's instant, in the derived first cycle
    assert proposed["errors"] == []
    assert proposed["visit"]["cycleNumber"] == 1
    sent_back = ("startsAt", "date", "startTime", "minutes")
    assert proposed["visit"]["when"] == {k: slot[k] for k in sent_back}


def test_slot_arguments_are_checked(api_for, host, visitor):
    body = api_for(visitor).post_graphql(
        SLOTS, {"hostId": gid("Person", host), "from": "2026-03-02", "to": "2026-05-06"}
    )

    assert top_level_codes(body) == ["BAD_USER_INPUT"]
