import pytest

from tests.conftest import top_level_codes
from tests.observations.conftest import gid
from tests.observations.operations import SET_MINE

pytestmark = pytest.mark.django_db

SLOTS = """
query S($hostId: ID!, $from: Date!, $to: Date!) {
  suggestedVisitSlots(hostId: $hostId, from: $from, to: $to, minutes: 45) {
    startsAt startsAtLocal endsAtLocal label
  }
}
"""
PROPOSE = """
mutation P($input: VisitProposeInput!) { visitPropose(input: $input) { errors { field code } } }
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
    assert refused["visitPropose"]["errors"] == [{"field": "when", "code": "HOST_NOT_TEACHING"}]


def test_slot_arguments_are_checked(api_for, host, visitor):
    body = api_for(visitor).post_graphql(
        SLOTS, {"hostId": gid("Person", host), "from": "2026-03-02", "to": "2026-05-06"}
    )

    assert top_level_codes(body) == ["BAD_USER_INPUT"]
