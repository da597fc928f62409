"""The validation toolkit the tool kinds share: error codes, the errors they raise, and
checks for fields, texts, keys, numbers, times and lists.

Each check takes the value, its path and an `_Errors` collector, and returns the normalised
value, or None after recording an error, so one response can report every problem at once.
The checks are private to the `tool_kinds` package; callers use its public functions.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

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

# Bounds keep one definition or entry small enough for a phone screen and a JSON column;
# these are shared, each kind's module has its own.
MAX_KEY_LENGTH = 40
MAX_LABEL_LENGTH = 120
MAX_NOTE_LENGTH = 500
MAX_OFFSET_SECONDS = 24 * 60 * 60

_KEY_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_TIME_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
_ALL = NON_FIELD_ERRORS


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
        # The stubs type iteration as (field, messages) pairs too; a flat error yields texts.
        return {_ALL: [{"message": str(message), "code": error.code or ""} for message in error]}
    return {
        path: [{"message": str(next(iter(e))), "code": e.code or ""} for e in errors]
        for path, errors in error.error_dict.items()
    }


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


Path = tuple[str | int, ...]


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
    # A whole float (3.0) is a whole number, as JSON Schema and GraphQL's Float have it.
    if isinstance(value, float) and value.is_integer():
        value = int(value)
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
        moment = None
        # RFC 3339 only (what the JSON Schema says): fromisoformat alone takes more.
        if _TIME_PATTERN.fullmatch(value):
            try:
                moment = datetime.fromisoformat(value)
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
