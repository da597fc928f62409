"""observations.tool_library: the starter tools are valid, cover every kind and take entries."""

from __future__ import annotations

import json

import pytest

from observations.tool_kinds import ToolKind, summarize, validate_definition
from observations.tool_library import TOOL_LIBRARY, LibraryTool, get_library_tool
from tests.observations.tool_definitions import CHECKLIST, SCRIPTING, SEATING, TALLY

# --- the starter library -------------------------------------------------------------------


@pytest.mark.parametrize("tool", TOOL_LIBRARY, ids=lambda tool: tool.key)
def test_library_definitions_are_valid(tool: LibraryTool):
    assert validate_definition(tool.kind, tool.definition)
    assert tool.name.strip()
    assert tool.description.strip()
    assert tool.example_questions
    json.dumps(tool.as_dict())


def test_library_covers_every_kind_with_unique_keys():
    assert {tool.kind for tool in TOOL_LIBRARY} == set(ToolKind)
    keys = [tool.key for tool in TOOL_LIBRARY]
    assert len(keys) == len(set(keys))


def test_library_tools_named_in_the_brief():
    questions = get_library_tool("questions-in-group-work")
    assert questions.kind is TALLY
    assert questions.definition["student_groups"]
    assert get_library_tool("engagement-sweep-3min").definition["interval_minutes"] == 3
    assert get_library_tool("participation-map").kind is SEATING
    assert get_library_tool("success-criteria-evidence").kind is CHECKLIST
    assert get_library_tool("student-talk-scripting").kind is SCRIPTING
    with pytest.raises(KeyError):
        get_library_tool("nope")


def test_library_as_dict_is_a_copy():
    tool = get_library_tool("participation-map")

    copied = tool.as_dict()
    copied["definition"]["seats"].clear()

    assert tool.definition["seats"]
    assert copied["kind"] == "SEATING_CHART"


def test_library_tools_accept_entries():
    sweep = get_library_tool("engagement-sweep-3min")
    summary = summarize(
        sweep.kind,
        sweep.definition,
        [{"sweep": 0, "behaviour": "working-alone", "students": 12}],
    )
    assert summary["sweeps"][0]["share"]["working-alone"] == 1.0
    assert len(summary["sweeps"]) == 10

    seating = get_library_tool("participation-map")
    summary = summarize(
        seating.kind, seating.definition, [{"at": 1, "seat": "r1c1", "mark": "asks"}]
    )
    assert len(summary["seats_never_marked"]) == 29
