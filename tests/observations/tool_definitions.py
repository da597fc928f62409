"""Tool definitions and entries the tool kind tests share, and helpers that read the codes
of what they refuse."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from observations.tool_kinds import (
    INVALID_TOOL_DATA,
    INVALID_TOOL_DEFINITION,
    InvalidToolData,
    InvalidToolDefinition,
    ToolKind,
    validate_definition,
    validate_entry,
)

SCRIPTING = ToolKind.SCRIPTING
TALLY = ToolKind.TALLY
SEATING = ToolKind.SEATING_CHART
CHECKLIST = ToolKind.CHECKLIST
SWEEP = ToolKind.TIMED_INTERVAL_SWEEP

TALLY_DEF = {
    "categories": [{"key": "asks", "label": "Asks"}, {"key": "answers", "label": "Answers"}],
    "student_groups": [{"key": "g1", "label": "Group 1"}, {"key": "g2", "label": "Group 2"}],
}
TALLY_NO_GROUPS_DEF = {"categories": TALLY_DEF["categories"]}
SEATING_DEF = {
    "seats": [
        {"key": "a", "label": "A", "x": 0, "y": 0},
        {"key": "b", "label": "B", "x": 0.5, "y": 0},
        {"key": "c", "label": "C", "x": 1, "y": 1},
    ],
    "marks": [{"key": "asks", "label": "Asks"}, {"key": "answers", "label": "Answers"}],
}
GRID_DEF = {
    "layout": "grid",
    "seats": [{"key": "r1c1", "label": "R1C1", "x": 0, "y": 0}],
    "marks": [{"key": "m", "label": "M"}],
}
CHECKLIST_DEF = {
    "items": [
        {"key": "i1", "label": "One"},
        {"key": "i2", "label": "Two"},
        {"key": "i3", "label": "Three"},
    ]
}
SWEEP_DEF = {
    "interval_minutes": 3,
    "behaviours": [{"key": "on", "label": "On task"}, {"key": "off", "label": "Off task"}],
    "sweeps": 3,
}
SWEEP_UNPLANNED_DEF = {"interval_minutes": 5, "behaviours": SWEEP_DEF["behaviours"]}

VALID_DEFINITIONS = {
    SCRIPTING: {"prompts": ["What do students say?"]},
    TALLY: TALLY_DEF,
    SEATING: SEATING_DEF,
    CHECKLIST: CHECKLIST_DEF,
    SWEEP: SWEEP_DEF,
}


def keyed(count: int, prefix: str = "k") -> list[dict[str, str]]:
    return [{"key": f"{prefix}{n}", "label": f"Label {n}"} for n in range(count)]


def seats(count: int) -> list[dict[str, object]]:
    return [{"key": f"s{n}", "label": f"Seat {n}", "x": 0.5, "y": 0.5} for n in range(count)]


def codes(error: ValidationError) -> dict[str, list[str]]:
    return {path: [e.code for e in errors] for path, errors in error.error_dict.items()}


def definition_error_codes(kind, definition) -> dict[str, list[str]]:
    with pytest.raises(InvalidToolDefinition) as excinfo:
        validate_definition(kind, definition)
    assert excinfo.value.code == INVALID_TOOL_DEFINITION
    return codes(excinfo.value)


def entry_error_codes(kind, definition, entry) -> dict[str, list[str]]:
    with pytest.raises(InvalidToolData) as excinfo:
        validate_entry(kind, definition, entry)
    assert excinfo.value.code == INVALID_TOOL_DATA
    return codes(excinfo.value)
