"""CHECKLIST: items checked or not; the last entry per item counts.

definition ``{"items": [{"key", "label"}]}``;
entry ``{"item": key, "checked": bool, "note": str?, "at": time?}``.
"""

from __future__ import annotations

from typing import Any

from .shapes import Bool, Choice, Context, Field, KeyedList, Obj, Text, Time
from .toolkit import MAX_NOTE_LENGTH, _Errors

MAX_CHECKLIST_ITEMS = 100

DEFINITION = Obj(
    name="Checklist",
    description="A checklist: items ticked when seen.",
    fields={
        "items": Field(
            KeyedList(max_items=MAX_CHECKLIST_ITEMS),
            f"1 to {MAX_CHECKLIST_ITEMS} items to look for.",
            required=True,
        ),
    },
)


def entry_shape(definition: dict | None = None) -> Obj:
    return Obj(
        name="Checklist",
        description="An item ticked or unticked; the last entry per item counts.",
        fields={
            "item": Field(Choice("items", "checklist item"), "The item's key.", required=True),
            "checked": Field(Bool(), "Whether it was seen.", required=True),
            "note": Field(
                Text(MAX_NOTE_LENGTH),
                f"A note (at most {MAX_NOTE_LENGTH} characters); blank is none.",
                blank_is_absent=True,
            ),
            "at": Field(Time(), "When."),
        },
    )


def check_definition(definition: object, errors: _Errors) -> dict[str, Any]:
    return DEFINITION.check(definition, (), errors, Context())


def check_entry(definition: dict, entry: object, errors: _Errors) -> dict[str, Any]:
    return entry_shape(definition).check(entry, (), errors, Context(definition))


def summary(definition: dict, entries: list[dict]) -> dict[str, Any]:
    # The phone toggles an item by sending a new entry, so the last entry per item counts.
    state = {item["key"]: False for item in definition["items"]}
    notes: dict[str, list[str]] = {}
    for entry in entries:
        state[entry["item"]] = entry["checked"]
        if "note" in entry:
            notes.setdefault(entry["item"], []).append(entry["note"])
    return {
        "item_count": len(state),
        "checked_count": sum(state.values()),
        "checked": [key for key, checked in state.items() if checked],
        "unchecked": [key for key, checked in state.items() if not checked],
        "notes": notes,
    }
