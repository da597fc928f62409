import pytest

from observations.models import Tool
from tests.observations.conftest import gid
from tests.observations.factories import ToolFactory
from tests.observations.operations import UPDATE_TOOL as UPDATE

pytestmark = pytest.mark.django_db


def test_only_the_owner_changes_a_tool(api_for, host, tool):
    ToolFactory(owner=tool.owner, sharing="SCHOOL", name="Shared")
    shared = Tool.objects.get(name="Shared")

    payload = api_for(host).data(UPDATE, {"input": {"toolId": gid("Tool", shared), "name": "Mine"}})

    assert [(e["field"], e["code"]) for e in payload["toolUpdate"]["errors"]] == [
        ("toolId", "NOT_TOOL_OWNER")
    ]
