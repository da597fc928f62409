"""TIMED_INTERVAL_SWEEP: every few minutes, how many students show each behaviour.

definition ``{"interval_minutes": 1..30, "behaviours": [{"key", "label"}], "sweeps": int?}``;
entry ``{"sweep": index >= 0, "behaviour": key, "students": int >= 0}``.
"""

from __future__ import annotations

from typing import Any

from .shapes import Choice, Context, Field, Int, KeyedList, Obj
from .toolkit import _Errors

MAX_BEHAVIOURS = 20
MAX_INTERVAL_MINUTES = 30
MAX_SWEEPS = 60
MAX_SWEEP_STUDENTS = 500

DEFINITION = Obj(
    name="TimedIntervalSweep",
    description="A timed interval sweep: every few minutes, students per behaviour.",
    fields={
        "interval_minutes": Field(
            Int(1, MAX_INTERVAL_MINUTES),
            f"Minutes between sweeps (1 to {MAX_INTERVAL_MINUTES}).",
            required=True,
        ),
        "behaviours": Field(
            KeyedList(max_items=MAX_BEHAVIOURS),
            f"1 to {MAX_BEHAVIOURS} behaviours to count.",
            required=True,
        ),
        "sweeps": Field(
            Int(1, MAX_SWEEPS),
            f"How many sweeps are planned (1 to {MAX_SWEEPS}); null when open-ended.",
            default=None,
        ),
    },
)


def entry_shape(definition: dict | None = None) -> Obj:
    planned = None if definition is None else definition["sweeps"]
    last_sweep = (planned if planned is not None else MAX_SWEEPS) - 1
    return Obj(
        name="TimedIntervalSweep",
        description="How many students showed one behaviour in one sweep.",
        fields={
            "sweep": Field(
                Int(0, last_sweep),
                "The sweep's index from 0 (below the planned sweeps, or 60).",
                required=True,
            ),
            "behaviour": Field(
                Choice("behaviours", "behaviour"), "The behaviour's key.", required=True
            ),
            "students": Field(
                Int(0, MAX_SWEEP_STUDENTS),
                f"How many students (0 to {MAX_SWEEP_STUDENTS}); a later entry for the same "
                "sweep and behaviour replaces it.",
                required=True,
            ),
        },
    )


def check_definition(definition: object, errors: _Errors) -> dict[str, Any]:
    return DEFINITION.check(definition, (), errors, Context())


def check_entry(definition: dict, entry: object, errors: _Errors) -> dict[str, Any]:
    return entry_shape(definition).check(entry, (), errors, Context(definition))


def summary(definition: dict, entries: list[dict]) -> dict[str, Any]:
    behaviour_keys = [behaviour["key"] for behaviour in definition["behaviours"]]
    interval = definition["interval_minutes"]
    # A count is a snapshot of one sweep, so a later entry for the same sweep and behaviour
    # corrects the earlier one instead of adding to it.
    counts: dict[tuple[int, str], int] = {}
    for entry in entries:
        counts[entry["sweep"], entry["behaviour"]] = entry["students"]
    planned = definition["sweeps"]
    last_seen = max((sweep for sweep, _ in counts), default=-1)
    sweep_count = max(planned or 0, last_seen + 1)

    sweeps = []
    shares: dict[str, list[float]] = {key: [] for key in behaviour_keys}
    for index in range(sweep_count):
        students = {key: counts.get((index, key), 0) for key in behaviour_keys}
        total = sum(students.values())
        share = {key: (_ratio(n, total) if total else None) for key, n in students.items()}
        if total:
            for key in behaviour_keys:
                shares[key].append(students[key] / total)
        sweeps.append(
            {
                "sweep": index,
                "minute": index * interval,
                "observed": any((index, key) in counts for key in behaviour_keys),
                "total_students": total,
                "students": students,
                "share": share,
            }
        )
    return {
        "interval_minutes": interval,
        "sweeps": sweeps,
        "average_share": {
            key: (_ratio(sum(values), len(values)) if values else None)
            for key, values in shares.items()
        },
    }


def _ratio(numerator: float, denominator: float) -> float:
    return round(numerator / denominator, 3)
