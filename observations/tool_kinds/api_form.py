"""The API form of definitions and entries: what the phone sends and reads through GraphQL
and what the JSON Schemas describe. The database keeps the stored form (snake_case keys,
lower-case layout); the GraphQL edge maps between the two with these functions, and error
paths are turned into the input's camelCase names with `to_api_path`."""

from __future__ import annotations

from typing import Any

from .shapes import camel

# Fields whose value is an enum: stored in lower case, sent in capitals.
_ENUM_FIELDS = frozenset({"layout"})


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def to_api_form(value: Any) -> Any:
    """Stored form to API form (every dict key is a field name in these documents)."""
    if isinstance(value, dict):
        return {
            camel(key): (
                item.upper() if key in _ENUM_FIELDS and isinstance(item, str) else to_api_form(item)
            )
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [to_api_form(item) for item in value]
    return value


def to_stored_form(value: Any) -> Any:
    """API form to stored form; the checks then run on the stored form."""
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            name = _snake(key)
            result[name] = (
                item.lower()
                if name in _ENUM_FIELDS and isinstance(item, str)
                else to_stored_form(item)
            )
        return result
    if isinstance(value, list):
        return [to_stored_form(item) for item in value]
    return value


def to_api_path(path: str) -> str:
    """``student_groups.1.key`` -> ``studentGroups.1.key``."""
    return ".".join(camel(part) for part in path.split("."))
