"""Compiled completion of the items of a list: one small function per selection.

A district map's answer is 5,000 nodes and 25,000 edges, each a handful of leaves read off a
dataclass: some 300,000 fields, and even `SyncExecutionContext`'s one-step path spends about a
microsecond on each (look up the plan, dispatch on its kind, test the value's class against a
table). For a list, every item has the same selection, so all of that can be decided once.
`row_reader` writes the Python source of a function that reads every leaf of the selection
straight off an item (`item.full_name`), checks each value is what the scalar would serialize
to itself, and builds the response dict; `exec` compiles it once per selection shape, as
`dataclasses` and `attrs` compile their `__init__`.

The compiled function decides nothing that the general path would decide differently. Any
leaf value that is not plainly fine (a None for a non-null field, an int beyond 32 bits, a
float that is not finite, a datetime where a date is expected, an attribute that is missing, an
exception from a resolver) makes it give up on the item *before anything else ran for it*, and
the item goes through the general path, which produces the usual value or error. Fields that
are not simple leaves (nested objects, lists, resolvers that read `info`) are completed by
graphql-core's `execute_field`, after the leaves, in the order the response lists them.
"""

from __future__ import annotations

import keyword
from collections.abc import Callable
from datetime import date
from functools import lru_cache, partial

from graphene.types.resolver import dict_or_attr_resolver
from graphql import GraphQLEnumType, is_list_type, is_non_null_type

SLOW = object()
"""What a compiled reader returns for an item the general path must complete."""

# The kinds of one-step leaf plans (`leaf_plans.leaf_plan`); all but RESOLVER compile here.
ATTRIBUTE, GLOBAL_ID, RESOLVER, ROOT_RESOLVER = 1, 2, 3, 4
LIST_ATTRIBUTE = 5
ATTRIBUTE_THROUGH = 6
"""A root-only resolver returning `lookup(root.<attribute>)` (`reads_attribute_through`)."""
"""A list field read off an attribute: an empty one is `[]` whatever the list holds, so only
a list with items goes to `other` (a map's nodes mostly have no other places)."""
_ENUM_MEMO_LIMIT = 256
_INT_RANGE = "-2147483648 <= {v} < 2147483648"  # GraphQL's Int is a signed 32-bit integer


def leaf_spec(plan, parent_type_name: str) -> tuple | None:
    """What `row_reader` needs of a field's one-step plan (`leaf_plans.leaf_plan`): (kind,
    how, leaf type, non-null, as-is class); None when the compiled reader cannot read it."""
    if plan is None:
        return None
    kind, how, leaf_type, non_null, as_is = plan
    if kind == ATTRIBUTE and not _is_plain_name(how[0]):
        return None
    if kind == GLOBAL_ID:
        node, type_name = how
        how = (node, type_name or parent_type_name)
    elif kind == ROOT_RESOLVER:
        through = getattr(how, "reads_attribute_through", None)
        if through is not None and _is_plain_name(through[0]):
            kind, how = ATTRIBUTE_THROUGH, through
    elif kind != ATTRIBUTE:
        return None
    if as_is is None and not isinstance(leaf_type, GraphQLEnumType):
        return None  # a custom scalar: its serialize may do anything
    return (kind, how, leaf_type, non_null, as_is)


def list_attribute_spec(field_def) -> tuple | None:
    """(LIST_ATTRIBUTE, attribute name) for a list field with graphene's default resolver."""
    if field_def is None:  # __typename
        return None
    resolve = field_def.resolve
    field_type = field_def.type
    named = field_type.of_type if is_non_null_type(field_type) else field_type
    if not (
        is_list_type(named)
        and isinstance(resolve, partial)
        and resolve.func is dict_or_attr_resolver
        and len(resolve.args) == 2
        and not resolve.keywords
        and _is_plain_name(resolve.args[0])
    ):
        return None
    return (LIST_ATTRIBUTE, resolve.args[0])


def _is_plain_name(name) -> bool:
    return isinstance(name, str) and name.isidentifier() and not keyword.iskeyword(name)


@lru_cache(maxsize=1024)
def row_reader(fields: tuple) -> Callable:
    """A function `read(item, other) -> dict | SLOW` for a selection.

    `fields` is, per response key in order, (name, spec) where spec is a `leaf_spec`, a
    `list_attribute_spec`, or None for a field `other(item, position)` completes. Cached by
    shape: the documents a server sees are few, and a shape holds only schema objects and
    resolvers."""
    lines = ["def read(item, other):", "    if item.__class__ is dict: return SLOW", "    try:"]
    names: dict[str, object] = {"SLOW": SLOW, "date": date}
    later = []
    for position, (_response_key, spec) in enumerate(fields):
        v = f"v{position}"
        if spec is None:
            later.append(f"    {v} = other(item, {position})")
            continue
        if spec[0] == LIST_ATTRIBUTE:
            lines.append(f"        {v} = item.{spec[1]}")
            later.append(
                f"    {v} = [] if ({v}.__class__ is tuple or {v}.__class__ is list) and not {v}"
                f" else other(item, {position})"
            )
            continue
        kind, how, leaf_type, non_null, as_is = spec
        if kind == ATTRIBUTE:
            lines.append(f"        {v} = item.{how[0]}")
        elif kind == ATTRIBUTE_THROUGH:
            attribute, names[f"lookup{position}"] = how
            lines.append(f"        {v} = lookup{position}(item.{attribute})")
        elif kind == ROOT_RESOLVER:
            names[f"resolve{position}"] = how
            lines.append(f"        {v} = resolve{position}(item, None)")
        else:
            node, type_name = how
            names[f"node{position}"] = node
            lines.append(f"        {v} = node{position}.to_global_id({type_name!r}, item.pk)")
        lines.extend(_check(v, position, leaf_type, non_null, as_is, names))
    lines += ["    except Exception:", "        return SLOW", *later]
    entries = ", ".join(f"{key!r}: v{i}" for i, (key, _spec) in enumerate(fields))
    lines.append(f"    return {{{entries}}}")
    exec("\n".join(lines), names)  # noqa: S102 - source built above from schema names only
    return names["read"]


def _check(v: str, position: int, leaf_type, non_null: bool, as_is, names) -> list[str]:
    """Source lines that leave `v` as its serialized value or return SLOW."""
    none = "return SLOW" if non_null else "pass"
    if as_is is None:  # an enum: the serialized name of each value, worked out once
        names[f"enum{position}"] = _EnumNames(leaf_type)
        return [
            f"        if {v} is None: {none}",
            "        else:",
            f"            {v} = enum{position}({v})",
            f"            if {v} is SLOW: return SLOW",
        ]
    test = {
        str: f"{v}.__class__ is str",
        bool: f"{v}.__class__ is bool",
        int: f"{v}.__class__ is int and {_INT_RANGE.format(v=v)}",
        float: f"{v}.__class__ is float and {v} - {v} == 0.0",  # finite: inf - inf is nan
        date: f"{v}.__class__ is date",
    }[as_is]
    convert = f"; {v} = {v}.isoformat()" if as_is is date else ""
    return [
        f"        if {test}: pass{convert}",
        f"        elif {v} is None: {none}",
        "        else: return SLOW",
    ]


class _EnumNames:
    """value -> the enum's serialized name, memoised for str and int values (an enum's
    serialize is a pure lookup); anything else or unknown -> SLOW."""

    __slots__ = ("_memo", "_type")

    def __init__(self, enum_type: GraphQLEnumType) -> None:
        self._type = enum_type
        self._memo: dict = {}

    def __call__(self, value):
        if value.__class__ is not str and value.__class__ is not int:
            return SLOW
        try:
            return self._memo[value]
        except KeyError:
            pass
        try:
            name = self._type.serialize(value)
        except Exception:
            return SLOW
        if name.__class__ is not str:
            return SLOW
        if len(self._memo) < _ENUM_MEMO_LIMIT:
            self._memo[value] = name
        return name
