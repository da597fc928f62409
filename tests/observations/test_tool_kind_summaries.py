"""observations.tool_kinds.summarize: each kind's data summary, worked out by hand."""

from __future__ import annotations

import json

import pytest

from observations.tool_kinds import InvalidToolDefinition, ToolKind, summarize
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
    VALID_DEFINITIONS,
)

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
