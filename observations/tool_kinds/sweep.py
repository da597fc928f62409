"""TIMED_INTERVAL_SWEEP: every few minutes, how many students show each behaviour.

definition ``{"interval_minutes": 1..30, "behaviours": [{"key", "label"}], "sweeps": int?}``;
entry ``{"sweep": index >= 0, "behaviour": key, "students": int >= 0}``.
"""

from __future__ import annotations

from typing import Any

from .toolkit import _choice, _Errors, _fields, _int, _keyed_list, _present

MAX_BEHAVIOURS = 20
MAX_INTERVAL_MINUTES = 30
MAX_SWEEPS = 60
MAX_SWEEP_STUDENTS = 500


def check_definition(definition: object, errors: _Errors) -> dict[str, Any]:
    fields = _fields(
        definition, (), errors, required=("interval_minutes", "behaviours"), optional=("sweeps",)
    )
    if fields is None:
        return {}
    interval = _present(
        fields, (), "interval_minutes", _int, errors, minimum=1, maximum=MAX_INTERVAL_MINUTES
    )
    sweeps = _present(fields, (), "sweeps", _int, errors, minimum=1, maximum=MAX_SWEEPS)
    behaviours = _keyed_list(fields, "behaviours", errors, max_items=MAX_BEHAVIOURS)
    return {"interval_minutes": interval, "behaviours": behaviours, "sweeps": sweeps}


def check_entry(definition: dict, entry: object, errors: _Errors) -> dict[str, Any]:
    fields = _fields(entry, (), errors, required=("sweep", "behaviour", "students"))
    if fields is None:
        return {}
    planned = definition["sweeps"]
    last_sweep = (planned if planned is not None else MAX_SWEEPS) - 1
    behaviours = definition["behaviours"]
    return {
        "sweep": _present(fields, (), "sweep", _int, errors, minimum=0, maximum=last_sweep),
        "behaviour": _present(
            fields, (), "behaviour", _choice, errors, choices=behaviours, what="behaviour"
        ),
        "students": _present(
            fields, (), "students", _int, errors, minimum=0, maximum=MAX_SWEEP_STUDENTS
        ),
    }


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
