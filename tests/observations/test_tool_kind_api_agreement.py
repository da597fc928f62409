"""The JSON Schemas describe what the API takes: every sample definition and entry of the tool
kind tests, sent through GraphQL as the phone would (camelCase, enums in capitals), is
accepted exactly when its kind's JSON Schema (for an entry, its tool's) accepts it."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from observations.graphql.types.tool_data import api_field
from observations.models import ObservationEntry
from observations.tool_kinds import (
    ToolKind,
    definition_json_schema,
    entry_json_schema,
    to_api_form,
    validate_definition,
)
from tests.observations.conftest import gid
from tests.observations.factories import ToolFactory
from tests.observations.factories import visit as make_visit
from tests.observations.json_schema_check import is_valid
from tests.observations.operations import SUBMIT
from tests.observations.test_tool_kind_json_schema import DEFINITION_SAMPLES, ENTRY_SAMPLES

pytestmark = pytest.mark.django_db

CREATE = """
mutation C($input: ToolCreateInput!) {
  toolCreate(input: $input) { tool { id kind } errors { field code } }
}
"""
START = datetime(2026, 3, 3, 15, tzinfo=UTC)


def _json_can_carry(value) -> bool:
    """NaN and infinity have no JSON form: a phone cannot send them."""
    try:
        json.dumps(value, allow_nan=False)
    except ValueError:
        return False
    return True


# Samples with NaN or infinity have no JSON form, so a phone cannot send them (the schema
# test covers them against the server's checks).
SENDABLE_DEFINITIONS = [sample for sample in DEFINITION_SAMPLES if _json_can_carry(sample[1])]
SENDABLE_ENTRIES = [sample for sample in ENTRY_SAMPLES if _json_can_carry(sample[2])]


def _as_graphql_coerces(schema: dict, value):
    """The value as GraphQL's input coercion reads it: a single value where a list is expected
    is a list of one (spec, "List" input coercion). The phone sends lists; the JSON Schema
    says array, so only this spec rule lets the API take a little more than the schema."""
    options = schema.get("anyOf", [schema])
    lists = [option for option in options if option.get("type") == "array"]
    if lists and value is not None and not isinstance(value, list):
        return [value]
    objects = [option for option in options if option.get("type") == "object"]
    if objects and isinstance(value, dict):
        properties = objects[0].get("properties", {})
        return {
            key: _as_graphql_coerces(properties[key], item) if key in properties else item
            for key, item in value.items()
        }
    return value


def _outcome(api, document, variables, field):
    """accepted, refused (payload errors) or malformed (a top-level error: wrong types)."""
    response = api.post(document, variables)
    body = response.json()
    if body.get("errors"):
        return "malformed"
    payload = body["data"][field]
    return "refused" if payload["errors"] else "accepted"


@pytest.mark.parametrize(("kind", "definition"), SENDABLE_DEFINITIONS)
def test_create_tool_accepts_a_definition_iff_the_json_schema_does(
    api_for, teacher, kind, definition
):
    # given a sample as the phone would send it for its kind
    sent = to_api_form({} if definition is None else definition)

    # when it is sent through toolCreate
    variables = {"input": {"name": "Sample", "definition": {api_field(ToolKind(kind)): sent}}}
    outcome = _outcome(api_for(teacher), CREATE, variables, "toolCreate")

    # then the API accepts it exactly when the kind's JSON Schema does
    schema = definition_json_schema(kind)
    assert (outcome == "accepted") == is_valid(schema, _as_graphql_coerces(schema, sent)), outcome


@pytest.mark.parametrize(("kind", "definition", "entry"), SENDABLE_ENTRIES)
def test_submit_accepts_an_entry_iff_the_tools_json_schema_does(
    api_for, host, visitor, frozen_time, kind, definition, entry
):
    # given a visit with a tool of that definition, and the entry as the phone sends it
    stored = validate_definition(kind, definition)
    tool = ToolFactory(owner=visitor, kind=kind, definition=stored)
    visit = make_visit(host=host, visitor=visitor, tool=tool, starts_at=START)
    frozen_time.move_to(START + timedelta(minutes=15))
    sent = to_api_form(entry)

    # when it is submitted
    variables = {
        "input": {
            "visitId": gid("Visit", visit),
            "entries": [
                {
                    "clientId": str(uuid.uuid4()),
                    "recordedAt": (START + timedelta(minutes=5)).isoformat(),
                    api_field(ToolKind(kind)): sent,
                }
            ],
        }
    }
    outcome = _outcome(api_for(visitor), SUBMIT, variables, "observationDataSubmit")

    # then the API accepts it exactly when the tool's JSON Schema does
    schema = entry_json_schema(kind, stored)
    accepted = is_valid(schema, _as_graphql_coerces(schema, sent))
    assert (outcome == "accepted") == accepted, outcome
    assert ObservationEntry.objects.count() == (1 if accepted else 0)
