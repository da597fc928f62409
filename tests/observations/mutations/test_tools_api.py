import json

import pytest

from observations.models import Tool
from observations.tool_library import TOOL_LIBRARY
from tests.factories import TeacherFactory
from tests.observations.conftest import gid
from tests.observations.factories import TALLY_DEFINITION, ToolFactory

pytestmark = pytest.mark.django_db

TOOL = """
  id name kind sharing definition isLibraryTool isMine exampleQuestions
  copiedFrom { name } slq { question }
"""
LIBRARY = f"{{ toolLibrary {{ {TOOL} }} }}"
CREATE = f"""
mutation C($input: CreateToolInput!) {{
  createTool(input: $input) {{ tool {{ {TOOL} }} errors {{ field code message }} }}
}}
"""
UPDATE = f"""
mutation U($input: UpdateToolInput!) {{
  updateTool(input: $input) {{ tool {{ {TOOL} }} errors {{ field code message }} }}
}}
"""
COPY = f"""
mutation K($input: CopyToolInput!) {{
  copyTool(input: $input) {{ tool {{ {TOOL} }} errors {{ field code message }} }}
}}
"""
TOOLS = """
query T($scope: ToolScope, $kind: ToolKind) {
  tools(scope: $scope, kind: $kind) { totalCount edges { node { name sharing } } }
}
"""


def test_the_library_ships_tools_of_every_kind(api_for, teacher):
    library = api_for(teacher).data(LIBRARY)["toolLibrary"]

    assert len(library) == len(TOOL_LIBRARY)
    assert {t["kind"] for t in library} == {
        "SCRIPTING",
        "TALLY",
        "SEATING_CHART",
        "CHECKLIST",
        "TIMED_INTERVAL_SWEEP",
    }
    assert all(t["isLibraryTool"] and not t["isMine"] and t["exampleQuestions"] for t in library)


def test_a_teacher_copies_a_library_tool_and_adapts_it(api_for, teacher, slq):
    source = Tool.objects.get(library_key="question-levels")
    api = api_for(teacher)

    copied = api.data(COPY, {"input": {"toolId": gid("Tool", source), "name": "Our questions"}})
    tool = copied["copyTool"]["tool"]
    categories = json.loads(tool["definition"])["categories"]
    definition = json.dumps({"categories": [*categories, {"key": "wonder", "label": "I wonder"}]})
    updated = api.data(
        UPDATE, {"input": {"toolId": tool["id"], "definition": definition, "sharing": "SCHOOL"}}
    )["updateTool"]

    assert (tool["name"], tool["isMine"], tool["copiedFrom"]) == (
        "Our questions",
        True,
        {"name": "Levels of student questions"},
    )
    assert updated["errors"] == []
    assert updated["tool"]["sharing"] == "SCHOOL"
    assert json.loads(updated["tool"]["definition"])["categories"][-1] == {
        "key": "wonder",
        "label": "I wonder",
    }


def test_a_broken_definition_is_reported_per_field(api_for, teacher):
    definition = {"categories": [{"key": "asks", "label": ""}, {"key": "ASKS", "label": "Again"}]}

    payload = api_for(teacher).data(
        CREATE, {"input": {"kind": "TALLY", "name": "Mine", "definition": json.dumps(definition)}}
    )["createTool"]

    assert payload["tool"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        ("definition.categories.0.label", "INVALID_TOOL_DEFINITION"),
        ("definition.categories.1.key", "INVALID_TOOL_DEFINITION"),
    ]


def test_creating_a_tool_crafted_for_a_question(api_for, host, slq):
    payload = api_for(host).data(
        CREATE,
        {
            "input": {
                "kind": "TALLY",
                "name": "Questions",
                "definition": json.dumps(TALLY_DEFINITION),
                "slqId": gid("StudentLearningQuestion", slq),
            }
        },
    )["createTool"]

    assert payload["errors"] == []
    assert payload["tool"]["slq"] == {"question": slq.question}


def test_only_the_owner_changes_a_tool(api_for, host, tool):
    ToolFactory(owner=tool.owner, sharing="SCHOOL", name="Shared")
    shared = Tool.objects.get(name="Shared")

    payload = api_for(host).data(UPDATE, {"input": {"toolId": gid("Tool", shared), "name": "Mine"}})

    assert [(e["field"], e["code"]) for e in payload["updateTool"]["errors"]] == [
        ("toolId", "NOT_TOOL_OWNER")
    ]


def test_listing_tools_by_scope_and_kind(api_for, school, visitor):
    ToolFactory(owner=visitor, name="Private")
    ToolFactory(owner=visitor, name="For the school", sharing="SCHOOL")
    colleague = TeacherFactory(school=school)

    mine = api_for(visitor).data(TOOLS, {"scope": "MINE"})["tools"]
    schools = api_for(colleague).data(TOOLS, {"scope": "SCHOOL"})["tools"]
    tallies = api_for(colleague).data(TOOLS, {"kind": "TALLY"})["tools"]

    assert mine["totalCount"] == 2
    assert [e["node"]["name"] for e in schools["edges"]] == ["For the school"]
    assert "Private" not in [e["node"]["name"] for e in tallies["edges"]]


def test_a_definition_that_is_not_json(api_for, teacher):
    payload = api_for(teacher).data(
        CREATE, {"input": {"kind": "CHECKLIST", "name": "Mine", "definition": "{items"}}
    )["createTool"]

    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        ("definition", "INVALID_TOOL_DEFINITION")
    ]
