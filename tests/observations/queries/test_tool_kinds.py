import json

import pytest

from observations.tool_kinds.published import published_files
from tests.observations.conftest import gid
from tests.observations.factories import TALLY_DEFINITION, ToolFactory
from tests.observations.json_schema_check import is_valid
from tests.observations.operations import as_stored

pytestmark = pytest.mark.django_db

KINDS = "{ toolKinds { kind label inputField definitionJsonSchema entryJsonSchema } }"
TOOL = """
query T($id: ID!) {
  node(id: $id) {
    ... on Tool {
      entryJsonSchema
      definition { ... on TallyDefinition { categories { key label } studentGroups { key label } } }
    }
  }
}
"""


def test_every_kind_comes_with_the_published_json_schemas(api_for, teacher):
    kinds = api_for(teacher).data(KINDS)["toolKinds"]

    assert [(k["kind"], k["inputField"]) for k in kinds] == [
        ("SCRIPTING", "scripting"),
        ("TALLY", "tally"),
        ("SEATING_CHART", "seatingChart"),
        ("CHECKLIST", "checklist"),
        ("TIMED_INTERVAL_SWEEP", "timedIntervalSweep"),
    ]
    files = published_files()
    for kind in kinds:
        name = kind["kind"].lower()
        assert json.loads(kind["definitionJsonSchema"]) == json.loads(
            files[f"{name}.definition.json"]
        )
        assert json.loads(kind["entryJsonSchema"]) == json.loads(files[f"{name}.entry.json"])


def test_a_tools_entry_schema_knows_its_keys(api_for, visitor):
    # given my tally with two categories and two student groups
    tool = ToolFactory(owner=visitor)

    # when the phone fetches it
    found = api_for(visitor).data(TOOL, {"id": gid("Tool", tool)})["node"]
    schema = json.loads(found["entryJsonSchema"])

    # then the definition is typed and the schema refuses a key the tool does not have
    assert as_stored(found["definition"]) == TALLY_DEFINITION
    assert is_valid(schema, {"at": 5, "category": "asks-peer", "group": "g1"})
    assert not is_valid(schema, {"at": 5, "category": "shouts", "group": "g1"})
    assert not is_valid(schema, {"at": 5, "category": "asks-peer"})  # groups: one is required


def test_signed_out_callers_use_the_public_files_instead(api):
    body = api.post(KINDS).json()

    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
