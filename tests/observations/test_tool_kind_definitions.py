"""observations.tool_kinds.validate_definition: what each kind's definition normalises to, and
what it refuses."""

from __future__ import annotations

import pytest

from observations.tool_kinds import validate_definition
from tests.observations.tool_definitions import (
    CHECKLIST,
    CHECKLIST_DEF,
    GRID_DEF,
    INVALID_DEFINITIONS,
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
    INVALID_DEFINITIONS,
)
def test_invalid_definitions(kind, definition, expected):
    assert definition_error_codes(kind, definition) == expected
