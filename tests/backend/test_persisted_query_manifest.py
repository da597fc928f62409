"""The allow-list manifest (client/persisted-query-manifest.json) is made from
client/operations by `manage.py persisted_query_manifest` and must be committed up to date."""

import json

import pytest
from django.core.management import call_command
from graphql import parse, print_ast

from backend.graphql.manifest import build_manifest, operation_bodies
from backend.graphql.persisted import canonical_document, sha256_hex
from backend.management.commands.persisted_query_manifest import MANIFEST, OPERATIONS


def test_the_committed_manifest_is_made_from_the_client_operations():
    # A failure here: run `make manifest` (or manage.py persisted_query_manifest) and commit.
    expected = json.dumps(build_manifest(OPERATIONS), indent=2, ensure_ascii=False) + "\n"
    assert MANIFEST.read_text(encoding="utf-8") == expected


def test_every_operation_of_every_file_is_in_the_manifest_under_the_hash_of_its_body():
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    assert manifest["format"] == "apollo-persisted-query-manifest"
    assert manifest["version"] == 1
    names = {
        definition.name.value
        for path in OPERATIONS.glob("*.graphql")
        for definition in parse(path.read_text()).definitions
        if definition.kind == "operation_definition"
    }
    assert {entry["name"] for entry in manifest["operations"]} == names
    for entry in manifest["operations"]:
        assert entry["id"] == sha256_hex(entry["body"])


def test_a_body_is_the_operation_with_the_fragments_it_uses_and_apollos_typename():
    source = """
    query A { me { ...P } }
    fragment Unused on Me { roles }
    fragment P on Me { person { ...Q } }
    fragment Q on Person { id }
    mutation B { sessionSignOut { errors { code } } }
    """
    bodies = {name: (kind, body) for name, kind, body in operation_bodies(source)}
    assert bodies["A"] == (
        "query",
        print_ast(
            parse(
                "query A { me { ...P __typename } }"
                " fragment P on Me { person { ...Q __typename } __typename }"
                " fragment Q on Person { id __typename }"
            )
        ),
    )
    assert bodies["B"][0] == "mutation"
    assert "Unused" not in bodies["A"][1] + bodies["B"][1]


def test_the_canonical_form_ignores_typename_order_and_spacing_only():
    one = parse("query A { me { ...P __typename } } fragment P on Me { roles }")
    two = parse("fragment P on Me {\n roles\n}\nquery A {\n  me { ...P }\n}")
    other = parse("query A { me { ...P } } fragment P on Me { roles sessions { id } }")
    aliased = parse("query A { me { ...P t: __typename } } fragment P on Me { roles }")
    assert canonical_document(one) == canonical_document(two)
    assert canonical_document(one) != canonical_document(other)
    assert canonical_document(one) != canonical_document(aliased)


def test_check_fails_on_a_stale_manifest(tmp_path):
    stale = tmp_path / "manifest.json"
    stale.write_text("{}\n")
    with pytest.raises(Exception, match="stale"):
        call_command("persisted_query_manifest", check=True, out=str(stale))
    call_command("persisted_query_manifest", out=str(stale))
    call_command("persisted_query_manifest", check=True, out=str(stale))
