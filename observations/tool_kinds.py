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
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

__all__ = [
    "INVALID_TOOL_DATA",
    "INVALID_TOOL_DEFINITION",
    "InvalidToolData",
    "InvalidToolDefinition",
    "ToolKind",
    "ToolValidationError",
    "field_errors",
    "summarize",
    "validate_definition",
    "validate_entry",
    "validate_kind",
]

INVALID_TOOL_DEFINITION = "INVALID_TOOL_DEFINITION"
INVALID_TOOL_DATA = "INVALID_TOOL_DATA"

# Per-field error codes.
REQUIRED = "required"
UNKNOWN_FIELD = "unknown_field"
UNKNOWN_KIND = "unknown_kind"
INVALID_TYPE = "invalid_type"
INVALID_KEY = "invalid_key"
INVALID_CHOICE = "invalid_choice"
INVALID_TIME = "invalid_time"
BLANK = "blank"
MAX_LENGTH = "max_length"
MIN_ITEMS = "min_items"
MAX_ITEMS = "max_items"
MIN_VALUE = "min_value"
MAX_VALUE = "max_value"
DUPLICATE_KEY = "duplicate_key"
UNKNOWN_KEY = "unknown_key"

# Bounds keep one definition or entry small enough for a phone screen and a JSON column.
MAX_KEY_LENGTH = 40
MAX_LABEL_LENGTH = 120
MAX_TEXT_LENGTH = 2000
MAX_NOTE_LENGTH = 500
MAX_STUDENT_LENGTH = 60
MAX_PROMPTS = 20
MAX_PROMPT_LENGTH = 200
MAX_CATEGORIES = 30
MAX_STUDENT_GROUPS = 30
MAX_SEATS = 200
MAX_MARKS = 20
MAX_CHECKLIST_ITEMS = 100
MAX_BEHAVIOURS = 20
MAX_INTERVAL_MINUTES = 30
MAX_SWEEPS = 60
MAX_GRID_CELL = 99
MAX_TALLY_COUNT = 1000
MAX_SWEEP_STUDENTS = 500
MAX_OFFSET_SECONDS = 24 * 60 * 60

_KEY_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_ALL = NON_FIELD_ERRORS


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


class ToolValidationError(ValidationError):
    """A ValidationError keyed by field path, with one overall ``code`` for the API."""

    code: str


class InvalidToolDefinition(ToolValidationError):
    code = INVALID_TOOL_DEFINITION


class InvalidToolData(ToolValidationError):
    code = INVALID_TOOL_DATA


def field_errors(error: ValidationError) -> dict[str, list[dict[str, str]]]:
    """``{path: [{"message", "code"}]}`` for an API response, messages interpolated."""
    if not hasattr(error, "error_dict"):
        return {_ALL: [{"message": message, "code": error.code or ""} for message in error]}
    return {
        path: [{"message": next(iter(e)), "code": e.code or ""} for e in errors]
        for path, errors in error.error_dict.items()
    }


# --- public API ----------------------------------------------------------------------------


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


def _validate_entry(
    kind: ToolKind, definition: dict[str, Any], entry: Mapping[str, Any]
) -> dict[str, Any]:
    errors = _Errors()
    normalized = _ENTRY_VALIDATORS[kind](definition, entry, errors)
    if errors:
        raise errors.as_exception(InvalidToolData)
    return normalized


# --- error collection ----------------------------------------------------------------------


class _Errors:
    """Collects per-path errors so one response can report every problem at once."""

    def __init__(self) -> None:
        self._by_path: dict[str, list[ValidationError]] = {}

    def __bool__(self) -> bool:
        return bool(self._by_path)

    def add(self, path: tuple[str | int, ...], message: str, code: str, **params: Any) -> None:
        key = ".".join(str(part) for part in path) if path else _ALL
        error = ValidationError(message, code=code, params=params or None)
        self._by_path.setdefault(key, []).append(error)

    def as_exception(self, cls: type[ToolValidationError]) -> ToolValidationError:
        return cls(dict(self._by_path))


# --- field validators ----------------------------------------------------------------------
# Each returns the normalised value, or None after recording an error.

Path = tuple[str | int, ...]


def _kind(kind: object, errors: _Errors) -> ToolKind | None:
    try:
        return ToolKind(kind)
    except ValueError:
        errors.add(
            ("kind",),
            "Unknown tool kind %(kind)s. Use one of: %(choices)s.",
            UNKNOWN_KIND,
            kind=_shorten(kind),
            choices=", ".join(ToolKind),
        )
        return None


def _shorten(value: object, *, repr_: bool = True, limit: int = 40) -> str:
    """Echo user input in an error without echoing a megabyte of it."""
    text = repr(value) if repr_ else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _fields(
    value: object,
    path: Path,
    errors: _Errors,
    *,
    required: Iterable[str] = (),
    optional: Iterable[str] = (),
) -> dict[str, Any] | None:
    """Check that ``value`` is an object with the required fields and no unknown ones."""
    if not isinstance(value, Mapping):
        errors.add(path, "Expected an object.", INVALID_TYPE)
        return None
    required = tuple(required)
    allowed = {*required, *optional}
    for name in value:
        if name not in allowed:
            errors.add((*path, _shorten(name, repr_=False)), "Unknown field.", UNKNOWN_FIELD)
    for name in required:
        if name not in value or value[name] is None:
            errors.add((*path, name), "This field is required.", REQUIRED)
    return dict(value)


def _present(
    fields: Mapping[str, Any],
    path: Path,
    name: str,
    check: Callable[..., Any],
    errors: _Errors,
    **options: Any,
) -> Any:
    """``check`` the field when it has a value; a missing required one was already reported."""
    value = fields.get(name)
    if value is None:
        return None
    return check(value, (*path, name), errors, **options)


def _text(
    value: object, path: Path, errors: _Errors, *, max_length: int, what: str = "text"
) -> str | None:
    if not isinstance(value, str):
        errors.add(path, "Expected %(what)s.", INVALID_TYPE, what=what)
        return None
    text = value.strip()
    if not text:
        errors.add(path, "This field cannot be blank.", BLANK)
        return None
    if len(text) > max_length:
        errors.add(
            path,
            "At most %(max_length)d characters (this has %(length)d).",
            MAX_LENGTH,
            max_length=max_length,
            length=len(text),
        )
        return None
    return text


def _key(value: object, path: Path, errors: _Errors) -> str | None:
    if not isinstance(value, str):
        errors.add(path, "Expected a key (text).", INVALID_TYPE)
        return None
    if len(value) > MAX_KEY_LENGTH:
        errors.add(
            path,
            "A key has at most %(max_length)d characters.",
            MAX_LENGTH,
            max_length=MAX_KEY_LENGTH,
        )
        return None
    if not _KEY_PATTERN.fullmatch(value):
        errors.add(
            path,
            "A key uses only letters, digits, '-' and '_', and starts with a letter or digit.",
            INVALID_KEY,
        )
        return None
    return value


def _int(
    value: object, path: Path, errors: _Errors, *, minimum: int, maximum: int | None
) -> int | None:
    # bool is an int subclass, but True is never a sensible count.
    if isinstance(value, bool) or not isinstance(value, int):
        errors.add(path, "Expected a whole number.", INVALID_TYPE)
        return None
    if value < minimum:
        errors.add(path, "Must be at least %(minimum)d.", MIN_VALUE, minimum=minimum)
        return None
    if maximum is not None and value > maximum:
        errors.add(path, "Must be at most %(maximum)d.", MAX_VALUE, maximum=maximum)
        return None
    return value


def _number(
    value: object, path: Path, errors: _Errors, *, minimum: float, maximum: float
) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        errors.add(path, "Expected a number.", INVALID_TYPE)
        return None
    if value < minimum:
        errors.add(path, "Must be at least %(minimum)s.", MIN_VALUE, minimum=minimum)
        return None
    if value > maximum:
        errors.add(path, "Must be at most %(maximum)s.", MAX_VALUE, maximum=maximum)
        return None
    return float(value)


def _bool(value: object, path: Path, errors: _Errors) -> bool | None:
    if not isinstance(value, bool):
        errors.add(path, "Expected true or false.", INVALID_TYPE)
        return None
    return value


def _time(value: object, path: Path, errors: _Errors) -> str | int | float | None:
    """An aware ISO-8601 timestamp (returned in UTC) or seconds since the visit started."""
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            errors.add(
                path,
                "Expected an ISO-8601 time with a UTC offset, e.g. 2025-03-04T09:15:00Z, "
                "or seconds since the visit started.",
                INVALID_TIME,
            )
            return None
        return moment.astimezone(UTC).isoformat()
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        errors.add(path, "Expected a timestamp or a number of seconds.", INVALID_TIME)
        return None
    if value < 0:
        errors.add(
            path, "Seconds since the visit started cannot be negative.", MIN_VALUE, minimum=0
        )
        return None
    if value > MAX_OFFSET_SECONDS:
        errors.add(path, "At most %(maximum)d seconds.", MAX_VALUE, maximum=MAX_OFFSET_SECONDS)
        return None
    return value if isinstance(value, int) else round(value, 3)


def _list(
    value: object, path: Path, errors: _Errors, *, min_items: int, max_items: int
) -> list[Any] | None:
    if not isinstance(value, list | tuple):
        errors.add(path, "Expected a list.", INVALID_TYPE)
        return None
    if len(value) < min_items:
        errors.add(path, "Add at least %(min_items)d.", MIN_ITEMS, min_items=min_items)
        return None
    if len(value) > max_items:
        errors.add(path, "At most %(max_items)d.", MAX_ITEMS, max_items=max_items)
        return None
    return list(value)


def _keyed_list(
    definition: Mapping[str, Any],
    name: str,
    errors: _Errors,
    *,
    max_items: int,
    min_items: int = 1,
    extra: Mapping[str, Callable[[object, Path, _Errors], Any]] | None = None,
) -> list[dict[str, Any]]:
    """A list of ``{"key", "label", **extra}`` objects with keys unique regardless of case."""
    extra = extra or {}
    items = _present(definition, (), name, _list, errors, min_items=min_items, max_items=max_items)
    if items is None:
        return []
    normalized = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(items):
        path = (name, index)
        fields = _fields(raw, path, errors, required=("key", "label", *extra))
        if fields is None:
            continue
        key = _present(fields, path, "key", _key, errors)
        label = _present(fields, path, "label", _text, errors, max_length=MAX_LABEL_LENGTH)
        item = {"key": key, "label": label}
        for field_name, check in extra.items():
            item[field_name] = _present(fields, path, field_name, check, errors)
        if key is not None:
            folded = key.casefold()
            if folded in seen:
                errors.add(
                    (*path, "key"),
                    "Key %(key)r is already used by item %(other)d.",
                    DUPLICATE_KEY,
                    key=key,
                    other=seen[folded],
                )
            else:
                seen[folded] = index
        normalized.append(item)
    return normalized


def _choice(
    value: object, path: Path, errors: _Errors, *, choices: Iterable[Mapping[str, Any]], what: str
) -> str | None:
    """A key that must be one of ``choices`` (the definition's keyed list)."""
    key = _key(value, path, errors)
    if key is None:
        return None
    if key not in {choice["key"] for choice in choices}:
        errors.add(
            path, "No %(what)s with key %(key)r in this tool.", UNKNOWN_KEY, what=what, key=key
        )
        return None
    return key


def _optional_text(
    entry: Mapping[str, Any], name: str, errors: _Errors, *, max_length: int
) -> str | None:
    """An optional free-text field; an empty string counts as absent."""
    value = entry.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return _text(value, (name,), errors, max_length=max_length)


# --- definitions ---------------------------------------------------------------------------


def _scripting_definition(definition: object, errors: _Errors) -> dict[str, Any]:
    fields = _fields(definition, (), errors, optional=("prompts",))
    if fields is None:
        return {}
    prompts: list[str] = []
    raw_prompts = fields.get("prompts")
    if raw_prompts is not None:
        items = _list(raw_prompts, ("prompts",), errors, min_items=0, max_items=MAX_PROMPTS)
        for index, raw in enumerate(items or []):
            prompt = _text(raw, ("prompts", index), errors, max_length=MAX_PROMPT_LENGTH)
            if prompt is not None:
                prompts.append(prompt)
    return {"prompts": prompts}


def _tally_definition(definition: object, errors: _Errors) -> dict[str, Any]:
    fields = _fields(definition, (), errors, required=("categories",), optional=("student_groups",))
    if fields is None:
        return {}
    categories = _keyed_list(fields, "categories", errors, max_items=MAX_CATEGORIES)
    groups = _keyed_list(
        fields, "student_groups", errors, min_items=0, max_items=MAX_STUDENT_GROUPS
    )
    return {"categories": categories, "student_groups": groups}


_LAYOUTS = ("relative", "grid")


def _seating_chart_definition(definition: object, errors: _Errors) -> dict[str, Any]:
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


def _checklist_definition(definition: object, errors: _Errors) -> dict[str, Any]:
    fields = _fields(definition, (), errors, required=("items",))
    if fields is None:
        return {}
    return {"items": _keyed_list(fields, "items", errors, max_items=MAX_CHECKLIST_ITEMS)}


def _sweep_definition(definition: object, errors: _Errors) -> dict[str, Any]:
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


_DEFINITION_VALIDATORS: dict[ToolKind, Callable[[object, _Errors], dict[str, Any]]] = {
    ToolKind.SCRIPTING: _scripting_definition,
    ToolKind.TALLY: _tally_definition,
    ToolKind.SEATING_CHART: _seating_chart_definition,
    ToolKind.CHECKLIST: _checklist_definition,
    ToolKind.TIMED_INTERVAL_SWEEP: _sweep_definition,
}


# --- entries -------------------------------------------------------------------------------


def _scripting_entry(definition: dict, entry: object, errors: _Errors) -> dict[str, Any]:
    fields = _fields(entry, (), errors, required=("at", "text"), optional=("student",))
    if fields is None:
        return {}
    normalized = {
        "at": _present(fields, (), "at", _time, errors),
        "text": _present(fields, (), "text", _text, errors, max_length=MAX_TEXT_LENGTH),
    }
    student = _optional_text(fields, "student", errors, max_length=MAX_STUDENT_LENGTH)
    if student is not None:
        normalized["student"] = student
    return normalized


def _tally_entry(definition: dict, entry: object, errors: _Errors) -> dict[str, Any]:
    groups = definition["student_groups"]
    # "group" is required exactly when the tool defines student groups, unknown otherwise.
    required = ("at", "category", "group") if groups else ("at", "category")
    fields = _fields(entry, (), errors, required=required, optional=("count",))
    if fields is None:
        return {}
    categories = definition["categories"]
    normalized: dict[str, Any] = {
        "at": _present(fields, (), "at", _time, errors),
        "category": _present(
            fields, (), "category", _choice, errors, choices=categories, what="category"
        ),
    }
    if groups:
        normalized["group"] = _present(
            fields, (), "group", _choice, errors, choices=groups, what="student group"
        )
    count = _present(fields, (), "count", _int, errors, minimum=1, maximum=MAX_TALLY_COUNT)
    normalized["count"] = 1 if fields.get("count") is None else count
    return normalized


def _seating_chart_entry(definition: dict, entry: object, errors: _Errors) -> dict[str, Any]:
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


def _checklist_entry(definition: dict, entry: object, errors: _Errors) -> dict[str, Any]:
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


def _sweep_entry(definition: dict, entry: object, errors: _Errors) -> dict[str, Any]:
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


_ENTRY_VALIDATORS: dict[ToolKind, Callable[[dict, object, _Errors], dict[str, Any]]] = {
    ToolKind.SCRIPTING: _scripting_entry,
    ToolKind.TALLY: _tally_entry,
    ToolKind.SEATING_CHART: _seating_chart_entry,
    ToolKind.CHECKLIST: _checklist_entry,
    ToolKind.TIMED_INTERVAL_SWEEP: _sweep_entry,
}


# --- summaries -----------------------------------------------------------------------------


def _scripting_summary(definition: dict, entries: list[dict]) -> dict[str, Any]:
    # Timestamps and offsets cannot be compared; when entries mix them, the timestamps win.
    stamps = [entry["at"] for entry in entries if isinstance(entry["at"], str)]
    if stamps:
        first_at = min(stamps, key=datetime.fromisoformat)
        last_at = max(stamps, key=datetime.fromisoformat)
    else:
        offsets = [entry["at"] for entry in entries]
        first_at = min(offsets, default=None)
        last_at = max(offsets, default=None)
    per_student = Counter(entry["student"] for entry in entries if "student" in entry)
    return {
        "first_at": first_at,
        "last_at": last_at,
        "entries_per_student": dict(sorted(per_student.items())),
    }


def _tally_summary(definition: dict, entries: list[dict]) -> dict[str, Any]:
    category_keys = [category["key"] for category in definition["categories"]]
    group_keys = [group["key"] for group in definition["student_groups"]]
    per_category = dict.fromkeys(category_keys, 0)
    per_group = dict.fromkeys(group_keys, 0)
    per_group_category = {group: dict.fromkeys(category_keys, 0) for group in group_keys}
    for entry in entries:
        per_category[entry["category"]] += entry["count"]
        if "group" in entry:
            per_group[entry["group"]] += entry["count"]
            per_group_category[entry["group"]][entry["category"]] += entry["count"]
    return {
        "total": sum(per_category.values()),
        "per_category": per_category,
        "per_group": per_group,
        "per_group_and_category": per_group_category,
    }


def _seating_chart_summary(definition: dict, entries: list[dict]) -> dict[str, Any]:
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


def _checklist_summary(definition: dict, entries: list[dict]) -> dict[str, Any]:
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


def _sweep_summary(definition: dict, entries: list[dict]) -> dict[str, Any]:
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


_SUMMARIZERS: dict[ToolKind, Callable[[dict, list[dict]], dict[str, Any]]] = {
    ToolKind.SCRIPTING: _scripting_summary,
    ToolKind.TALLY: _tally_summary,
    ToolKind.SEATING_CHART: _seating_chart_summary,
    ToolKind.CHECKLIST: _checklist_summary,
    ToolKind.TIMED_INTERVAL_SWEEP: _sweep_summary,
}
