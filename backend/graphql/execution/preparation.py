"""Before execution: parse, validate (the specification's rules, then ours), price the
operation. What comes out is a `PreparedOperation`; errors here mean nothing ran. The same
for both executors (`execution.run`)."""

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLInputObjectType,
    OperationDefinitionNode,
    StringValueNode,
    Undefined,
    ValidationRule,
    get_operation_ast,
    is_non_null_type,
    parse,
    specified_rules,
    validate,
)

from ..errors import request_error, strip_suggestions
from ..limits import alias_limit_rule, depth_limit_rule, operation_cost


@dataclass(frozen=True)
class PreparedOperation:
    document: DocumentNode | None
    operation: OperationDefinitionNode | None
    errors: tuple[GraphQLError, ...]
    cost: int = 0

    @property
    def kind(self) -> str | None:
        return self.operation.operation.value if self.operation else None


NUL_MESSAGE = "Text may not contain NUL (\\u0000) characters."


class NoNulInStrings(ValidationRule):
    """PostgreSQL cannot store NUL in text, and no person types one: refuse at the door."""

    def enter_string_value(self, node: StringValueNode, *_args):
        if "\x00" in node.value:
            self.report_error(
                GraphQLError(NUL_MESSAGE, node, extensions={"code": "BAD_USER_INPUT"})
            )


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


INTROSPECTION_FIELDS = frozenset(("__schema", "__type"))


class DisableIntrospection(ValidationRule):
    """Refuse `__schema` and `__type` when introspection is off. Unlike graphene's rule (which
    refuses every name starting with `__`), `__typename` stays allowed: Apollo Client, Apollo
    iOS and Apollo Kotlin add it to every selection set, and it reveals nothing the client
    did not already ask for."""

    def enter_field(self, node, *_args):
        name = node.name.value
        if name in INTROSPECTION_FIELDS:
            self.report_error(
                GraphQLError(f"Cannot query '{name}': introspection is disabled.", node)
            )


def _limit_rules():
    """Our own rules; they assume a document the specification's rules found valid."""
    limits = settings.GRAPHQL_LIMITS
    rules = [
        NoNulInStrings,
        depth_limit_rule(limits["max_depth"]),
        alias_limit_rule(limits["max_aliases"]),
    ]
    if not settings.GRAPHQL_INTROSPECTION:
        rules.append(DisableIntrospection)
    return rules


def _strip_suggestion(error: GraphQLError) -> GraphQLError:
    if settings.GRAPHQL_FIELD_SUGGESTIONS:
        return error
    return GraphQLError(strip_suggestions(error.message), error.nodes, extensions=error.extensions)


def require_non_null_inputs(graphql_schema) -> None:
    """Make every non-null input field without a real default required.

    graphene gives an input field declared as `graphene.Field(SomeEnum, required=True)` a
    default of None (not "no default"), so graphql-core's validation let a document leave it
    out and the resolver crashed on the None (the long fuzz found `toolCreate` without `kind`:
    a 500). A null default on a non-null type is never meant: drop it. Once per schema."""
    if getattr(graphql_schema, "_non_null_inputs_required", False):
        return
    for named in graphql_schema.type_map.values():
        if isinstance(named, GraphQLInputObjectType):
            for field in named.fields.values():
                if is_non_null_type(field.type) and field.default_value is None:
                    field.default_value = Undefined
    graphql_schema._non_null_inputs_required = True


def _parse_and_validate(schema, query: str) -> tuple[DocumentNode | None, tuple]:
    """Documents repeat (mobile apps send the same few), so parse and validate once each. The
    settings the result depends on are part of the cache key, so changing them (tests do)
    never serves a stale verdict."""
    require_non_null_inputs(schema.graphql_schema)
    limits = settings.GRAPHQL_LIMITS
    return _parse_and_validate_cached(
        schema,
        query,
        settings.GRAPHQL_INTROSPECTION,
        settings.GRAPHQL_FIELD_SUGGESTIONS,
        tuple(sorted(limits.items())),
    )


@lru_cache(maxsize=512)
def _parse_and_validate_cached(schema, query: str, *_settings) -> tuple:
    limits = settings.GRAPHQL_LIMITS
    try:
        document = parse(
            query,
            max_tokens=limits["max_tokens"],
            max_source_length=limits["max_document_chars"],
        )
    except GraphQLError as error:
        error.extensions = {**(error.extensions or {}), "code": "GRAPHQL_PARSE_FAILED"}
        return None, (_strip_suggestion(error),)
    # The specification's rules first: the limit rules walk fragments and would recurse
    # forever on a fragment cycle or fail on a spread of an undefined fragment.
    errors = validate(schema.graphql_schema, document, specified_rules)
    if not errors:
        errors = validate(schema.graphql_schema, document, _limit_rules())
    for error in errors:
        error.extensions = {"code": "GRAPHQL_VALIDATION_FAILED", **(error.extensions or {})}
    return document, tuple(_strip_suggestion(error) for error in errors)


_parse_and_validate.cache_clear = _parse_and_validate_cached.cache_clear


def prepare(schema, query: str, operation_name: str | None, variables: dict | None):
    """Everything that happens before execution; errors here mean nothing ran."""
    document, errors = _parse_and_validate(schema, query)
    if errors:
        return PreparedOperation(document, None, errors)
    if _has_nul(variables):
        return PreparedOperation(document, None, (request_error(NUL_MESSAGE, "BAD_USER_INPUT"),))
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        message = (
            f"Unknown operation named '{operation_name}'."
            if operation_name
            else "Provide operationName: the document has several operations."
        )
        return PreparedOperation(document, None, (request_error(message, "BAD_REQUEST"),))
    limits = settings.GRAPHQL_LIMITS
    try:
        cost = operation_cost(
            schema.graphql_schema,
            document,
            operation_name,
            variables,
            default_page_size=limits["default_page_size"],
            max_page_size=settings.GRAPHENE["RELAY_CONNECTION_MAX_LIMIT"],
            default_list_size=limits["default_list_size"],
        )
    except GraphQLError as error:
        return PreparedOperation(document, operation, (error,))
    if cost > limits["max_cost"]:
        error = request_error(
            f"The operation would cost {cost}, over the limit of {limits['max_cost']}. "
            "Ask for smaller pages or fewer fields.",
            "QUERY_TOO_COSTLY",
        )
        return PreparedOperation(document, operation, (error,))
    return PreparedOperation(document, operation, (), cost)
