"""The PDSA and RUN_CHART rules on hand-made rows (pure: no database)."""

from datetime import UTC, date, datetime

from credentials.progress import (
    IN_PROGRESS,
    MET,
    Context,
    PdsaRow,
    RunChartRow,
    Slot,
    evaluate,
)

NOW = date(2026, 12, 1)


def ctx(title="Understanding Improvement", person_id=1):
    return Context(person_id=person_id, cohort_id=None, now=datetime(2026, 12, 1, tzinfo=UTC),
                   title=title)  # fmt: skip


def test_needs_without_complete_asks_only_the_parts_named():
    slot = Slot("p", "RECORDS", "Cycles", {"source": "PDSA", "count": 1,
                                           "rules": {"needs": ["prediction"]}})  # fmt: skip
    planned = PdsaRow(7, 1, 3, 1, "PLAN", has_do_dates=False, has_results=False,
                      has_decision=False, has_measured=False)  # fmt: skip
    assert evaluate(slot, {"PDSA": [planned]}, ctx(), []).state == MET
    unpredicted = PdsaRow(8, 1, 3, 1, "PLAN", has_prediction=False)
    found = evaluate(slot, {"PDSA": [unpredicted]}, ctx(), [])
    assert (found.state, found.reasons) == (
        IN_PROGRESS,
        ["Understanding Improvement: tests of change 0 of 1; cycle 1 has no prediction"],
    )


def test_complete_needs_every_stage_and_the_owner():
    slot = Slot("p", "RECORDS", "Cycles", {"source": "PDSA", "count": 1,
                                           "rules": {"complete": True}})  # fmt: skip
    done = PdsaRow(9, 1, 3, 2, "DONE", done_on=NOW)
    assert evaluate(slot, [done], ctx(), []).candidates == [9]
    assert evaluate(slot, [done], ctx(person_id=2), []).candidates == []
    undated = PdsaRow(10, 1, 3, 2, "ACT", has_do_dates=False)
    assert evaluate(slot, [undated], ctx(), []).reasons == [
        "Understanding Improvement: tests of change 0 of 1; cycle 2 has no Do dates"
    ]


def test_a_chart_with_points_counts_without_a_minimum():
    slot = Slot("c", "RECORDS", "Chart", {"source": "RUN_CHART", "count": 1})
    assert evaluate(slot, [RunChartRow(4, 1, 1)], ctx(), []).state == MET
    assert evaluate(slot, [RunChartRow(4, 1, 0)], ctx(), []).state == "NOT_STARTED"
