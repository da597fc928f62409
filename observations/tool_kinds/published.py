"""The JSON Schemas as published files: one definition and one entry schema per kind, named
``<kind>.definition.json`` / ``<kind>.entry.json`` (kind in lower case). The management
command `tool_kind_schemas` writes them to ``schema/tool-kinds/``; the server serves the same
texts at ``/observations/tool-kinds/<name>``."""

from __future__ import annotations

import json

from . import ToolKind, definition_json_schema, entry_json_schema


def render(schema: dict) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def published_files() -> dict[str, str]:
    """File name -> text, for every kind."""
    files = {}
    for kind in ToolKind:
        name = kind.value.lower()
        files[f"{name}.definition.json"] = render(definition_json_schema(kind))
        files[f"{name}.entry.json"] = render(entry_json_schema(kind))
    return files
