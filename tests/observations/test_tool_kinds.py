"""observations.tool_kinds: the kinds, and how refusals are reported. Definitions, entries,
summaries and the library have their own files (test_tool_kind_*.py, test_tool_library.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from observations.tool_kinds import (
    InvalidToolDefinition,
    ToolKind,
    field_errors,
    validate_definition,
)
from tests.observations.tool_definitions import TALLY, definition_error_codes

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
