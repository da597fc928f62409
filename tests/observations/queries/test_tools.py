import pytest

from observations.tool_library import TOOL_LIBRARY
from tests.factories import TeacherFactory
from tests.observations.factories import ToolFactory
from tests.observations.operations import TOOL_FIELDS as TOOL

pytestmark = pytest.mark.django_db

LIBRARY = f"{{ toolLibrary {{ {TOOL} }} }}"
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
