import json

import pytest

from tests.observations.conftest import gid
from tests.observations.factories import TALLY_DEFINITION
from tests.observations.operations import TOOL_FIELDS as TOOL

pytestmark = pytest.mark.django_db

CREATE = f"""
mutation C($input: ToolCreateInput!) {{
  toolCreate(input: $input) {{ tool {{ {TOOL} }} errors {{ field code message }} }}
}}
"""


def test_a_broken_definition_is_reported_per_field(api_for, teacher):
    definition = {"categories": [{"key": "asks", "label": ""}, {"key": "ASKS", "label": "Again"}]}

    payload = api_for(teacher).data(
        CREATE, {"input": {"kind": "TALLY", "name": "Mine", "definition": json.dumps(definition)}}
    )["toolCreate"]

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
    )["toolCreate"]

    assert payload["errors"] == []
    assert payload["tool"]["slq"] == {"question": slq.question}


def test_a_definition_that_is_not_json(api_for, teacher):
    payload = api_for(teacher).data(
        CREATE, {"input": {"kind": "CHECKLIST", "name": "Mine", "definition": "{items"}}
    )["toolCreate"]

    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        ("definition", "INVALID_TOOL_DEFINITION")
    ]
