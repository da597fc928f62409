"""Parse, validate and run one GraphQL operation; shared by the HTTP view and the WebSocket."""

import re
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from graphene.validation import DisableIntrospection, depth_limit_validator
from graphql import (
    DocumentNode,
    GraphQLError,
    OperationDefinitionNode,
    StringValueNode,
    ValidationRule,
    get_operation_ast,
    parse,
    specified_rules,
    validate,
)

from .errors import request_error
from .limits import alias_limit_rule, operation_cost

_SUGGESTION = re.compile(r"\s*Did you mean .*\?$")


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


def _rules():
    limits = settings.GRAPHQL_LIMITS
    rules = [
        *specified_rules,
        NoNulInStrings,
        depth_limit_validator(max_depth=limits["max_depth"]),
        alias_limit_rule(limits["max_aliases"]),
    ]
    if not settings.GRAPHQL_INTROSPECTION:
        rules.append(DisableIntrospection)
    return rules


def _strip_suggestion(error: GraphQLError) -> GraphQLError:
    if settings.GRAPHQL_FIELD_SUGGESTIONS:
        return error
    message = _SUGGESTION.sub("", error.message)
    return GraphQLError(message, error.nodes, extensions=error.extensions)


@lru_cache(maxsize=512)
def _parse_and_validate(schema, query: str) -> tuple[DocumentNode | None, tuple]:
    """Documents repeat (mobile apps send the same few), so parse and validate once each."""
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
    errors = validate(schema.graphql_schema, document, _rules())
    for error in errors:
        error.extensions = {"code": "GRAPHQL_VALIDATION_FAILED", **(error.extensions or {})}
    return document, tuple(_strip_suggestion(error) for error in errors)


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
