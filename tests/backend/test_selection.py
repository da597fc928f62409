"""The one selection walker (backend/graphql/selection.py): `asks_for` and `requested_fields`
read the same selections, through inline and named fragments, each fragment once."""

from types import SimpleNamespace

from graphql import FragmentDefinitionNode, OperationDefinitionNode, parse

from backend.graphql.selection import asks_for, requested_fields

DOCUMENT = """
query {
  cohort {
    name
    renamed: members { person { ...Who } }
    ... on Cohort { meetings { agenda { title } } }
  }
}
fragment Who on Person { fullName school { ...Where } again: school { ...Where } }
fragment Where on School { district { name } }
"""


def _info(document: str):
    """What a resolver of the root's first field sees: its field nodes and the fragments."""
    parsed = parse(document)
    operation = next(d for d in parsed.definitions if isinstance(d, OperationDefinitionNode))
    fragments = {
        d.name.value: d for d in parsed.definitions if isinstance(d, FragmentDefinitionNode)
    }
    return SimpleNamespace(field_nodes=[operation.selection_set.selections[0]], fragments=fragments)


def test_requested_fields_are_schema_names_through_every_fragment():
    names = requested_fields(_info(DOCUMENT))

    assert names == {
        "name",
        "members",
        "person",
        "fullName",
        "school",
        "district",
        "meetings",
        "agenda",
        "title",
    }


def test_asks_for_and_requested_fields_agree():
    info = _info(DOCUMENT)
    names = requested_fields(info)

    for name in ("name", "members", "fullName", "district", "agenda", "title", "absent", "renamed"):
        assert asks_for(info, name) == (name in names)
    assert asks_for(info, "members", "person")
    assert not asks_for(info, "meetings", "person")


def test_a_fragment_spread_in_a_cycle_is_walked_once():
    info = _info(
        "query { cohort { ...A } } fragment A on Cohort { name members { ...B } } "
        "fragment B on Membership { role cohort { ...A } }"
    )

    assert requested_fields(info) == {"name", "members", "role", "cohort"}
