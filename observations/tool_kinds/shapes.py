"""The one description of each kind's definition and entry: the server's checks, the JSON
Schema the phone validates with offline, and the GraphQL types are all read from it.

A shape is declared once in the kind's module (``DEFINITION`` and ``entry_shape(definition)``)
with the field names as stored (snake_case). ``check`` validates and normalises a stored-form
value with the toolkit's checks (so every message, code and path stays as before);
``json_schema`` describes the API form the phone sends (camelCase field names, enum values in
capitals, see `api_form`), draft 2020-12.

What JSON Schema cannot say is said with an ``x-`` keyword that validators ignore and
`tests/observations/json_schema_check.py` understands: ``x-uniqueKeysIgnoringCase`` (no two
items of a keyed list share a key, case ignored).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .toolkit import (
    _KEY_PATTERN,
    _TIME_PATTERN,
    INVALID_CHOICE,
    MAX_KEY_LENGTH,
    MAX_LABEL_LENGTH,
    MAX_OFFSET_SECONDS,
    Path,
    _bool,
    _choice,
    _Errors,
    _fields,
    _int,
    _key,
    _keyed_list,
    _list,
    _number,
    _text,
    _time,
)

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
KEY_PATTERN = f"^{_KEY_PATTERN.pattern}$"
# RFC 3339 with a UTC offset; the server also parses it (`toolkit._time`).
TIME_PATTERN = f"^{_TIME_PATTERN.pattern}$"
MISSING: Any = object()


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def stripped_text_pattern(max_length: int) -> str:
    """Text that is not blank and at most ``max_length`` long once its ends are stripped
    (the server strips before it counts)."""
    if max_length == 1:
        return r"^\s*\S\s*$"
    return rf"^\s*\S(?:[\s\S]{{0,{max_length - 2}}}\S)?\s*$"


@dataclass(frozen=True)
class Context:
    """What a shape may depend on: the tool's normalised definition (for an entry's keys)."""

    definition: Mapping[str, Any] | None = None


class Shape:
    description: str = ""

    def check(self, value: object, path: Path, errors: _Errors, ctx: Context) -> Any:
        raise NotImplementedError

    def json_schema(self, ctx: Context) -> dict[str, Any]:
        raise NotImplementedError


@dataclass(frozen=True)
class Text(Shape):
    max_length: int
    what: str = "text"

    def check(self, value, path, errors, ctx):
        return _text(value, path, errors, max_length=self.max_length, what=self.what)

    def json_schema(self, ctx):
        return {"type": "string", "pattern": stripped_text_pattern(self.max_length)}


@dataclass(frozen=True)
class Key(Shape):
    def check(self, value, path, errors, ctx):
        return _key(value, path, errors)

    def json_schema(self, ctx):
        return {"type": "string", "maxLength": MAX_KEY_LENGTH, "pattern": KEY_PATTERN}


@dataclass(frozen=True)
class Int(Shape):
    minimum: int
    maximum: int | None

    def check(self, value, path, errors, ctx):
        return _int(value, path, errors, minimum=self.minimum, maximum=self.maximum)

    def json_schema(self, ctx):
        schema: dict[str, Any] = {"type": "integer", "minimum": self.minimum}
        if self.maximum is not None:
            schema["maximum"] = self.maximum
        return schema


@dataclass(frozen=True)
class Number(Shape):
    minimum: float
    maximum: float

    def check(self, value, path, errors, ctx):
        return _number(value, path, errors, minimum=self.minimum, maximum=self.maximum)

    def json_schema(self, ctx):
        return {"type": "number", "minimum": self.minimum, "maximum": self.maximum}


@dataclass(frozen=True)
class Bool(Shape):
    def check(self, value, path, errors, ctx):
        return _bool(value, path, errors)

    def json_schema(self, ctx):
        return {"type": "boolean"}


@dataclass(frozen=True)
class Time(Shape):
    """An RFC 3339 timestamp with its UTC offset, or seconds since the visit started."""

    def check(self, value, path, errors, ctx):
        return _time(value, path, errors)

    def json_schema(self, ctx):
        return {
            "anyOf": [
                {"type": "string", "format": "date-time", "pattern": TIME_PATTERN},
                {"type": "number", "minimum": 0, "maximum": MAX_OFFSET_SECONDS},
            ]
        }


@dataclass(frozen=True)
class Choice(Shape):
    """A key of one of the definition's keyed lists (``of``)."""

    of: str
    what: str

    def check(self, value, path, errors, ctx):
        choices = (ctx.definition or {}).get(self.of) or []
        return _choice(value, path, errors, choices=choices, what=self.what)

    def json_schema(self, ctx):
        if ctx.definition is None:
            return Key().json_schema(ctx)
        return {"enum": [choice["key"] for choice in ctx.definition.get(self.of) or []]}


@dataclass(frozen=True)
class Enum(Shape):
    """One of a few words, stored in lower case and sent in capitals (a GraphQL enum)."""

    values: tuple[str, ...]
    message: str
    name: str

    def check(self, value, path, errors, ctx):
        if value not in self.values:
            errors.add(path, self.message, INVALID_CHOICE)
            return None
        return value

    def json_schema(self, ctx):
        return {"enum": [value.upper() for value in self.values]}


@dataclass(frozen=True)
class TextList(Shape):
    item: Text
    max_items: int
    min_items: int = 0

    def check(self, value, path, errors, ctx):
        items = _list(value, path, errors, min_items=self.min_items, max_items=self.max_items)
        checked = [
            self.item.check(raw, (*path, i), errors, ctx) for i, raw in enumerate(items or [])
        ]
        return [item for item in checked if item is not None]

    def json_schema(self, ctx):
        return {
            "type": "array",
            "items": self.item.json_schema(ctx),
            "minItems": self.min_items,
            "maxItems": self.max_items,
        }


@dataclass(frozen=True)
class KeyedList(Shape):
    """``[{"key", "label", **extra}]`` with keys unique regardless of case."""

    max_items: int
    min_items: int = 1
    extra: Mapping[str, Shape] = field(default_factory=dict)
    item_name: str = "ToolOption"
    extra_descriptions: Mapping[str, str] = field(default_factory=dict)

    def check(self, value, path, errors, ctx):
        # `_keyed_list` reads the list from its parent object, by name (the path's last part).
        *parent, name = path
        assert not parent, "keyed lists sit at the top of a definition"
        extra = {
            key: (lambda v, p, e, shape=shape: shape.check(v, p, e, ctx))
            for key, shape in self.extra.items()
        }
        return _keyed_list(
            {name: value},
            str(name),
            errors,
            max_items=self.max_items,
            min_items=self.min_items,
            extra=extra,
        )

    def item_schema(self, ctx: Context, extra: Mapping[str, Shape] | None = None) -> dict:
        extra = self.extra if extra is None else extra
        properties = {
            "key": {**Key().json_schema(ctx), "description": OPTION_KEY_DOC},
            "label": {**Text(MAX_LABEL_LENGTH).json_schema(ctx), "description": OPTION_LABEL_DOC},
        }
        for name, shape in extra.items():
            properties[camel(name)] = {
                **shape.json_schema(ctx),
                "description": self.extra_descriptions.get(name, ""),
            }
        return {
            "type": "object",
            "properties": properties,
            "required": list(properties),
            "additionalProperties": False,
        }

    def json_schema(self, ctx, extra: Mapping[str, Shape] | None = None):
        return {
            "type": "array",
            "items": self.item_schema(ctx, extra),
            "minItems": self.min_items,
            "maxItems": self.max_items,
            "x-uniqueKeysIgnoringCase": "key",
        }


OPTION_KEY_DOC = (
    "A short identifier (letters, digits, '-', '_'; starts with a letter or digit), unique in "
    "its list regardless of case; entries refer to it."
)
OPTION_LABEL_DOC = "What the phone shows."


@dataclass(frozen=True)
class Field:
    shape: Shape
    description: str
    required: bool = False
    # The value a normalised object holds when the field is absent; MISSING leaves it out.
    default: Any = MISSING
    # An optional text that is blank counts as absent (a note the phone sent empty).
    blank_is_absent: bool = False


@dataclass(frozen=True)
class Obj(Shape):
    fields: Mapping[str, Field]
    name: str
    description: str = ""
    # Extra JSON Schema keywords (conditions between fields).
    schema_extra: Callable[[Context], dict[str, Any]] | None = None

    def check(self, value, path, errors, ctx):
        required = tuple(n for n, f in self.fields.items() if f.required)
        optional = tuple(n for n, f in self.fields.items() if not f.required)
        fields = _fields(value, path, errors, required=required, optional=optional)
        if fields is None:
            return {}
        normalized: dict[str, Any] = {}
        for name, spec in self.fields.items():
            raw = fields.get(name)
            if spec.blank_is_absent and isinstance(raw, str) and not raw.strip():
                raw = None
            if raw is None:
                if spec.required:
                    normalized[name] = None
                elif spec.default is not MISSING:
                    normalized[name] = spec.default() if callable(spec.default) else spec.default
                continue
            normalized[name] = spec.shape.check(raw, (*path, name), errors, ctx)
        return normalized

    def json_schema(self, ctx):
        properties = {}
        for name, spec in self.fields.items():
            schema = spec.shape.json_schema(ctx)
            if not spec.required:
                schema = _nullable(schema, blank=spec.blank_is_absent)
            properties[camel(name)] = {**schema, "description": spec.description}
        schema = {
            "type": "object",
            "properties": properties,
            "required": [camel(n) for n, f in self.fields.items() if f.required],
            "additionalProperties": False,
        }
        if self.schema_extra is not None:
            schema.update(self.schema_extra(ctx))
        return schema


def _nullable(schema: dict[str, Any], *, blank: bool) -> dict[str, Any]:
    """An optional field may also be sent as null (and an optional text as blank)."""
    options = [{"type": "null"}]
    if blank:
        options.append({"type": "string", "pattern": r"^\s*$"})
    return {"anyOf": [schema, *options]}


def document(title: str, shape: Shape, ctx: Context, schema_id: str) -> dict[str, Any]:
    """A whole JSON Schema document for one shape."""
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": schema_id,
        "title": title,
        "description": shape.description,
        **shape.json_schema(ctx),
    }


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """A JSON Schema pattern as ECMA-262 reads it: ``$`` is the very end of the text."""
    return re.compile(pattern[:-1] + r"\Z" if pattern.endswith("$") else pattern)
