import pytest

from observations.graphql.types.tool_data import DEFINITION_TYPES, api_field
from observations.models import Tool
from observations.tool_kinds import to_api_form
from tests.observations.conftest import gid
from tests.observations.factories import TALLY_DEFINITION
from tests.observations.operations import TOOL_FIELDS as TOOL
from tests.observations.operations import as_stored
from tests.observations.tool_definitions import SEATING, VALID_DEFINITIONS

pytestmark = pytest.mark.django_db

CREATE = f"""
mutation C($input: ToolCreateInput!) {{
  toolCreate(input: $input) {{ tool {{ {TOOL} }} errors {{ field code message }} }}
}}
"""


def test_a_broken_definition_is_reported_per_field(api_for, teacher):
    definition = {"categories": [{"key": "asks", "label": ""}, {"key": "ASKS", "label": "Again"}]}

    payload = api_for(teacher).data(
        CREATE, {"input": {"name": "Mine", "definition": {"tally": definition}}}
    )["toolCreate"]

    assert payload["tool"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        ("definition.tally.categories.0.label", "INVALID_TOOL_DEFINITION"),
        ("definition.tally.categories.1.key", "INVALID_TOOL_DEFINITION"),
    ]


def test_error_paths_name_the_input_in_camel_case(api_for, teacher):
    # given a sweep whose interval is too long and a tally whose second group repeats a key
    sweep = {"intervalMinutes": 31, "behaviours": [{"key": "on", "label": "On task"}]}
    tally = {
        "categories": [{"key": "asks", "label": "Asks"}],
        "studentGroups": [{"key": "g", "label": "G"}, {"key": "G", "label": "Again"}],
    }

    # when each is sent
    api = api_for(teacher)
    sent = [
        api.data(CREATE, {"input": {"name": "Mine", "definition": definition}})["toolCreate"]
        for definition in ({"timedIntervalSweep": sweep}, {"tally": tally})
    ]

    # then the paths are the input's, as the phone wrote them
    assert [[(e["field"], e["code"]) for e in payload["errors"]] for payload in sent] == [
        [("definition.timedIntervalSweep.intervalMinutes", "INVALID_TOOL_DEFINITION")],
        [("definition.tally.studentGroups.1.key", "INVALID_TOOL_DEFINITION")],
    ]


def test_creating_a_tool_crafted_for_a_question(api_for, host, slq):
    payload = api_for(host).data(
        CREATE,
        {
            "input": {
                "name": "Questions",
                "definition": {"tally": to_api_form(TALLY_DEFINITION)},
                "slqId": gid("StudentLearningQuestion", slq),
            }
        },
    )["toolCreate"]

    assert payload["errors"] == []
    assert payload["tool"]["slq"] == {"question": slq.question}
    assert payload["tool"]["kind"] == "TALLY"
    assert payload["tool"]["definition"]["__typename"] == "TallyDefinition"


@pytest.mark.parametrize(
    "definition",
    [
        {},
        {"checklist": {"items": [{"key": "i", "label": "I"}]}, "scripting": {"prompts": []}},
        {"checklist": None},
    ],
)
def test_a_definition_sets_exactly_one_kind(api_for, teacher, definition):
    payload = api_for(teacher).data(CREATE, {"input": {"name": "Mine", "definition": definition}})[
        "toolCreate"
    ]

    assert payload["tool"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        ("definition", "INVALID_TOOL_DEFINITION")
    ]


def test_every_kind_comes_back_typed_as_it_was_sent(api_for, teacher):
    # given one definition of every kind, in the API form (camelCase, GRID)
    sent = {kind: to_api_form(definition) for kind, definition in VALID_DEFINITIONS.items()}
    sent[SEATING] = {
        **sent[SEATING],
        "layout": "GRID",
        "seats": [{"key": "r1c1", "label": "R1C1", "x": 2, "y": 3}],
    }

    # when each is created
    api = api_for(teacher)
    tools = {
        kind: api.data(
            CREATE, {"input": {"name": "Mine", "definition": {api_field(kind): definition}}}
        )["toolCreate"]["tool"]
        for kind, definition in sent.items()
    }

    # then each has its kind's type and its definition normalised but otherwise as sent
    for kind, tool in tools.items():
        assert tool["kind"] == kind.value
        assert tool["definition"]["__typename"] == DEFINITION_TYPES[kind]._meta.name
        stored = Tool.objects.get(name="Mine", kind=kind).definition
        assert as_stored(tool["definition"]) == stored
    assert tools[SEATING]["definition"]["seats"][0] == {
        "key": "r1c1",
        "label": "R1C1",
        "x": 2,
        "y": 3,
    }
    assert Tool.objects.get(kind=SEATING, name="Mine").definition["layout"] == "grid"


def test_a_grid_seat_must_be_on_a_cell(api_for, teacher):
    definition = {
        "layout": "GRID",
        "seats": [{"key": "a", "label": "A", "x": 2.5, "y": 100}],
        "marks": [{"key": "m", "label": "M"}],
    }

    payload = api_for(teacher).data(
        CREATE, {"input": {"name": "Mine", "definition": {"seatingChart": definition}}}
    )["toolCreate"]

    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        ("definition.seatingChart.seats.0.x", "INVALID_TOOL_DEFINITION"),
        ("definition.seatingChart.seats.0.y", "INVALID_TOOL_DEFINITION"),
    ]
