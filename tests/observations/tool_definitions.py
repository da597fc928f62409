"""Tool definitions and entries the tool kind tests share, and helpers that read the codes
of what they refuse."""

from __future__ import annotations

import math

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


# (kind, definition, expected error codes by path): definitions the server refuses.
INVALID_DEFINITIONS = [
    # every kind: the definition itself
    (SCRIPTING, "prompts", {"__all__": ["invalid_type"]}),
    (TALLY, ["categories"], {"__all__": ["invalid_type"]}),
    (SCRIPTING, {"focus": "x"}, {"focus": ["unknown_field"]}),
    # scripting
    (SCRIPTING, {"prompts": "Who talks?"}, {"prompts": ["invalid_type"]}),
    (SCRIPTING, {"prompts": [""]}, {"prompts.0": ["blank"]}),
    (SCRIPTING, {"prompts": ["ok", 3]}, {"prompts.1": ["invalid_type"]}),
    (SCRIPTING, {"prompts": ["x" * 201]}, {"prompts.0": ["max_length"]}),
    (SCRIPTING, {"prompts": ["p"] * 21}, {"prompts": ["max_items"]}),
    # tally
    (TALLY, None, {"categories": ["required"]}),
    (TALLY, {}, {"categories": ["required"]}),
    (TALLY, {"categories": None}, {"categories": ["required"]}),
    (TALLY, {"categories": []}, {"categories": ["min_items"]}),
    (TALLY, {"categories": {"q": "Q"}}, {"categories": ["invalid_type"]}),
    (TALLY, {"categories": keyed(31)}, {"categories": ["max_items"]}),
    (TALLY, {"categories": ["asks"]}, {"categories.0": ["invalid_type"]}),
    (TALLY, {"categories": [{"key": "q"}]}, {"categories.0.label": ["required"]}),
    (TALLY, {"categories": [{"label": "Q"}]}, {"categories.0.key": ["required"]}),
    (
        TALLY,
        {"categories": [{"key": "q", "label": "x" * 121}]},
        {"categories.0.label": ["max_length"]},
    ),
    (
        TALLY,
        {"categories": [{"key": "q", "label": 7}]},
        {"categories.0.label": ["invalid_type"]},
    ),
    (
        TALLY,
        {"categories": [{"key": "a b", "label": "Q"}]},
        {"categories.0.key": ["invalid_key"]},
    ),
    (
        TALLY,
        {"categories": [{"key": "-a", "label": "Q"}]},
        {"categories.0.key": ["invalid_key"]},
    ),
    (TALLY, {"categories": [{"key": "", "label": "Q"}]}, {"categories.0.key": ["invalid_key"]}),
    (
        TALLY,
        {"categories": [{"key": "k" * 41, "label": "Q"}]},
        {"categories.0.key": ["max_length"]},
    ),
    (TALLY, {"categories": [{"key": 1, "label": "Q"}]}, {"categories.0.key": ["invalid_type"]}),
    (
        TALLY,
        {"categories": [{"key": "q", "label": "Q", "colour": "red"}]},
        {"categories.0.colour": ["unknown_field"]},
    ),
    (
        TALLY,
        {"categories": [{"key": "Asks", "label": "A"}, {"key": "asks", "label": "B"}]},
        {"categories.1.key": ["duplicate_key"]},
    ),
    (
        TALLY,
        {**TALLY_NO_GROUPS_DEF, "student_groups": [{"key": "g", "label": "G"}] * 2},
        {"student_groups.1.key": ["duplicate_key"]},
    ),
    (
        TALLY,
        {**TALLY_NO_GROUPS_DEF, "student_groups": keyed(31)},
        {"student_groups": ["max_items"]},
    ),
    (
        TALLY,
        {**TALLY_NO_GROUPS_DEF, "student_groups": "g1"},
        {"student_groups": ["invalid_type"]},
    ),
    # seating chart
    (SEATING, {"seats": seats(3)}, {"marks": ["required"]}),
    (SEATING, {"marks": keyed(2)}, {"seats": ["required"]}),
    (SEATING, {"seats": seats(201), "marks": keyed(2)}, {"seats": ["max_items"]}),
    (SEATING, {"seats": seats(2), "marks": keyed(21)}, {"marks": ["max_items"]}),
    (SEATING, {"seats": [], "marks": keyed(2)}, {"seats": ["min_items"]}),
    (
        SEATING,
        {"seats": [{"key": "a", "label": "A", "y": 0}], "marks": keyed(1)},
        {"seats.0.x": ["required"]},
    ),
    (
        SEATING,
        {"seats": [{"key": "a", "label": "A", "x": 1.5, "y": -0.1}], "marks": keyed(1)},
        {"seats.0.x": ["max_value"], "seats.0.y": ["min_value"]},
    ),
    (
        SEATING,
        {"seats": [{"key": "a", "label": "A", "x": "0.5", "y": True}], "marks": keyed(1)},
        {"seats.0.x": ["invalid_type"], "seats.0.y": ["invalid_type"]},
    ),
    (
        SEATING,
        {
            "seats": [{"key": "a", "label": "A", "x": math.nan, "y": math.inf}],
            "marks": keyed(1),
        },
        {"seats.0.x": ["invalid_type"], "seats.0.y": ["invalid_type"]},
    ),
    (
        SEATING,
        {**GRID_DEF, "seats": [{"key": "a", "label": "A", "x": 0.5, "y": 100}]},
        {"seats.0.x": ["invalid_type"], "seats.0.y": ["max_value"]},
    ),
    (SEATING, {**SEATING_DEF, "layout": "circle"}, {"layout": ["invalid_choice"]}),
    (
        SEATING,
        {**SEATING_DEF, "marks": [{"key": "m", "label": "M"}, {"key": "M", "label": "N"}]},
        {"marks.1.key": ["duplicate_key"]},
    ),
    # checklist
    (CHECKLIST, {}, {"items": ["required"]}),
    (CHECKLIST, {"items": []}, {"items": ["min_items"]}),
    (CHECKLIST, {"items": keyed(101)}, {"items": ["max_items"]}),
    (CHECKLIST, {"items": [{"key": "i", "label": ""}]}, {"items.0.label": ["blank"]}),
    (CHECKLIST, {**CHECKLIST_DEF, "checked": True}, {"checked": ["unknown_field"]}),
    # timed interval sweep
    (SWEEP, {"behaviours": keyed(2)}, {"interval_minutes": ["required"]}),
    (SWEEP, {"interval_minutes": 3}, {"behaviours": ["required"]}),
    (SWEEP, {**SWEEP_DEF, "interval_minutes": 0}, {"interval_minutes": ["min_value"]}),
    (SWEEP, {**SWEEP_DEF, "interval_minutes": 31}, {"interval_minutes": ["max_value"]}),
    (SWEEP, {**SWEEP_DEF, "interval_minutes": "3"}, {"interval_minutes": ["invalid_type"]}),
    (SWEEP, {**SWEEP_DEF, "interval_minutes": 2.5}, {"interval_minutes": ["invalid_type"]}),
    (SWEEP, {**SWEEP_DEF, "interval_minutes": True}, {"interval_minutes": ["invalid_type"]}),
    (SWEEP, {**SWEEP_DEF, "sweeps": 0}, {"sweeps": ["min_value"]}),
    (SWEEP, {**SWEEP_DEF, "sweeps": 61}, {"sweeps": ["max_value"]}),
    (SWEEP, {**SWEEP_DEF, "behaviours": keyed(21)}, {"behaviours": ["max_items"]}),
    (SWEEP, {**SWEEP_DEF, "students": 28}, {"students": ["unknown_field"]}),
]


# (kind, definition, entry, expected error codes by path): entries the server refuses.
INVALID_ENTRIES = [
    (SCRIPTING, None, "note", {"__all__": ["invalid_type"]}),
    (SCRIPTING, None, {}, {"at": ["required"], "text": ["required"]}),
    (SCRIPTING, None, {"at": None, "text": None}, {"at": ["required"], "text": ["required"]}),
    (SCRIPTING, None, {"at": 1, "text": "  "}, {"text": ["blank"]}),
    (SCRIPTING, None, {"at": 1, "text": "x" * 2001}, {"text": ["max_length"]}),
    (SCRIPTING, None, {"at": 1, "text": ["x"]}, {"text": ["invalid_type"]}),
    (SCRIPTING, None, {"at": "yesterday", "text": "x"}, {"at": ["invalid_time"]}),
    (SCRIPTING, None, {"at": "2025-03-04T09:00:00", "text": "x"}, {"at": ["invalid_time"]}),
    (SCRIPTING, None, {"at": "95", "text": "x"}, {"at": ["invalid_time"]}),
    (SCRIPTING, None, {"at": True, "text": "x"}, {"at": ["invalid_time"]}),
    (SCRIPTING, None, {"at": math.nan, "text": "x"}, {"at": ["invalid_time"]}),
    (SCRIPTING, None, {"at": -1, "text": "x"}, {"at": ["min_value"]}),
    (SCRIPTING, None, {"at": 86_401, "text": "x"}, {"at": ["max_value"]}),
    (SCRIPTING, None, {"at": 1, "text": "x", "student": "s" * 61}, {"student": ["max_length"]}),
    (SCRIPTING, None, {"at": 1, "text": "x", "mood": "happy"}, {"mood": ["unknown_field"]}),
    (TALLY, TALLY_DEF, {"at": 1, "category": "asks"}, {"group": ["required"]}),
    (
        TALLY,
        TALLY_NO_GROUPS_DEF,
        {"at": 1, "category": "asks", "group": "g1"},
        {"group": ["unknown_field"]},
    ),
    (
        TALLY,
        TALLY_DEF,
        {"at": 1, "category": "shouts", "group": "g1"},
        {"category": ["unknown_key"]},
    ),
    (
        TALLY,
        TALLY_DEF,
        {"at": 1, "category": "asks", "group": "g9"},
        {"group": ["unknown_key"]},
    ),
    (
        TALLY,
        TALLY_DEF,
        {"at": 1, "category": "ASKS", "group": "g1"},
        {"category": ["unknown_key"]},
    ),
    (TALLY, TALLY_DEF, {"at": 1, "category": 1, "group": "g1"}, {"category": ["invalid_type"]}),
    (
        TALLY,
        TALLY_DEF,
        {"at": 1, "category": "asks", "group": "g1", "count": 0},
        {"count": ["min_value"]},
    ),
    (
        TALLY,
        TALLY_DEF,
        {"at": 1, "category": "asks", "group": "g1", "count": 1001},
        {"count": ["max_value"]},
    ),
    (
        TALLY,
        TALLY_DEF,
        {"at": 1, "category": "asks", "group": "g1", "count": "2"},
        {"count": ["invalid_type"]},
    ),
    (
        TALLY,
        TALLY_DEF,
        {"at": 1, "category": "asks", "group": "g1", "count": True},
        {"count": ["invalid_type"]},
    ),
    (TALLY, TALLY_DEF, {"category": "asks", "group": "g1"}, {"at": ["required"]}),
    (SEATING, SEATING_DEF, {"at": 1, "seat": "z", "mark": "asks"}, {"seat": ["unknown_key"]}),
    (SEATING, SEATING_DEF, {"at": 1, "seat": "a", "mark": "sleeps"}, {"mark": ["unknown_key"]}),
    (SEATING, SEATING_DEF, {"at": 1, "seat": "a"}, {"mark": ["required"]}),
    (
        SEATING,
        SEATING_DEF,
        {"at": 1, "seat": "a", "mark": "asks", "note": "n" * 501},
        {"note": ["max_length"]},
    ),
    (
        SEATING,
        SEATING_DEF,
        {"at": 1, "seat": "a", "mark": "asks", "student": "Sam"},
        {"student": ["unknown_field"]},
    ),
    (CHECKLIST, CHECKLIST_DEF, {"item": "i1"}, {"checked": ["required"]}),
    (CHECKLIST, CHECKLIST_DEF, {"item": "i1", "checked": "yes"}, {"checked": ["invalid_type"]}),
    (CHECKLIST, CHECKLIST_DEF, {"item": "i1", "checked": 1}, {"checked": ["invalid_type"]}),
    (CHECKLIST, CHECKLIST_DEF, {"item": "i9", "checked": True}, {"item": ["unknown_key"]}),
    (
        CHECKLIST,
        CHECKLIST_DEF,
        {"item": "i1", "checked": True, "at": "now"},
        {"at": ["invalid_time"]},
    ),
    (
        SWEEP,
        SWEEP_DEF,
        {"sweep": 3, "behaviour": "on", "students": 1},
        {"sweep": ["max_value"]},
    ),
    (
        SWEEP,
        SWEEP_DEF,
        {"sweep": -1, "behaviour": "on", "students": 1},
        {"sweep": ["min_value"]},
    ),
    (
        SWEEP,
        SWEEP_DEF,
        {"sweep": 0.5, "behaviour": "on", "students": 1},
        {"sweep": ["invalid_type"]},
    ),
    (
        SWEEP,
        SWEEP_UNPLANNED_DEF,
        {"sweep": 60, "behaviour": "on", "students": 1},
        {"sweep": ["max_value"]},
    ),
    (
        SWEEP,
        SWEEP_DEF,
        {"sweep": 0, "behaviour": "on", "students": -1},
        {"students": ["min_value"]},
    ),
    (
        SWEEP,
        SWEEP_DEF,
        {"sweep": 0, "behaviour": "on", "students": 501},
        {"students": ["max_value"]},
    ),
    (
        SWEEP,
        SWEEP_DEF,
        {"sweep": 0, "behaviour": "nap", "students": 1},
        {"behaviour": ["unknown_key"]},
    ),
    (
        SWEEP,
        SWEEP_DEF,
        {"sweep": 0, "behaviour": "on", "students": 1, "at": 5},
        {"at": ["unknown_field"]},
    ),
]


# (kind, definition): definitions the server accepts, from the tests of each kind.
VALID_DEFINITION_SAMPLES = [
    *VALID_DEFINITIONS.items(),
    (SCRIPTING, None),
    (SCRIPTING, {}),
    (SCRIPTING, {"prompts": ["  Who talks?  "]}),
    (SCRIPTING, {"prompts": ["p"] * 20}),
    (TALLY, {"categories": [{"key": "q", "label": " Q "}]}),
    (TALLY, TALLY_NO_GROUPS_DEF),
    (TALLY, {**TALLY_NO_GROUPS_DEF, "student_groups": []}),
    (TALLY, {"categories": keyed(30), "student_groups": keyed(30)}),
    (SEATING, GRID_DEF),
    (SEATING, {**GRID_DEF, "seats": [{"key": "r5c9", "label": "R5C9", "x": 8, "y": 99}]}),
    (SEATING, {**GRID_DEF, "seats": [{"key": "r5c9", "label": "R5C9", "x": 8.0, "y": 99}]}),
    (SEATING, {**SEATING_DEF, "layout": "relative"}),
    (SEATING, {"seats": seats(200), "marks": keyed(20)}),
    (CHECKLIST, {"items": keyed(100)}),
    (CHECKLIST, {"items": [{"key": key, "label": "x"} for key in ("a", "A1", "9_x-y", "k" * 40)]}),
    (SWEEP, SWEEP_UNPLANNED_DEF),
    (SWEEP, {**SWEEP_DEF, "sweeps": None}),
    (SWEEP, {"interval_minutes": 30, "behaviours": keyed(20), "sweeps": 60}),
]

# (kind, definition, entry): entries the server accepts, from the tests of each kind.
VALID_ENTRY_SAMPLES = [
    (
        SCRIPTING,
        None,
        {"at": "2025-03-04T10:15:30+01:00", "text": "  I think it's 12 ", "student": " S1 "},
    ),
    *(
        (SCRIPTING, None, {"at": at, "text": "x"})
        for at in ("2025-03-04T09:15:30Z", "2025-03-04T09:15:30.250-05:00", 0, 95, 95.12345, 86_400)
    ),
    (SCRIPTING, None, {"at": 1, "text": "x", "student": "  "}),
    (SCRIPTING, None, {"at": 1, "text": "x", "student": None}),
    (TALLY, TALLY_DEF, {"at": 5, "category": "asks", "group": "g2"}),
    (TALLY, TALLY_NO_GROUPS_DEF, {"at": 5, "category": "asks", "count": 3}),
    (TALLY, TALLY_DEF, {"at": 5, "category": "asks", "group": "g2", "count": 1000}),
    (SEATING, SEATING_DEF, {"at": 5, "seat": "b", "mark": "asks", "note": " why? "}),
    (SEATING, SEATING_DEF, {"at": 5, "seat": "b", "mark": "asks", "note": ""}),
    (CHECKLIST, CHECKLIST_DEF, {"item": "i2", "checked": True}),
    (CHECKLIST, CHECKLIST_DEF, {"item": "i2", "checked": False, "note": "n", "at": 7}),
    (SWEEP, SWEEP_DEF, {"sweep": 2, "behaviour": "off", "students": 0}),
    (SWEEP, SWEEP_UNPLANNED_DEF, {"sweep": 59, "behaviour": "on", "students": 500}),
]
