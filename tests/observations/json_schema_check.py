"""A minimal JSON Schema (draft 2020-12) checker for the keywords the tool kind schemas use.

The `jsonschema` package is not a dependency; this knows exactly the subset that
observations/tool_kinds/shapes.py emits and refuses any other keyword, so a schema that grows
a keyword this does not check fails loudly instead of passing unchecked. Semantics follow the
specification: `integer` is any number with a zero fraction, `pattern` is an ECMA-262 search,
`format: date-time` is RFC 3339 (checked here, although validators may treat it as an
annotation), and `x-uniqueKeysIgnoringCase` (ours) says no two items share that key.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from observations.tool_kinds.shapes import compile_pattern

_ANNOTATIONS = {"$schema", "$id", "title", "description"}
_KNOWN = _ANNOTATIONS | {
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "minItems",
    "maxItems",
    "minimum",
    "maximum",
    "maxLength",
    "pattern",
    "format",
    "enum",
    "const",
    "anyOf",
    "if",
    "then",
    "else",
    "x-uniqueKeysIgnoringCase",
}


def is_valid(schema: dict[str, Any], value: Any) -> bool:
    return not errors(schema, value)


def errors(schema: dict[str, Any], value: Any, path: str = "") -> list[str]:
    unknown = set(schema) - _KNOWN
    assert not unknown, f"the checker does not know {sorted(unknown)}"
    found: list[str] = []

    def fail(why: str) -> None:
        found.append(f"{path or '/'}: {why}")

    if "type" in schema and not _has_type(value, schema["type"]):
        fail(f"not {schema['type']}")
        return found
    if "enum" in schema and not any(_equal(value, option) for option in schema["enum"]):
        fail("not in enum")
    if "const" in schema and not _equal(value, schema["const"]):
        fail("not the const")
    if isinstance(value, str):
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            fail("too long")
        if "pattern" in schema and not compile_pattern(schema["pattern"]).search(value):
            fail("pattern")
        if schema.get("format") == "date-time" and not _is_date_time(value):
            fail("not a date-time")
    if _is_number(value):
        if "minimum" in schema and value < schema["minimum"]:
            fail("below minimum")
        if "maximum" in schema and value > schema["maximum"]:
            fail("above maximum")
    if isinstance(value, list):
        if "minItems" in schema and len(value) < schema["minItems"]:
            fail("too few items")
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            fail("too many items")
        if "items" in schema:
            for index, item in enumerate(value):
                found += errors(schema["items"], item, f"{path}/{index}")
        key = schema.get("x-uniqueKeysIgnoringCase")
        if key is not None:
            keys = [
                item[key].casefold()
                for item in value
                if isinstance(item, dict) and isinstance(item.get(key), str)
            ]
            if len(keys) != len(set(keys)):
                fail("duplicate key")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                fail(f"{name} is required")
        for name, item in value.items():
            if name in properties:
                found += errors(properties[name], item, f"{path}/{name}")
            elif schema.get("additionalProperties") is False:
                fail(f"{name} is not allowed")
    if "anyOf" in schema and not any(is_valid(option, value) for option in schema["anyOf"]):
        fail("no anyOf matched")
    if "if" in schema:
        branch = schema.get("then") if is_valid(schema["if"], value) else schema.get("else")
        if branch is not None:
            found += errors(branch, value, path)
    return found


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _has_type(value: Any, expected: str) -> bool:
    return {
        "object": lambda: isinstance(value, dict),
        "array": lambda: isinstance(value, list),
        "string": lambda: isinstance(value, str),
        "boolean": lambda: isinstance(value, bool),
        "null": lambda: value is None,
        "number": lambda: _is_number(value),
        "integer": lambda: _is_number(value) and float(value).is_integer(),
    }[expected]()


def _equal(a: Any, b: Any) -> bool:
    # JSON has no bool/number confusion: true is not 1.
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return a == b


def _is_date_time(value: str) -> bool:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return moment.tzinfo is not None
