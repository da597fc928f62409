"""Data-collection tool kinds: what a tool's definition and its collected entries look like.

In a Student Learning Reflection Cycle the host teacher asks a Student Learning Question and a
data-collection tool is crafted for it. During the visit the visitor's phone submits *entries*
against that tool; at the reflection the entries are summarised on the reflection sheet.

A tool is a ``kind`` plus a JSON-able ``definition``:

SCRIPTING
    definition ``{"prompts": [str, ...]}`` (optional focus prompts)
    entry ``{"at": time, "text": str, "student": str?}``
TALLY
    definition ``{"categories": [{"key", "label"}], "student_groups": [{"key", "label"}]?}``
    entry ``{"at": time, "category": key, "group": key (only when groups exist), "count": int?}``
SEATING_CHART
    definition ``{"layout": "relative"|"grid"?, "seats": [{"key", "label", "x", "y"}],
    "marks": [{"key", "label"}]}``; x, y in 0..1 (relative) or grid cells 0..99 (grid)
    entry ``{"at": time, "seat": key, "mark": key, "note": str?}``
CHECKLIST
    definition ``{"items": [{"key", "label"}]}``
    entry ``{"item": key, "checked": bool, "note": str?, "at": time?}``
TIMED_INTERVAL_SWEEP
    definition ``{"interval_minutes": 1..30, "behaviours": [{"key", "label"}], "sweeps": int?}``
    entry ``{"sweep": index >= 0, "behaviour": key, "students": int >= 0}``

A *time* is an ISO-8601 timestamp with a UTC offset (normalised to UTC) or a number of seconds
since the start of the visit. Keys are short identifiers (letters, digits, ``-``, ``_``),
unique within their list regardless of case.

Errors are ``ValidationError`` subclasses whose ``error_dict`` maps a field path to its errors,
each with a ``code``: a path is dotted with list indexes (``"categories.2.label"``), and
``"__all__"`` is the object itself. ``InvalidToolDefinition.code`` is
``"INVALID_TOOL_DEFINITION"`` and ``InvalidToolData.code`` is ``"INVALID_TOOL_DATA"``.

Pure Python: needs neither Django settings nor a database.

Layout: `toolkit` holds the error codes, errors and field checks; one module per kind
(`scripting`, `tally`, `seating_chart`, `checklist`, `sweep`) holds its bounds, its
definition and entry checks and its summary; this module names the kinds and dispatches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from enum import StrEnum
from typing import Any

from . import checklist, scripting, seating_chart, sweep, tally
from .api_form import to_api_form, to_api_path, to_stored_form
from .shapes import Context, Obj, document
from .toolkit import (
    INVALID_TOOL_DATA,
    INVALID_TOOL_DEFINITION,
    UNKNOWN_KIND,
    InvalidToolData,
    InvalidToolDefinition,
    ToolValidationError,
    _Errors,
    _shorten,
    field_errors,
)

__all__ = [
    "INVALID_TOOL_DATA",
    "INVALID_TOOL_DEFINITION",
    "InvalidToolData",
    "InvalidToolDefinition",
    "ToolKind",
    "ToolValidationError",
    "definition_json_schema",
    "definition_shape",
    "entry_json_schema",
    "entry_shape",
    "field_errors",
    "summarize",
    "to_api_form",
    "to_api_path",
    "to_stored_form",
    "validate_definition",
    "validate_entry",
    "validate_kind",
]


class ToolKind(StrEnum):
    """The kinds of data-collection tool the app supports."""

    SCRIPTING = "SCRIPTING"
    TALLY = "TALLY"
    SEATING_CHART = "SEATING_CHART"
    CHECKLIST = "CHECKLIST"
    TIMED_INTERVAL_SWEEP = "TIMED_INTERVAL_SWEEP"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]

    @property
    def is_qualitative(self) -> bool:
        """Scripting collects words; every other kind collects counts."""
        return self is ToolKind.SCRIPTING


_KIND_LABELS = {
    ToolKind.SCRIPTING: "Scripting",
    ToolKind.TALLY: "Tally",
    ToolKind.SEATING_CHART: "Seating chart",
    ToolKind.CHECKLIST: "Checklist",
    ToolKind.TIMED_INTERVAL_SWEEP: "Timed interval sweep",
}


def validate_definition(kind: str, definition: Mapping[str, Any] | None) -> dict[str, Any]:
    """Check a tool definition for ``kind`` and return it normalised.

    Normalised means: labels and texts stripped, optional lists present (possibly empty),
    numbers as int/float. Raises ``InvalidToolDefinition`` listing every problem found.
    """
    errors = _Errors()
    tool_kind = _kind(kind, errors)
    if tool_kind is None:
        raise errors.as_exception(InvalidToolDefinition)
    normalized = _DEFINITION_VALIDATORS[tool_kind]({} if definition is None else definition, errors)
    if errors:
        raise errors.as_exception(InvalidToolDefinition)
    return normalized


def validate_entry(
    kind: str, definition: Mapping[str, Any] | None, entry: Mapping[str, Any]
) -> dict[str, Any]:
    """Check one data entry collected with a tool and return it normalised.

    The definition is validated first (``InvalidToolDefinition`` if it is broken); keys in
    the entry must exist in it. Raises ``InvalidToolData`` listing every problem found.
    """
    tool_kind = ToolKind(validate_kind(kind))
    normalized_definition = validate_definition(tool_kind, definition)
    return _validate_entry(tool_kind, normalized_definition, entry)


def validate_kind(kind: str) -> str:
    """The kind as its canonical string, or ``InvalidToolDefinition`` on field ``kind``."""
    errors = _Errors()
    tool_kind = _kind(kind, errors)
    if tool_kind is None:
        raise errors.as_exception(InvalidToolDefinition)
    return tool_kind.value


def summarize(
    kind: str, definition: Mapping[str, Any] | None, entries: Iterable[Mapping[str, Any]]
) -> dict[str, Any]:
    """The data summary a reflection sheet shows for the entries collected with a tool.

    Entries are taken in the order given (the order they were collected). Entries that no
    longer validate, for example because a key was removed from the definition, are left
    out and counted in ``skipped_entries`` so one stale row cannot break a reflection sheet.
    Every summary is JSON-able and also has ``kind`` and ``entry_count``.
    """
    tool_kind = ToolKind(validate_kind(kind))
    normalized_definition = validate_definition(tool_kind, definition)
    valid: list[dict[str, Any]] = []
    skipped = 0
    for entry in entries:
        try:
            valid.append(_validate_entry(tool_kind, normalized_definition, entry))
        except InvalidToolData:
            skipped += 1
    summary = _SUMMARIZERS[tool_kind](normalized_definition, valid)
    return {
        "kind": tool_kind.value,
        "entry_count": len(valid),
        "skipped_entries": skipped,
    } | summary


def definition_shape(kind: ToolKind) -> Obj:
    """The declared shape of a kind's definition (for the GraphQL types)."""
    return _MODULES[kind].DEFINITION


def entry_shape(kind: ToolKind, definition: Mapping[str, Any] | None = None) -> Obj:
    """The declared shape of a kind's entries; with a definition, of that tool's entries."""
    return _MODULES[kind].entry_shape(definition)


def definition_json_schema(kind: str) -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of a kind's definition in the API form (camelCase, as the
    phone sends it in ``ToolDefinitionInput``)."""
    tool_kind = ToolKind(kind)
    return document(
        f"{tool_kind.label} tool definition",
        definition_shape(tool_kind),
        Context(),
        f"{SCHEMA_ID_BASE}/{tool_kind.value.lower()}.definition.json",
    )


def entry_json_schema(kind: str, definition: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of a kind's entry in the API form (as the phone sends it in
    ``ObservationEntryInput``). Without a definition it holds for every tool of the kind;
    with a tool's (normalised, stored) definition it also knows that tool's keys, whether a
    tally entry needs a group and how many sweeps there are."""
    tool_kind = ToolKind(kind)
    return document(
        f"{tool_kind.label} entry",
        entry_shape(tool_kind, definition),
        Context(definition),
        f"{SCHEMA_ID_BASE}/{tool_kind.value.lower()}.entry.json",
    )


# Where the server publishes them (observations/urls.py); committed under schema/tool-kinds/.
SCHEMA_ID_BASE = "/observations/tool-kinds"


def _validate_entry(
    kind: ToolKind, definition: dict[str, Any], entry: Mapping[str, Any]
) -> dict[str, Any]:
    errors = _Errors()
    normalized = _ENTRY_VALIDATORS[kind](definition, entry, errors)
    if errors:
        raise errors.as_exception(InvalidToolData)
    return normalized


def _kind(kind: object, errors: _Errors) -> ToolKind | None:
    try:
        return ToolKind(kind)  # type: ignore[arg-type]  # any value: ValueError is the answer
    except ValueError:
        errors.add(
            ("kind",),
            "Unknown tool kind %(kind)s. Use one of: %(choices)s.",
            UNKNOWN_KIND,
            kind=_shorten(kind),
            choices=", ".join(ToolKind),
        )
        return None


_MODULES = {
    ToolKind.SCRIPTING: scripting,
    ToolKind.TALLY: tally,
    ToolKind.SEATING_CHART: seating_chart,
    ToolKind.CHECKLIST: checklist,
    ToolKind.TIMED_INTERVAL_SWEEP: sweep,
}

_DEFINITION_VALIDATORS: dict[ToolKind, Callable[[object, _Errors], dict[str, Any]]] = {
    ToolKind.SCRIPTING: scripting.check_definition,
    ToolKind.TALLY: tally.check_definition,
    ToolKind.SEATING_CHART: seating_chart.check_definition,
    ToolKind.CHECKLIST: checklist.check_definition,
    ToolKind.TIMED_INTERVAL_SWEEP: sweep.check_definition,
}

_ENTRY_VALIDATORS: dict[ToolKind, Callable[[dict, object, _Errors], dict[str, Any]]] = {
    ToolKind.SCRIPTING: scripting.check_entry,
    ToolKind.TALLY: tally.check_entry,
    ToolKind.SEATING_CHART: seating_chart.check_entry,
    ToolKind.CHECKLIST: checklist.check_entry,
    ToolKind.TIMED_INTERVAL_SWEEP: sweep.check_entry,
}

_SUMMARIZERS: dict[ToolKind, Callable[[dict, list[dict]], dict[str, Any]]] = {
    ToolKind.SCRIPTING: scripting.summary,
    ToolKind.TALLY: tally.summary,
    ToolKind.SEATING_CHART: seating_chart.summary,
    ToolKind.CHECKLIST: checklist.summary,
    ToolKind.TIMED_INTERVAL_SWEEP: sweep.summary,
}
