"""The released contract only grows: a phone built against a released schema keeps working.

`schema/releases/<major>.<minor>.graphql` is the SDL as released. graphql-core's
`find_breaking_changes` compares every release of the current major version with the schema
served now; a removed or renamed field, argument, type or enum value, a changed type, or a new
required argument fails here. Removing something goes through `deprecationReason` first, and
out only in a new major version (a new release file `<major+1>.0.graphql`, with the README's
changelog saying what went); older majors are then no longer compared.
"""

from pathlib import Path

import pytest
from django.conf import settings
from graphql import build_schema, find_breaking_changes, find_dangerous_changes, print_schema

from backend.schema import schema

RELEASES = Path(settings.BASE_DIR) / "schema" / "releases"


def version(path: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in path.stem.split("."))


RELEASED = sorted(RELEASES.glob("*.graphql"), key=version)
CURRENT_MAJOR = [path for path in RELEASED if version(path)[0] == version(RELEASED[-1])[0]]


def test_release_one_point_zero_is_on_record_and_versions_sort_as_numbers():
    assert RELEASED[0].name == "1.0.graphql"
    assert sorted([Path("10.0.graphql"), Path("2.0.graphql")], key=version)[0].stem == "2.0"


@pytest.mark.parametrize("release", CURRENT_MAJOR, ids=lambda path: path.stem)
def test_the_schema_breaks_no_released_contract(release):
    released = build_schema(release.read_text())
    # The served schema as SDL, built the same way: graphene's scalars are subclasses of
    # graphql-core's, which find_breaking_changes would report as a change of kind.
    served = build_schema(print_schema(schema.graphql_schema))

    breaking = find_breaking_changes(released, served)

    assert [f"{change.type.name}: {change.description}" for change in breaking] == [], (
        f"A phone built against {release.name} would break. Add instead of changing; deprecate "
        "before removing (see the README's contract changelog)."
    )


def test_the_check_sees_a_removed_field_and_a_new_required_argument():
    released = build_schema("type Query { visit(id: ID!): String, me: String }")
    now = build_schema("type Query { visit(id: ID!, cohort: ID!): String }")

    kinds = sorted(change.type.name for change in find_breaking_changes(released, now))

    assert kinds == ["FIELD_REMOVED", "REQUIRED_ARG_ADDED"]


def test_growing_the_schema_is_not_breaking():
    released = build_schema("type Query { me: String }")
    now = build_schema("type Query { me: String, visit(id: ID): String }")

    assert find_breaking_changes(released, now) == []
    assert find_dangerous_changes(released, now) == []
