"""SEATING_CHART: marks on the seats of a room plan.

definition ``{"layout": "relative"|"grid"?, "seats": [{"key", "label", "x", "y"}],
"marks": [{"key", "label"}]}``; x, y in 0..1 (relative) or grid cells 0..99 (grid);
entry ``{"at": time, "seat": key, "mark": key, "note": str?}``.
"""

from __future__ import annotations

from typing import Any

from .toolkit import (
    INVALID_CHOICE,
    MAX_NOTE_LENGTH,
    Path,
    _choice,
    _Errors,
    _fields,
    _int,
    _keyed_list,
    _number,
    _optional_text,
    _present,
    _time,
)

MAX_SEATS = 200
MAX_MARKS = 20
MAX_GRID_CELL = 99

_LAYOUTS = ("relative", "grid")


def check_definition(definition: object, errors: _Errors) -> dict[str, Any]:
    fields = _fields(definition, (), errors, required=("seats", "marks"), optional=("layout",))
    if fields is None:
        return {}
    layout = fields.get("layout")
    if layout is None:
        layout = "relative"
    elif layout not in _LAYOUTS:
        errors.add(
            ("layout",),
            "Layout is 'relative' (x and y from 0 to 1) or 'grid' (cells from 0 to %(max)d).",
            INVALID_CHOICE,
            max=MAX_GRID_CELL,
        )
        layout = None

    def coordinate(value: object, path: Path, errors: _Errors) -> float | int | None:
        if layout == "grid":
            return _int(value, path, errors, minimum=0, maximum=MAX_GRID_CELL)
        if layout == "relative":
            return _number(value, path, errors, minimum=0.0, maximum=1.0)
        return None  # the layout itself is invalid; do not pile errors on every seat

    seats = _keyed_list(
        fields, "seats", errors, max_items=MAX_SEATS, extra={"x": coordinate, "y": coordinate}
    )
    marks = _keyed_list(fields, "marks", errors, max_items=MAX_MARKS)
    return {"layout": layout, "seats": seats, "marks": marks}


def check_entry(definition: dict, entry: object, errors: _Errors) -> dict[str, Any]:
    fields = _fields(entry, (), errors, required=("at", "seat", "mark"), optional=("note",))
    if fields is None:
        return {}
    normalized: dict[str, Any] = {
        "at": _present(fields, (), "at", _time, errors),
        "seat": _present(
            fields, (), "seat", _choice, errors, choices=definition["seats"], what="seat"
        ),
        "mark": _present(
            fields, (), "mark", _choice, errors, choices=definition["marks"], what="mark"
        ),
    }
    note = _optional_text(fields, "note", errors, max_length=MAX_NOTE_LENGTH)
    if note is not None:
        normalized["note"] = note
    return normalized


def summary(definition: dict, entries: list[dict]) -> dict[str, Any]:
    mark_keys = [mark["key"] for mark in definition["marks"]]
    per_seat = {seat["key"]: dict.fromkeys(mark_keys, 0) for seat in definition["seats"]}
    per_mark = dict.fromkeys(mark_keys, 0)
    for entry in entries:
        per_seat[entry["seat"]][entry["mark"]] += 1
        per_mark[entry["mark"]] += 1
    return {
        "per_seat": per_seat,
        "per_mark": per_mark,
        "seats_marked": sum(1 for marks in per_seat.values() if any(marks.values())),
        "seats_never_marked": [seat for seat, marks in per_seat.items() if not any(marks.values())],
    }
