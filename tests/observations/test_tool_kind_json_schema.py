"""The tool kinds' JSON Schemas: generated from the shapes the server validates with,
committed under schema/tool-kinds/ and served; they accept exactly what the server accepts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from observations.tool_kinds import (
    InvalidToolData,
    InvalidToolDefinition,
    ToolKind,
    definition_json_schema,
    entry_json_schema,
    to_api_form,
    validate_definition,
    validate_entry,
)
from observations.tool_kinds.published import published_files
from tests.observations.json_schema_check import errors, is_valid
from tests.observations.tool_definitions import (
    INVALID_DEFINITIONS,
    INVALID_ENTRIES,
    TALLY,
    TALLY_DEF,
    VALID_DEFINITION_SAMPLES,
    VALID_ENTRY_SAMPLES,
)

SCHEMA_DIR = Path(settings.BASE_DIR) / "schema" / "tool-kinds"


def _server_accepts_definition(kind, definition) -> bool:
    try:
        validate_definition(kind, definition)
    except InvalidToolDefinition:
        return False
    return True


def _server_accepts_entry(kind, definition, entry) -> bool:
    try:
        validate_entry(kind, definition, entry)
    except InvalidToolData:
        return False
    return True


DEFINITION_SAMPLES = [(kind, definition) for kind, definition in VALID_DEFINITION_SAMPLES] + [
    (kind, definition) for kind, definition, _ in INVALID_DEFINITIONS
]
ENTRY_SAMPLES = list(VALID_ENTRY_SAMPLES) + [
    (kind, definition, entry) for kind, definition, entry, _ in INVALID_ENTRIES
]


def test_the_samples_cover_every_kind_both_ways():
    for kind in ToolKind:
        assert any(k == kind for k, _ in VALID_DEFINITION_SAMPLES)
        assert any(k == kind for k, _, _ in INVALID_DEFINITIONS)
        assert any(k == kind for k, _, _ in VALID_ENTRY_SAMPLES)
        assert any(k == kind for k, _, _, _ in INVALID_ENTRIES)


@pytest.mark.parametrize(("kind", "definition"), DEFINITION_SAMPLES)
def test_definition_schema_accepts_exactly_what_the_server_accepts(kind, definition):
    # given a sample in the form the phone sends (camelCase, GRID); a null definition is {}
    sent = to_api_form({} if definition is None else definition)

    # when both judge it
    server = _server_accepts_definition(kind, definition)
    schema = is_valid(definition_json_schema(kind), sent)

    # then they agree
    assert schema == server, errors(definition_json_schema(kind), sent)


@pytest.mark.parametrize(("kind", "definition", "entry"), ENTRY_SAMPLES)
def test_entry_schema_of_the_tool_accepts_exactly_what_the_server_accepts(kind, definition, entry):
    # given the tool's stored definition and an entry as the phone sends it
    stored = validate_definition(kind, definition)
    sent = to_api_form(entry)

    # when both judge it
    server = _server_accepts_entry(kind, definition, entry)
    tool_schema = entry_json_schema(kind, stored)

    # then the tool's schema agrees with the server, and the kind's never refuses more
    assert is_valid(tool_schema, sent) == server, errors(tool_schema, sent)
    if server:
        assert is_valid(entry_json_schema(kind), sent)


def test_kind_schema_cannot_know_a_tools_keys():
    # given an entry naming a category this tally does not have
    entry = {"at": 1, "category": "shouts", "group": "g1"}

    # then only the tool's schema refuses it, as the server does
    assert is_valid(entry_json_schema(TALLY), entry)
    assert not is_valid(entry_json_schema(TALLY, validate_definition(TALLY, TALLY_DEF)), entry)


def test_committed_schema_files_are_current():
    # the files phone developers read are exactly what the server generates
    for name, text in published_files().items():
        assert (SCHEMA_DIR / name).read_text(encoding="utf-8") == text, (
            f"schema/tool-kinds/{name} is stale: run `manage.py tool_kind_schemas`"
        )
    assert sorted(p.name for p in SCHEMA_DIR.glob("*.json")) == sorted(published_files())


def test_check_command_fails_on_a_stale_file(tmp_path):
    # given a copy of the schemas with one file edited
    call_command("tool_kind_schemas", dir=tmp_path)
    call_command("tool_kind_schemas", dir=tmp_path, check=True)
    (tmp_path / "tally.entry.json").write_text("{}", encoding="utf-8")

    # then --check refuses
    with pytest.raises(CommandError, match=r"tally\.entry\.json"):
        call_command("tool_kind_schemas", dir=tmp_path, check=True)


def test_schemas_are_draft_2020_12_and_served_publicly(client):
    # when anyone (signed out) asks for one
    response = client.get("/observations/tool-kinds/seating_chart.definition.json")

    # then it is the committed file, as JSON Schema
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/schema+json")
    schema = json.loads(response.content)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert response.content.decode() == (SCHEMA_DIR / "seating_chart.definition.json").read_text()
    assert client.get("/observations/tool-kinds/photo.entry.json").status_code == 404
