"""observations.tool_kinds.validate_entry: what each kind's entries normalise to, and what
they refuse."""

from __future__ import annotations

import pytest

from observations.tool_kinds import InvalidToolDefinition, validate_entry
from tests.observations.tool_definitions import (
    CHECKLIST,
    CHECKLIST_DEF,
    INVALID_ENTRIES,
    SCRIPTING,
    SEATING,
    SEATING_DEF,
    SWEEP,
    SWEEP_DEF,
    SWEEP_UNPLANNED_DEF,
    TALLY,
    TALLY_DEF,
    TALLY_NO_GROUPS_DEF,
    codes,
    entry_error_codes,
)

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
    INVALID_ENTRIES,
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
