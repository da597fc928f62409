"""Validation limits that keep one request from costing the server too much.

Depth comes from graphene's validator; aliases, page sizes and cost are ours. Cost counts
every selected field once per object it will be resolved for: a field inside a connection
asked for `first: 50` costs 50 times, nested connections multiply.
"""

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLObjectType,
    InlineFragmentNode,
    OperationDefinitionNode,
    Undefined,
    ValidationRule,
    get_named_type,
    value_from_ast_untyped,
)
from graphql.type import GraphQLInterfaceType, GraphQLUnionType
from graphql_relay import cursor_to_offset

PAGE_ARGUMENTS = ("first", "last")


def alias_limit_rule(max_aliases: int) -> type[ValidationRule]:
    class AliasLimit(ValidationRule):
        def __init__(self, context):
            super().__init__(context)
            self.count = 0

        def enter_field(self, node: FieldNode, *_args):
            if node.alias is not None:
                self.count += 1
                if self.count == max_aliases + 1:
                    self.report_error(
                        GraphQLError(
                            f"The operation uses more than {max_aliases} aliases.",
                            node,
                            extensions={"code": "TOO_MANY_ALIASES"},
                        )
                    )

    return AliasLimit


class CostTooHigh(Exception):
    pass


def operation_cost(
    schema,
    document,
    operation_name: str | None,
    variables: dict | None,
    *,
    default_page_size: int,
    max_page_size: int,
) -> int:
    """The cost of the operation that will run. Raises GraphQLError on an oversized page."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name:
        operations = [op for op in operations if op.name and op.name.value == operation_name]
    if not operations:
        return 0
    operation = operations[0]
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    return _selection_cost(
        operation.selection_set,
        root,
        schema,
        fragments,
        variables or {},
        multiplier=1,
        default_page_size=default_page_size,
        max_page_size=max_page_size,
        seen_fragments=(),
    )


def _selection_cost(
    selection_set,
    parent_type,
    schema,
    fragments,
    variables,
    *,
    multiplier,
    default_page_size,
    max_page_size,
    seen_fragments,
) -> int:
    total = 0
    kwargs = {
        "default_page_size": default_page_size,
        "max_page_size": max_page_size,
    }
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            name = selection.name.value
            if name.startswith("__"):
                continue
            fields = getattr(parent_type, "fields", None) or {}
            field = fields.get(name)
            if field is None:
                continue
            total += multiplier
            if selection.selection_set is None:
                continue
            child_type = get_named_type(field.type)
            child_multiplier = multiplier
            if child_type.name.endswith("Connection"):
                size = _page_size(selection, variables, default_page_size, max_page_size)
                child_multiplier = multiplier * max(size, 1)
            total += _selection_cost(
                selection.selection_set,
                child_type,
                schema,
                fragments,
                variables,
                multiplier=child_multiplier,
                seen_fragments=seen_fragments,
                **kwargs,
            )
        elif isinstance(selection, InlineFragmentNode):
            target = parent_type
            if selection.type_condition is not None:
                target = schema.get_type(selection.type_condition.name.value) or parent_type
            total += _selection_cost(
                selection.selection_set,
                _concrete(target, parent_type),
                schema,
                fragments,
                variables,
                multiplier=multiplier,
                seen_fragments=seen_fragments,
                **kwargs,
            )
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is None or name in seen_fragments:
                continue
            target = schema.get_type(fragment.type_condition.name.value) or parent_type
            total += _selection_cost(
                fragment.selection_set,
                _concrete(target, parent_type),
                schema,
                fragments,
                variables,
                multiplier=multiplier,
                seen_fragments=(*seen_fragments, name),
                **kwargs,
            )
    return total


def _concrete(target, fallback):
    if isinstance(target, GraphQLObjectType | GraphQLInterfaceType):
        return target
    if isinstance(target, GraphQLUnionType):
        return fallback
    return fallback


def _argument_value(node, variables):
    """The argument's value; an omitted variable counts as not given (its default applies)."""
    value = value_from_ast_untyped(node, variables)
    return None if value is Undefined else value


def _page_size(field: FieldNode, variables, default_page_size, max_page_size) -> int:
    size = None
    given = {
        argument.name.value: _argument_value(argument.value, variables)
        for argument in field.arguments
    }
    # graphene-django asserts on these combinations; refuse them here with a clear message.
    if given.get("offset") is not None and given.get("before") is not None:
        raise GraphQLError(
            f"`offset` and `before` cannot be used together on `{field.name.value}`.",
            field,
            extensions={"code": "BAD_REQUEST"},
        )
    # graphene-django adds `offset` to the decoded cursor without checking it decodes.
    for name in ("after", "before"):
        cursor = given.get(name)
        if cursor is not None and (not isinstance(cursor, str) or cursor_to_offset(cursor) is None):
            raise GraphQLError(
                f"`{name}` on `{field.name.value}` is not a cursor from this list.",
                field,
                extensions={"code": "BAD_REQUEST"},
            )
    offset = given.get("offset")
    if offset is not None and (not isinstance(offset, int) or offset < 0):
        raise GraphQLError(
            f"`offset` on `{field.name.value}` must be zero or more.",
            field,
            extensions={"code": "BAD_REQUEST"},
        )
    for argument in field.arguments:
        if argument.name.value in PAGE_ARGUMENTS:
            value = _argument_value(argument.value, variables)
            if value is None:
                continue
            if not isinstance(value, int) or value < 0:
                raise GraphQLError(
                    f"`{argument.name.value}` on `{field.name.value}` must be a positive number.",
                    field,
                    extensions={"code": "BAD_REQUEST"},
                )
            if value > max_page_size:
                raise GraphQLError(
                    f"`{argument.name.value}: {value}` on `{field.name.value}` is larger than the "
                    f"page size limit of {max_page_size}.",
                    field,
                    extensions={"code": "PAGE_SIZE_EXCEEDED"},
                )
            size = value if size is None else max(size, value)
    return default_page_size if size is None else size
