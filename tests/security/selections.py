"""Selections built from the schema: every field a type offers, a few levels deep.

The authorization matrix asks each root field for everything it can nest (within the server's
depth, token and cost limits), so a leak through a nested field, a connection or a count shows
up without anyone writing the query by hand.
"""

from __future__ import annotations

from functools import cache

from graphql import (
    GraphQLInterfaceType,
    GraphQLNonNull,
    GraphQLUnionType,
    get_named_type,
    is_leaf_type,
)

from backend.graphql.execution import prepare
from backend.schema import schema

CONNECTION_PARTS = ("Connection", "Edge")
NESTED_PAGE = 5


def graphql_schema():
    return schema.graphql_schema


def root_fields(kind: str) -> dict:
    root = {
        "query": graphql_schema().query_type,
        "mutation": graphql_schema().mutation_type,
        "subscription": graphql_schema().subscription_type,
    }[kind]
    return dict(root.fields) if root else {}


def _callable_without_arguments(field) -> bool:
    return not any(
        isinstance(argument.type, GraphQLNonNull) and argument.default_value is None
        for argument in field.args.values()
    )


def _is_plumbing(type_name: str) -> bool:
    return type_name.endswith(CONNECTION_PARTS) or type_name == "PageInfo"


def selection(type_name: str, depth: int) -> str:
    """Every leaf field of the type and, `depth` object levels down, of what it nests.
    Connections and edges do not use up depth (they hold no data of their own)."""
    return _selection(type_name, depth)


@cache
def _selection(type_name: str, depth: int) -> str:
    return " ".join(text for _name, _type, text in _parts(type_name, depth))


@cache
def _parts(type_name: str, depth: int) -> tuple[tuple[str, str, str], ...]:
    """(response key, field type, text) of each field selected on the type."""
    graphql_type = graphql_schema().type_map[type_name]
    if isinstance(graphql_type, GraphQLUnionType):
        return (("__typename", "String!", "__typename"), *_fragments(graphql_type.types, depth))
    parts: list[tuple[str, str, str]] = [("__typename", "String!", "__typename")]
    for name, field in graphql_type.fields.items():
        if not _callable_without_arguments(field):
            continue
        named = get_named_type(field.type)
        if is_leaf_type(named):
            parts.append((name, str(field.type), name))
            continue
        free = _is_plumbing(named.name)
        if depth <= 0 and not free:
            continue
        inner = _selection(named.name, depth if free else depth - 1)
        if inner:
            arguments = f"(first: {NESTED_PAGE})" if "first" in field.args else ""
            parts.append((name, str(field.type), f"{name}{arguments} {{ {inner} }}"))
    if isinstance(graphql_type, GraphQLInterfaceType):
        implementations = graphql_schema().get_possible_types(graphql_type)
        parts.extend(_fragments(implementations, depth))
    return tuple(parts)


def _fragments(types, depth: int) -> list[tuple[str, str, str]]:
    """Inline fragments on each member type. Two members may have a field of the same name
    with different types (`status`), which GraphQL cannot merge: the later one is left out."""
    seen: dict[str, str] = {}
    fragments = []
    for member in types:
        kept = []
        for name, type_string, text in _parts(member.name, depth):
            if seen.setdefault(name, type_string) != type_string:
                continue
            kept.append(text)
        if kept:
            fragments.append(("", "", f"... on {member.name} {{ {' '.join(kept)} }}"))
    return fragments


def fragment_for(type_name: str, depth: int) -> str:
    """`... on T { everything }` for one concrete type (node lookups)."""
    return f"... on {type_name} {{ {_selection(type_name, depth)} }}"


def selection_without(type_name: str, depth: int, skip: frozenset[str]) -> str:
    """`selection` without the fields at the dotted paths in `skip` ("meeting.cohort")."""
    if not skip:
        return selection(type_name, depth)
    graphql_type = graphql_schema().type_map[type_name]
    heads = {path.split(".", 1)[0] for path in skip}
    parts = []
    for name, _type_string, text in _parts(type_name, depth):
        if name not in heads:
            parts.append(text)
            continue
        if name in skip:
            continue
        field = graphql_type.fields[name]
        named = get_named_type(field.type)
        rest = frozenset(p.split(".", 1)[1] for p in skip if p.startswith(f"{name}."))
        inner_depth = depth if _is_plumbing(named.name) else depth - 1
        arguments = f"(first: {NESTED_PAGE})" if "first" in field.args else ""
        parts.append(f"{name}{arguments} {{ {selection_without(named.name, inner_depth, rest)} }}")
    return " ".join(parts)


def fits(document: str, variables: dict | None = None) -> bool:
    """Whether the server would run this document (depth, tokens, cost, validation)."""
    return not prepare(schema, document, None, variables).errors


def deepest_document(build, variables: dict | None = None, *, start: int = 4) -> str:
    """`build(depth)` for the largest depth the server accepts."""
    for depth in range(start, -1, -1):
        document = build(depth)
        if fits(document, variables):
            return document
    raise AssertionError(f"No depth of this operation fits the limits: {build(0)}")


def returned_type_name(field) -> str:
    return get_named_type(field.type).name


def returns_leaf(field) -> bool:
    """A scalar or enum: nothing to select inside."""
    return is_leaf_type(get_named_type(field.type))
