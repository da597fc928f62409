"""Resolver-partial unwrapping: how the fast executor resolves a leaf field in one step.

graphene wraps every field's resolver before graphql-core sees it; the two wrappers that serve
most leaves are recognised here by their shape, which is graphene's internal, not public API:
- `functools.partial(dict_or_attr_resolver, attname, default)` (graphene.types.resolver): the
  default resolver of a field without `resolve_x`; read `attname` off the root (or the dict).
- `functools.partial(GlobalID.id_resolver, DjangoObjectType.resolve_id, node,
  parent_type_name=...)` (graphene.relay.node): a node's `id`; `node.to_global_id(type, pk)`.
Anything else (or a wrapper whose shape changed in a graphene release) gets the RESOLVER plan:
the resolver is called with a full resolve info, which is always right, only slower.
`tests/backend/graphql/test_sync_execution.py` checks every plan against graphql-core's answer.
"""

from datetime import date
from functools import partial

import graphene
from graphene.relay.node import GlobalID
from graphene.types.resolver import dict_or_attr_resolver
from graphene_django import DjangoObjectType
from graphql import (
    GraphQLBoolean,
    GraphQLFloat,
    GraphQLID,
    GraphQLInt,
    GraphQLString,
    is_leaf_type,
    is_non_null_type,
)

from .rows import ATTRIBUTE as _ATTRIBUTE
from .rows import GLOBAL_ID as _GLOBAL_ID
from .rows import RESOLVER as _RESOLVER
from .rows import ROOT_RESOLVER as _ROOT_RESOLVER

GRAPHQL_INT = 2**31  # GraphQL's Int is a signed 32-bit integer
# The Python class of a value each built-in scalar serializes to itself.
_SERIALIZED_AS_IS = {
    GraphQLString: str,
    GraphQLID: str,
    GraphQLInt: int,
    GraphQLFloat: float,
    GraphQLBoolean: bool,
}


def reads_root_only(resolver):
    """Mark a leaf resolver that reads only its root (`info` unused), so the synchronous
    execution can skip building a resolve info for each of the thousands of rows that use it."""
    resolver.reads_root_only = True
    return resolver


def reads_attribute_through(attribute: str, lookup):
    """Mark a leaf resolver that returns `lookup(getattr(root, attribute))` (and is marked
    `reads_root_only`), so compiled rows (`rows`) call `lookup` on the attribute themselves;
    `lookup` must be a pure function of the value, like `GlobalIds.__getitem__`."""

    def mark(resolver):
        resolver.reads_attribute_through = (attribute, lookup)
        return reads_root_only(resolver)

    return mark


def leaf_plan(field_def):
    """How to resolve a leaf field without arguments in one step, or None for the usual path."""
    if field_def.args:
        return None
    field_type = field_def.type
    non_null = is_non_null_type(field_type)
    named = field_type.of_type if non_null else field_type
    if not is_leaf_type(named):
        return None
    as_is = _SERIALIZED_AS_IS.get(named)
    if getattr(named, "graphene_type", None) is graphene.Date:
        as_is = date
    resolve = field_def.resolve
    if resolve is None:
        return None
    if (
        isinstance(resolve, partial)
        and resolve.func is dict_or_attr_resolver
        and len(resolve.args) == 2
        and not resolve.keywords
    ):
        attname, default = resolve.args
        return (_ATTRIBUTE, (attname, default), named, non_null, as_is)
    if (
        isinstance(resolve, partial)
        and resolve.func is GlobalID.id_resolver
        and len(resolve.args) == 2
        and resolve.args[0] is DjangoObjectType.resolve_id
    ):
        return (
            _GLOBAL_ID,
            (resolve.args[1], resolve.keywords.get("parent_type_name")),
            named,
            non_null,
            as_is,
        )
    if getattr(resolve, "reads_root_only", False):
        return (_ROOT_RESOLVER, resolve, named, non_null, as_is)
    return (_RESOLVER, resolve, named, non_null, as_is)
