import pytest

from tests.observations.conftest import gid
from tests.observations.operations import UPDATE_PLAN, propose

pytestmark = pytest.mark.django_db


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
    )["visitPlanUpdate"]

    assert payload["errors"] == []
    assert (payload["visit"]["slq"]["question"], payload["visit"]["tool"]["name"]) == (
        slq.question,
        tool.name,
    )
    assert payload["visit"]["notes"] == "Focus on table 3"
    # The host now sees the visitor's private tool through the visit.
    host_view = api_for(host).data(UPDATE_PLAN, {"input": {"visitId": visit_id, "room": "5"}})
    assert host_view["visitPlanUpdate"]["visit"]["tool"]["name"] == tool.name
