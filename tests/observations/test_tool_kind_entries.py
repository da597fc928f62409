"""observations.tool_kinds.validate_entry: what each kind's entries normalise to, and what
they refuse."""

from __future__ import annotations

import math

import pytest

from observations.tool_kinds import InvalidToolDefinition, validate_entry
from tests.observations.tool_definitions import (
    CHECKLIST,
    CHECKLIST_DEF,
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
