"""observations.tool_kinds.validate_definition: what each kind's definition normalises to, and
what it refuses."""

from __future__ import annotations

import math

import pytest

from observations.tool_kinds import validate_definition
from tests.observations.tool_definitions import (
    CHECKLIST,
    CHECKLIST_DEF,
    GRID_DEF,
    SCRIPTING,
    SEATING,
    SEATING_DEF,
    SWEEP,
    SWEEP_DEF,
    SWEEP_UNPLANNED_DEF,
    TALLY,
    TALLY_DEF,
    TALLY_NO_GROUPS_DEF,
    definition_error_codes,
    keyed,
    seats,
)

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
