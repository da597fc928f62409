"""`backend.graphql.ids` is the one decoder of global ids.

Each hand-written decoder caught a different set of garbage (a missing try, `str(pk).isdigit()`
or not, a length check or not), so the same bad id got different answers from different fields.
The source test reads every module with `ast`, so a new raw decoder fails here before it ships.
"""

import ast
from pathlib import Path

import pytest
from graphql_relay import to_global_id

from backend.graphql.ids import decode_global_id, split_global_id

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("backend", "cohorts", "networks", "notifications", "observations", "surveys", "bench")
DECODER = "backend/graphql/ids.py"
RAW_NAMES = {"from_global_id"}


def _raw_decoder_uses(tree: ast.Module) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and any(a.name in RAW_NAMES for a in node.names):
            lines.append(node.lineno)
        elif isinstance(node, ast.Attribute) and node.attr in RAW_NAMES:
            lines.append(node.lineno)  # graphql_relay.from_global_id, Node.from_global_id
    return lines


def test_no_module_but_the_ids_module_decodes_global_ids_itself():
    offenders = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative == DECODER or "migrations" in path.parts:
                continue
            for line in _raw_decoder_uses(ast.parse(path.read_text(), filename=relative)):
                offenders.append(f"{relative}:{line}")

    assert offenders == [], (
        "Decode global ids with backend.graphql.ids (decode_global_id, pk_from_global_id, "
        f"load_node), not graphql_relay's from_global_id: {offenders}"
    )


def test_the_source_check_sees_both_spellings():
    imported = ast.parse("from graphql_relay import from_global_id, to_global_id\n")
    attribute = ast.parse("import graphql_relay\ngraphql_relay.from_global_id('x')\n")

    assert _raw_decoder_uses(imported) == [1]
    assert _raw_decoder_uses(attribute) == [2]


def test_an_id_of_an_expected_type_gives_its_number():
    assert decode_global_id(to_global_id("Cohort", 42), "Cohort") == 42
    assert decode_global_id(to_global_id("VisitSummary", 7), "Visit", "VisitSummary") == 7


@pytest.mark.parametrize(
    "global_id",
    [
        to_global_id("School", 42),  # another type
        to_global_id("Cohort", "abc"),  # not a number
        to_global_id("Cohort", "-1"),
        to_global_id("Cohort", "²"),  # a digit, but not one int() reads as a pk
        to_global_id("Cohort", ""),
        "Q29ob3J0",  # base64 of "Cohort": no colon
        "not base64 at all!",
        "",
        None,
        42,
    ],
)
def test_anything_else_is_none(global_id):
    assert decode_global_id(global_id, "Cohort") is None


def test_splitting_never_raises():
    assert split_global_id(to_global_id("Cohort", 5)) == ("Cohort", "5")
    assert split_global_id(None) == ("", "")
