"""SEATING_CHART: marks on the seats of a room plan.

definition ``{"layout": "relative"|"grid"?, "seats": [{"key", "label", "x", "y"}],
"marks": [{"key", "label"}]}``; x, y in 0..1 (relative) or grid cells 0..99 (grid);
entry ``{"at": time, "seat": key, "mark": key, "note": str?}``.
"""

from __future__ import annotations

from typing import Any

from .shapes import (
    Choice,
    Context,
    Enum,
    Field,
    Int,
    KeyedList,
    Number,
    Obj,
    Shape,
    Text,
    Time,
)
from .toolkit import MAX_NOTE_LENGTH, _Errors

MAX_SEATS = 200
MAX_MARKS = 20
MAX_GRID_CELL = 99

LAYOUT = Enum(
    values=("relative", "grid"),
    message=f"Layout is 'relative' (x and y from 0 to 1) or 'grid' (cells from 0 to "
    f"{MAX_GRID_CELL}).",
    name="SeatingChartLayout",
)
# A seat's x and y: fractions of the room (relative) or cells (grid).
COORDINATES: dict[str, Shape] = {
    "relative": Number(0.0, 1.0),
    "grid": Int(0, MAX_GRID_CELL),
}
COORDINATE_DOCS = {
    "x": "Across the room: 0 to 1 (relative layout) or a cell from 0 to 99 (grid).",
    "y": "From the front: 0 to 1 (relative layout) or a cell from 0 to 99 (grid).",
}


class _Coordinate(Shape):
    """x or y: checked by the layout, and not at all when the layout itself is wrong (so
    one wrong layout is one error, not one per seat)."""

    def __init__(self, layout: str | None) -> None:
        self.layout = layout

    def check(self, value, path, errors, ctx):
        shape = COORDINATES.get(self.layout or "")
        return None if shape is None else shape.check(value, path, errors, ctx)

    def json_schema(self, ctx):
        return {"type": "number"}  # narrowed by the definition's if/then on the layout


def _seats(layout: str | None) -> KeyedList:
    coordinate = _Coordinate(layout)
    return KeyedList(
        max_items=MAX_SEATS,
        extra={"x": coordinate, "y": coordinate},
        item_name="SeatingChartSeat",
        extra_descriptions=COORDINATE_DOCS,
    )


def _layout_conditions(ctx: Context) -> dict:
    seats = _seats(None)

    def seats_with(layout: str) -> dict:
        shape = COORDINATES[layout]
        return {"properties": {"seats": seats.json_schema(ctx, {"x": shape, "y": shape})}}

    return {
        "if": {"properties": {"layout": {"const": "GRID"}}, "required": ["layout"]},
        "then": seats_with("grid"),
        "else": seats_with("relative"),
    }


def _definition_shape(layout: str | None) -> Obj:
    return Obj(
        name="SeatingChart",
        description="A seating chart: seats on a room plan and the marks put on them.",
        fields={
            "layout": Field(
                LAYOUT,
                "RELATIVE (x and y from 0 to 1, the default) or GRID (cells from 0 to 99).",
                default="relative",
            ),
            "seats": Field(
                _seats(layout),
                f"1 to {MAX_SEATS} seats with their place on the plan.",
                required=True,
            ),
            "marks": Field(
                KeyedList(max_items=MAX_MARKS),
                f"1 to {MAX_MARKS} marks a visitor can put on a seat.",
                required=True,
            ),
        },
        schema_extra=_layout_conditions,
    )


DEFINITION = _definition_shape(None)


def entry_shape(definition: dict | None = None) -> Obj:
    return Obj(
        name="SeatingChart",
        description="A mark put on a seat.",
        fields={
            "at": Field(Time(), "When.", required=True),
            "seat": Field(Choice("seats", "seat"), "The seat's key.", required=True),
            "mark": Field(Choice("marks", "mark"), "The mark's key.", required=True),
            "note": Field(
                Text(MAX_NOTE_LENGTH),
                f"A note (at most {MAX_NOTE_LENGTH} characters); blank is none.",
                blank_is_absent=True,
            ),
        },
    )


def check_definition(definition: object, errors: _Errors) -> dict[str, Any]:
    raw = definition.get("layout") if isinstance(definition, dict) else None
    layout = "relative" if raw is None else raw if raw in LAYOUT.values else None
    return _definition_shape(layout).check(definition, (), errors, Context())


def check_entry(definition: dict, entry: object, errors: _Errors) -> dict[str, Any]:
    return entry_shape(definition).check(entry, (), errors, Context(definition))


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
