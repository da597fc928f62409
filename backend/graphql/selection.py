"""What a request selects below the current field, for prefetching only what will be read.

One walker (`_fields`) reads selections through inline and named fragments (each named
fragment once); `asks_for` and `requested_fields` are its two questions."""

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLResolveInfo,
    InlineFragmentNode,
    SelectionSetNode,
)


def asks_for(info: GraphQLResolveInfo, field_name: str, *below: str) -> bool:
    """True when `field_name` (its schema name, not an alias) appears anywhere below this
    field, through inline and named fragments, and each name of `below` right under the one
    before it: `asks_for(info, "slq", "photos")` is an SLQ's photos, not a visit's.

    A false "yes" costs one query; a false "no" costs one query per row (the resolvers fall
    back to loading what was not prefetched), so callers name what they prefetch for."""
    fragments: set[str] = set()
    found = [
        field
        for node in info.field_nodes
        if node.selection_set
        for field in _fields(info, node.selection_set, field_name, fragments, anywhere=True)
    ]
    for name in below:
        found = [
            field
            for node in found
            if node.selection_set
            for field in _fields(info, node.selection_set, name, set(), anywhere=False)
        ]
    return bool(found)


def requested_fields(info: GraphQLResolveInfo) -> frozenset[str]:
    """Every field name (schema names, not aliases) selected anywhere below the current field,
    fragments included: for querysets shaped by a whole selection (cohorts/graphql/loading.py)."""
    fragments: set[str] = set()
    return frozenset(
        field.name.value
        for node in info.field_nodes
        if node.selection_set
        for field in _fields(info, node.selection_set, None, fragments, anywhere=True)
    )


def _fields(
    info, selection_set: SelectionSetNode, name: str | None, seen: set[str], *, anywhere: bool
) -> list[FieldNode]:
    """The fields called `name` (every field when None) in the selection set and, `anywhere`,
    at any depth below it. A field that matches is not walked into unless `name` is None: a
    field inside the one found is never a different answer to "is it asked for"."""
    found, pending = [], [selection_set]
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FieldNode):
                matches = name is None or selection.name.value == name
                if matches:
                    found.append(selection)
                if anywhere and selection.selection_set and (name is None or not matches):
                    pending.append(selection.selection_set)
            elif isinstance(selection, InlineFragmentNode):
                pending.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = info.fragments.get(selection.name.value)
                if fragment is not None and selection.name.value not in seen:
                    seen.add(selection.name.value)
                    pending.append(fragment.selection_set)
    return found
