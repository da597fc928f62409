"""CHECKLIST: items checked or not; the last entry per item counts.

definition ``{"items": [{"key", "label"}]}``;
entry ``{"item": key, "checked": bool, "note": str?, "at": time?}``.
"""

from __future__ import annotations

from typing import Any

from .toolkit import (
    MAX_NOTE_LENGTH,
    _bool,
    _choice,
    _Errors,
    _fields,
    _keyed_list,
    _optional_text,
    _present,
    _time,
)

MAX_CHECKLIST_ITEMS = 100


def check_definition(definition: object, errors: _Errors) -> dict[str, Any]:
    fields = _fields(definition, (), errors, required=("items",))
    if fields is None:
        return {}
    return {"items": _keyed_list(fields, "items", errors, max_items=MAX_CHECKLIST_ITEMS)}


def check_entry(definition: dict, entry: object, errors: _Errors) -> dict[str, Any]:
    fields = _fields(entry, (), errors, required=("item", "checked"), optional=("note", "at"))
    if fields is None:
        return {}
    normalized: dict[str, Any] = {
        "item": _present(
            fields, (), "item", _choice, errors, choices=definition["items"], what="checklist item"
        ),
        "checked": _present(fields, (), "checked", _bool, errors),
    }
    if fields.get("at") is not None:
        normalized["at"] = _time(fields["at"], ("at",), errors)
    note = _optional_text(fields, "note", errors, max_length=MAX_NOTE_LENGTH)
    if note is not None:
        normalized["note"] = note
    return normalized


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
