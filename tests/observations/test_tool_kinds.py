"""Tests for observations.tool_kinds (definitions, entries, summaries) and the tool library."""

from __future__ import annotations

import json
import math

import pytest
from django.core.exceptions import ValidationError

from observations.tool_kinds import (
    INVALID_TOOL_DATA,
    INVALID_TOOL_DEFINITION,
    InvalidToolData,
    InvalidToolDefinition,
    ToolKind,
    field_errors,
    summarize,
    validate_definition,
    validate_entry,
)
from observations.tool_library import TOOL_LIBRARY, LibraryTool, get_library_tool

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


# --- kinds ---------------------------------------------------------------------------------


def test_kinds_are_strings_with_labels():
    assert [kind.value for kind in ToolKind] == [
        "SCRIPTING",
        "TALLY",
        "SEATING_CHART",
        "CHECKLIST",
        "TIMED_INTERVAL_SWEEP",
    ]
    assert ToolKind("TALLY") == "TALLY"
    assert ToolKind.TIMED_INTERVAL_SWEEP.label == "Timed interval sweep"
    assert ToolKind.SCRIPTING.is_qualitative
    assert not ToolKind.TALLY.is_qualitative


@pytest.mark.parametrize("kind", ["tally", "PHOTO", "", None, 3, ["TALLY"]])
def test_unknown_kind_is_refused(kind):
    assert definition_error_codes(kind, {}) == {"kind": ["unknown_kind"]}


def test_errors_are_validation_errors_with_an_overall_code():
    with pytest.raises(ValidationError) as excinfo:
        validate_definition(TALLY, {"categories": []})

    error = excinfo.value
    assert isinstance(error, InvalidToolDefinition)
    assert error.code == "INVALID_TOOL_DEFINITION"
    assert error.message_dict == {"categories": ["Add at least 1."]}
    assert field_errors(error) == {
        "categories": [{"message": "Add at least 1.", "code": "min_items"}]
    }


def test_all_problems_are_reported_at_once():
    definition = {
        "categories": [{"key": "a", "label": " "}, {"key": "A", "label": "x", "colour": "red"}],
        "extra": 1,
    }

    assert definition_error_codes(TALLY, definition) == {
        "extra": ["unknown_field"],
        "categories.0.label": ["blank"],
        "categories.1.colour": ["unknown_field"],
        "categories.1.key": ["duplicate_key"],
    }


def test_long_user_input_is_not_echoed_in_full():
    with pytest.raises(InvalidToolDefinition) as excinfo:
        validate_definition("X" * 10_000, {})

    assert len(excinfo.value.message_dict["kind"][0]) < 200


# --- definitions: valid --------------------------------------------------------------------


def test_scripting_definition_is_optional_and_normalised():
    assert validate_definition(SCRIPTING, None) == {"prompts": []}
    assert validate_definition(SCRIPTING, {}) == {"prompts": []}
    assert validate_definition("SCRIPTING", {"prompts": ["  Who talks?  "]}) == {
        "prompts": ["Who talks?"]
    }


def test_tally_definition_normalised():
    assert validate_definition(TALLY, {"categories": [{"key": "q", "label": " Q "}]}) == {
        "categories": [{"key": "q", "label": "Q"}],
        "student_groups": [],
    }
    assert validate_definition(TALLY, TALLY_DEF) == TALLY_DEF
    assert validate_definition(TALLY, {**TALLY_NO_GROUPS_DEF, "student_groups": []}) == {
        **TALLY_NO_GROUPS_DEF,
        "student_groups": [],
    }


def test_seating_chart_definition_defaults_to_relative_layout():
    normalized = validate_definition(SEATING, SEATING_DEF)

    assert normalized["layout"] == "relative"
    assert [(seat["x"], seat["y"]) for seat in normalized["seats"]] == [
        (0.0, 0.0),
        (0.5, 0.0),
        (1.0, 1.0),
    ]
    assert normalized["marks"] == SEATING_DEF["marks"]


def test_seating_chart_grid_layout_takes_cells():
    definition = {**GRID_DEF, "seats": [{"key": "r5c9", "label": "R5C9", "x": 8, "y": 99}]}

    assert validate_definition(SEATING, definition)["seats"] == definition["seats"]


def test_checklist_and_sweep_definitions():
    assert validate_definition(CHECKLIST, CHECKLIST_DEF) == CHECKLIST_DEF
    assert validate_definition(SWEEP, SWEEP_DEF) == SWEEP_DEF
    assert validate_definition(SWEEP, SWEEP_UNPLANNED_DEF) == {
        **SWEEP_UNPLANNED_DEF,
        "sweeps": None,
    }


def test_list_size_limits_are_inclusive():
    validate_definition(TALLY, {"categories": keyed(30), "student_groups": keyed(30)})
    validate_definition(SEATING, {"seats": seats(200), "marks": keyed(20)})
    validate_definition(CHECKLIST, {"items": keyed(100)})
    validate_definition(SWEEP, {"interval_minutes": 30, "behaviours": keyed(20), "sweeps": 60})
    validate_definition(SCRIPTING, {"prompts": ["p"] * 20})


def test_keys_allow_letters_digits_dash_underscore():
    definition = {"items": [{"key": key, "label": "x"} for key in ("a", "A1", "9_x-y", "k" * 40)]}

    assert validate_definition(CHECKLIST, definition) == definition


# --- definitions: invalid ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "definition", "expected"),
    [
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
    ],
)
def test_invalid_definitions(kind, definition, expected):
    assert definition_error_codes(kind, definition) == expected


# --- entries: valid ------------------------------------------------------------------------


def test_scripting_entry_normalised():
    entry = {"at": "2025-03-04T10:15:30+01:00", "text": "  I think it's 12 ", "student": " S1 "}

    assert validate_entry(SCRIPTING, None, entry) == {
        "at": "2025-03-04T09:15:30+00:00",
        "text": "I think it's 12",
        "student": "S1",
    }


@pytest.mark.parametrize(
    ("at", "normalized"),
    [
        ("2025-03-04T09:15:30Z", "2025-03-04T09:15:30+00:00"),
        ("2025-03-04T09:15:30.250-05:00", "2025-03-04T14:15:30.250000+00:00"),
        (0, 0),
        (95, 95),
        (95.12345, 95.123),
        (86_400, 86_400),
    ],
)
def test_times_are_utc_timestamps_or_offsets(at, normalized):
    assert validate_entry(SCRIPTING, None, {"at": at, "text": "x"})["at"] == normalized


def test_blank_optional_student_is_dropped():
    assert validate_entry(SCRIPTING, None, {"at": 1, "text": "x", "student": "  "}) == {
        "at": 1,
        "text": "x",
    }


def test_tally_entry_count_defaults_to_one():
    assert validate_entry(TALLY, TALLY_DEF, {"at": 5, "category": "asks", "group": "g2"}) == {
        "at": 5,
        "category": "asks",
        "group": "g2",
        "count": 1,
    }
    assert validate_entry(
        TALLY, TALLY_NO_GROUPS_DEF, {"at": 5, "category": "asks", "count": 3}
    ) == {
        "at": 5,
        "category": "asks",
        "count": 3,
    }


def test_seating_checklist_and_sweep_entries():
    assert validate_entry(
        SEATING, SEATING_DEF, {"at": 5, "seat": "b", "mark": "asks", "note": " why? "}
    ) == {
        "at": 5,
        "seat": "b",
        "mark": "asks",
        "note": "why?",
    }
    assert validate_entry(CHECKLIST, CHECKLIST_DEF, {"item": "i2", "checked": False}) == {
        "item": "i2",
        "checked": False,
    }
    assert validate_entry(CHECKLIST, CHECKLIST_DEF, {"item": "i2", "checked": True, "at": 60}) == {
        "item": "i2",
        "checked": True,
        "at": 60,
    }
    assert validate_entry(SWEEP, SWEEP_DEF, {"sweep": 2, "behaviour": "off", "students": 0}) == {
        "sweep": 2,
        "behaviour": "off",
        "students": 0,
    }
    assert validate_entry(
        SWEEP, SWEEP_UNPLANNED_DEF, {"sweep": 59, "behaviour": "on", "students": 1}
    )


# --- entries: invalid ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "definition", "entry", "expected"),
    [
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
    ],
)
def test_invalid_entries(kind, definition, entry, expected):
    assert entry_error_codes(kind, definition, entry) == expected


def test_entry_against_broken_definition_reports_the_definition():
    with pytest.raises(InvalidToolDefinition) as excinfo:
        validate_entry(TALLY, {"categories": []}, {"at": 1, "category": "asks"})

    assert codes(excinfo.value) == {"categories": ["min_items"]}


def test_entry_with_unknown_kind_is_refused():
    with pytest.raises(InvalidToolDefinition) as excinfo:
        validate_entry("PHOTO", {}, {})

    assert codes(excinfo.value) == {"kind": ["unknown_kind"]}


# --- summaries -----------------------------------------------------------------------------


def test_scripting_summary():
    entries = [
        {"at": "2025-03-04T09:20:00Z", "text": "We could divide first", "student": "S1"},
        {"at": "2025-03-04T09:05:00+00:00", "text": "Points at the chart", "student": "S2"},
        {"at": "2025-03-04T10:10:00+01:00", "text": "Because it is half", "student": "S1"},
        {"at": "2025-03-04T09:12:00Z", "text": "Group laughs"},
    ]

    assert summarize(SCRIPTING, {}, entries) == {
        "kind": "SCRIPTING",
        "entry_count": 4,
        "skipped_entries": 0,
        "first_at": "2025-03-04T09:05:00+00:00",
        "last_at": "2025-03-04T09:20:00+00:00",
        "entries_per_student": {"S1": 2, "S2": 1},
    }


def test_scripting_summary_with_offsets_and_mixed_times():
    offsets = [{"at": 30, "text": "a"}, {"at": 5, "text": "b"}, {"at": 120.5, "text": "c"}]

    summary = summarize(SCRIPTING, None, offsets)
    assert (summary["first_at"], summary["last_at"]) == (5, 120.5)

    mixed = [*offsets, {"at": "2025-03-04T09:05:00Z", "text": "d"}]
    summary = summarize(SCRIPTING, None, mixed)
    assert summary["first_at"] == summary["last_at"] == "2025-03-04T09:05:00+00:00"

    empty = summarize(SCRIPTING, None, [])
    assert (empty["entry_count"], empty["first_at"], empty["last_at"]) == (0, None, None)


def test_tally_summary_per_category_and_group():
    entries = [
        {"at": 10, "category": "asks", "group": "g1"},
        {"at": 20, "category": "asks", "group": "g2", "count": 2},
        {"at": 30, "category": "answers", "group": "g1", "count": 3},
        {"at": 40, "category": "asks", "group": "g1"},
        {"at": 50, "category": "removed-category", "group": "g1"},  # stale: skipped
    ]

    assert summarize(TALLY, TALLY_DEF, entries) == {
        "kind": "TALLY",
        "entry_count": 4,
        "skipped_entries": 1,
        "total": 7,
        "per_category": {"asks": 4, "answers": 3},
        "per_group": {"g1": 5, "g2": 2},
        "per_group_and_category": {
            "g1": {"asks": 2, "answers": 3},
            "g2": {"asks": 2, "answers": 0},
        },
    }


def test_tally_summary_without_groups():
    entries = [{"at": 1, "category": "answers"}, {"at": 2, "category": "answers", "count": 4}]

    summary = summarize(TALLY, TALLY_NO_GROUPS_DEF, entries)

    assert summary["total"] == 5
    assert summary["per_category"] == {"asks": 0, "answers": 5}
    assert summary["per_group"] == {}
    assert summary["per_group_and_category"] == {}


def test_seating_chart_summary_marks_per_seat_and_unmarked_seats():
    entries = [
        {"at": 1, "seat": "a", "mark": "asks"},
        {"at": 2, "seat": "a", "mark": "answers"},
        {"at": 3, "seat": "a", "mark": "asks", "note": "asks about the graph"},
        {"at": 4, "seat": "b", "mark": "answers"},
    ]

    assert summarize(SEATING, SEATING_DEF, entries) == {
        "kind": "SEATING_CHART",
        "entry_count": 4,
        "skipped_entries": 0,
        "per_seat": {
            "a": {"asks": 2, "answers": 1},
            "b": {"asks": 0, "answers": 1},
            "c": {"asks": 0, "answers": 0},
        },
        "per_mark": {"asks": 2, "answers": 2},
        "seats_marked": 2,
        "seats_never_marked": ["c"],
    }


def test_checklist_summary_last_entry_per_item_wins():
    entries = [
        {"item": "i1", "checked": True},
        {"item": "i2", "checked": True},
        {"item": "i2", "checked": False},
        {"item": "i3", "checked": False, "note": "not seen yet"},
    ]

    assert summarize(CHECKLIST, CHECKLIST_DEF, entries) == {
        "kind": "CHECKLIST",
        "entry_count": 4,
        "skipped_entries": 0,
        "item_count": 3,
        "checked_count": 1,
        "checked": ["i1"],
        "unchecked": ["i2", "i3"],
        "notes": {"i3": ["not seen yet"]},
    }


def test_sweep_summary_per_sweep_and_share():
    entries = [
        {"sweep": 0, "behaviour": "on", "students": 20},
        {"sweep": 0, "behaviour": "off", "students": 5},
        {"sweep": 1, "behaviour": "on", "students": 12},
        {"sweep": 1, "behaviour": "off", "students": 10},
        {"sweep": 1, "behaviour": "on", "students": 15},  # corrects the 12
    ]

    assert summarize(SWEEP, SWEEP_DEF, entries) == {
        "kind": "TIMED_INTERVAL_SWEEP",
        "entry_count": 5,
        "skipped_entries": 0,
        "interval_minutes": 3,
        "sweeps": [
            {
                "sweep": 0,
                "minute": 0,
                "observed": True,
                "total_students": 25,
                "students": {"on": 20, "off": 5},
                "share": {"on": 0.8, "off": 0.2},
            },
            {
                "sweep": 1,
                "minute": 3,
                "observed": True,
                "total_students": 25,
                "students": {"on": 15, "off": 10},
                "share": {"on": 0.6, "off": 0.4},
            },
            {
                "sweep": 2,
                "minute": 6,
                "observed": False,
                "total_students": 0,
                "students": {"on": 0, "off": 0},
                "share": {"on": None, "off": None},
            },
        ],
        "average_share": {"on": 0.7, "off": 0.3},
    }


def test_sweep_summary_without_planned_sweeps_runs_to_the_last_observed():
    entries = [
        {"sweep": 1, "behaviour": "on", "students": 3},
        {"sweep": 1, "behaviour": "off", "students": 0},
    ]

    summary = summarize(SWEEP, SWEEP_UNPLANNED_DEF, entries)

    assert [(s["sweep"], s["minute"], s["observed"]) for s in summary["sweeps"]] == [
        (0, 0, False),
        (1, 5, True),
    ]
    assert summary["sweeps"][1]["share"] == {"on": 1.0, "off": 0.0}
    assert summary["average_share"] == {"on": 1.0, "off": 0.0}
    assert summarize(SWEEP, SWEEP_UNPLANNED_DEF, [])["average_share"] == {"on": None, "off": None}


def test_summarize_refuses_a_broken_definition():
    with pytest.raises(InvalidToolDefinition):
        summarize(CHECKLIST, {"items": []}, [])


@pytest.mark.parametrize("kind", list(ToolKind))
def test_empty_summaries_are_json(kind):
    summary = summarize(kind, VALID_DEFINITIONS[kind], [])

    assert summary["entry_count"] == 0
    assert json.loads(json.dumps(summary)) == summary


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
