import uuid

import pytest

from observations.models import ObservationEntry, Tool
from tests.observations.conftest import gid
from tests.observations.factories import ToolFactory
from tests.observations.factories import visit as make_visit
from tests.observations.operations import UPDATE_TOOL as UPDATE

pytestmark = pytest.mark.django_db


def test_only_the_owner_changes_a_tool(api_for, host, tool):
    ToolFactory(owner=tool.owner, sharing="SCHOOL", name="Shared")
    shared = Tool.objects.get(name="Shared")

    payload = api_for(host).data(UPDATE, {"input": {"toolId": gid("Tool", shared), "name": "Mine"}})

    assert [(e["field"], e["code"]) for e in payload["toolUpdate"]["errors"]] == [
        ("toolId", "NOT_TOOL_OWNER")
    ]


def test_a_tool_with_data_keeps_its_definition(api_for, host, visitor, tool):
    # given my tally that a visit collected data with
    visit = make_visit(host=host, visitor=visitor, tool=tool)
    ObservationEntry.objects.create(
        visit=visit,
        client_id=uuid.uuid4(),
        recorded_at=visit.starts_at,
        payload={"at": 5, "category": "asks-peer", "group": "g1", "count": 1},
        submitted_by=visitor,
    )
    changed = {"categories": [{"key": "asks", "label": "Asks"}]}

    # when I send a new definition of its kind
    payload = api_for(visitor).data(
        UPDATE, {"input": {"toolId": gid("Tool", tool), "definition": {"tally": changed}}}
    )["toolUpdate"]

    # then it is refused on the definition as a whole (copy the tool instead)
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("definition", "TOOL_IN_USE")]
    tool.refresh_from_db()
    assert tool.definition["categories"][0]["key"] == "asks-peer"
