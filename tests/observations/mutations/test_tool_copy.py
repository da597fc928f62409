import pytest

from observations.models import Tool
from tests.observations.conftest import gid
from tests.observations.operations import TOOL_FIELDS as TOOL
from tests.observations.operations import UPDATE_TOOL as UPDATE

pytestmark = pytest.mark.django_db

COPY = f"""
mutation K($input: ToolCopyInput!) {{
  toolCopy(input: $input) {{ tool {{ {TOOL} }} errors {{ field code message }} }}
}}
"""


def test_a_teacher_copies_a_library_tool_and_adapts_it(api_for, teacher, slq):
    source = Tool.objects.get(library_key="question-levels")
    api = api_for(teacher)

    copied = api.data(COPY, {"input": {"toolId": gid("Tool", source), "name": "Our questions"}})
    tool = copied["toolCopy"]["tool"]
    categories = tool["definition"]["categories"]
    definition = {"tally": {"categories": [*categories, {"key": "wonder", "label": "I wonder"}]}}
    updated = api.data(
        UPDATE, {"input": {"toolId": tool["id"], "definition": definition, "sharing": "SCHOOL"}}
    )["toolUpdate"]

    assert (tool["name"], tool["isMine"], tool["copiedFrom"]) == (
        "Our questions",
        True,
        {"name": "Levels of student questions"},
    )
    assert updated["errors"] == []
    assert updated["tool"]["sharing"] == "SCHOOL"
    assert updated["tool"]["definition"]["categories"][-1] == {
        "key": "wonder",
        "label": "I wonder",
    }


def test_an_update_keeps_the_tools_kind(api_for, teacher):
    # given my copy of a tally
    source = Tool.objects.get(library_key="question-levels")
    api = api_for(teacher)
    tool = api.data(COPY, {"input": {"toolId": gid("Tool", source)}})["toolCopy"]["tool"]

    # when I send a checklist definition for it
    updated = api.data(
        UPDATE,
        {
            "input": {
                "toolId": tool["id"],
                "definition": {"checklist": {"items": [{"key": "i", "label": "I"}]}},
            }
        },
    )["toolUpdate"]

    # then it is refused on the field I set, and the tool is still a tally
    assert [(e["field"], e["code"]) for e in updated["errors"]] == [
        ("definition.checklist", "INVALID_TOOL_DEFINITION")
    ]
    assert Tool.objects.get(owner=teacher).kind == "TALLY"
