"""Top-level GraphQL errors: what the client may see, and the machine-readable codes.

User-fixable problems in mutations are not top-level errors: they go to the payload's
`errors` list (see `mutations.py`). Top-level errors are for authentication, permission,
malformed requests, limits and bugs. Bugs are logged with the request id and masked.
"""

import inspect
import logging
import re
from enum import Enum
from typing import Any

import graphene
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError
from graphql import GraphQLError

from backend.errors import ErrorCode
from backend.request_id import current_request_id

logger = logging.getLogger("backend.graphql")

INTERNAL_MESSAGE = "Internal server error."


class ApiErrorCode(ErrorCode):
    """The top-level `extensions.code` of an error: about the request as a whole, not a field."""

    BAD_REQUEST = "BAD_REQUEST", "The request is malformed (see the message)."
    BAD_USER_INPUT = "BAD_USER_INPUT", "An argument is not acceptable (see the message)."
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED", "The document is not valid GraphQL syntax."
    GRAPHQL_VALIDATION_FAILED = (
        "GRAPHQL_VALIDATION_FAILED",
        "The document does not fit the schema.",
    )
    PERSISTED_QUERY_NOT_SUPPORTED = (
        "PERSISTED_QUERY_NOT_SUPPORTED",
        "Persisted queries are not kept here: send the full query.",
    )
    PERSISTED_QUERY_NOT_FOUND = (
        "PERSISTED_QUERY_NOT_FOUND",
        "The server does not know this hash (yet, or any more): send the query with its hash "
        "(message `PersistedQueryNotFound`, HTTP 200; Apollo clients do so by themselves).",
    )
    PERSISTED_QUERY_HASH_MISMATCH = (
        "PERSISTED_QUERY_HASH_MISMATCH",
        "`extensions.persistedQuery.sha256Hash` is not the SHA-256 (lowercase hex) of the "
        "`query` sent with it; nothing ran and nothing was stored.",
    )
    PERSISTED_QUERY_NOT_ALLOWED = (
        "PERSISTED_QUERY_NOT_ALLOWED",
        "This server runs only the operations the app shipped (allow-list mode) and this "
        "document is not one of them.",
    )
    UNAUTHENTICATED = "UNAUTHENTICATED", "Sign in to do this."
    FORBIDDEN = "FORBIDDEN", "You may not do this."
    NOT_FOUND = "NOT_FOUND", "No such object, or you may not see it."
    NOT_AVAILABLE = "NOT_AVAILABLE", "This server does not offer it (its links are not routed)."
    RATE_LIMITED = "RATE_LIMITED", "Too many requests; `extensions.retryAfter` says when to retry."
    QUERY_TOO_COSTLY = "QUERY_TOO_COSTLY", "The query asks for too much at once, or this minute."
    QUERY_TIMEOUT = "QUERY_TIMEOUT", "The query took too long; ask for less at once."
    TOO_MANY_ALIASES = "TOO_MANY_ALIASES", "The document has too many aliases."
    PAGE_SIZE_EXCEEDED = "PAGE_SIZE_EXCEEDED", "A list asks for more rows than one page holds."
    TOO_MANY_OPERATIONS = (
        "TOO_MANY_OPERATIONS",
        "Too many operations at once on one WebSocket.",
    )
    TOO_MANY_FILES = "TOO_MANY_FILES", "Too many files in one upload."
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE", "The request body or an upload is too large."
    NOT_ACCEPTABLE = "NOT_ACCEPTABLE", "The Accept header allows no answer form we speak."
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED", "Use POST (GET is for queries only)."
    UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE", "The body's Content-Type is not accepted."
    SERVICE_BUSY = "SERVICE_BUSY", "The server is busy; try again in a moment."
    INTERNAL_SERVER_ERROR = (
        "INTERNAL_SERVER_ERROR",
        "A bug; `extensions.requestId` finds it in the logs.",
    )


def graphql_enum(codes: type[Enum], name: str) -> type[graphene.Enum]:
    """The GraphQL enum made from a domain enum: same names and values; the type's description
    is the enum's docstring and each value's is the member's `description`."""
    return graphene.Enum.from_enum(
        codes, name=name, description=inspect.cleandoc(codes.__doc__ or codes.__name__)
    )


class HttpError(Exception):
    """A refusal of the HTTP request itself, before any GraphQL runs (the view answers it with
    `status` and a body carrying `code`): a bad body, an upload too large, a media type."""

    def __init__(self, status: int, message: str, code: str = "BAD_REQUEST", headers=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.headers = headers or {}


class PublicError(Exception):
    """An error whose message is safe to show, with a code in `extensions.code`."""

    code: str = ApiErrorCode.BAD_REQUEST

    def __init__(self, message: str, *, code: str | None = None, extensions: dict | None = None):
        super().__init__(message)
        if code:
            self.code = code
        self.extensions = extensions or {}


class AuthenticationRequired(PublicError):
    code = ApiErrorCode.UNAUTHENTICATED

    def __init__(self, message: str = "Sign in to do this."):
        super().__init__(message)


class Forbidden(PublicError):
    code = ApiErrorCode.FORBIDDEN

    def __init__(self, message: str = "You do not have permission to do this."):
        super().__init__(message)


class NotFound(PublicError):
    code = ApiErrorCode.NOT_FOUND


class RateLimited(PublicError):
    code = ApiErrorCode.RATE_LIMITED

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message, extensions={"retryAfter": retry_after})


def request_error(message: str, code: str) -> GraphQLError:
    """An error about the request as a whole (parse, validation, limits)."""
    return GraphQLError(message, extensions={"code": code})


def format_error(error: GraphQLError) -> dict:
    """Turn an error into its wire form; anything not meant for the client is masked."""
    original = error.original_error
    # Errors made by the request pipeline (parse, validation, limits) carry their code already,
    # even when a scalar's parser raised underneath them.
    already_public = bool(error.extensions and "code" in error.extensions)
    if original is None or isinstance(original, GraphQLError) or already_public:
        formatted: dict[str, Any] = dict(error.formatted)
        # Variable coercion errors come from execution, not validation: they carry
        # graphql-core's "Did you mean ...?" too.
        formatted["message"] = strip_suggestions(formatted["message"])
        formatted.setdefault("extensions", {}).setdefault("code", ApiErrorCode.BAD_REQUEST)
        return formatted

    formatted = {"message": str(original), "locations": None, "path": error.path}
    if error.locations:
        formatted["locations"] = [loc._asdict() for loc in error.locations]
    else:
        formatted.pop("locations")
    if isinstance(original, PublicError):
        formatted["extensions"] = {"code": original.code, **original.extensions}
    elif isinstance(original, PermissionDenied):
        formatted["message"] = str(original) or Forbidden().args[0]
        formatted["extensions"] = {"code": ApiErrorCode.FORBIDDEN}
    elif isinstance(original, OperationalError) and "statement timeout" in str(original):
        logger.warning("Statement timeout resolving %s", error.path)
        formatted["message"] = "The request took too long. Ask for less at once."
        formatted["extensions"] = {
            "code": ApiErrorCode.QUERY_TIMEOUT,
            "requestId": current_request_id(),
        }
    elif isinstance(original, OperationalError) and "database is locked" in str(original):
        # SQLite (the embedded default) serialises writers; a busy moment is worth a retry.
        logger.warning("Database busy resolving %s", error.path)
        formatted["message"] = "The server is busy. Try again in a moment."
        formatted["extensions"] = {
            "code": ApiErrorCode.SERVICE_BUSY,
            "requestId": current_request_id(),
        }
    elif isinstance(original, ValidationError):
        formatted["message"] = " ".join(original.messages)
        codes = _validation_codes(original)
        # An id the caller may not see reads as "not found", the same as one that never existed.
        formatted["extensions"] = {
            "code": ApiErrorCode.NOT_FOUND
            if codes == {"NOT_FOUND"}
            else ApiErrorCode.BAD_USER_INPUT
        }
    else:
        request_id = current_request_id()
        logger.error(
            "Unhandled error resolving %s (request %s)",
            ".".join(str(p) for p in error.path or []),
            request_id,
            exc_info=original,
        )
        formatted["message"] = (
            f"{type(original).__name__}: {original}" if settings.DEBUG else INTERNAL_MESSAGE
        )
        formatted["extensions"] = {
            "code": ApiErrorCode.INTERNAL_SERVER_ERROR,
            "requestId": request_id,
        }
    return formatted


def _validation_codes(error: ValidationError) -> set[str | None]:
    if hasattr(error, "error_dict"):
        return {item.code for items in error.error_dict.values() for item in items}
    return {item.code for item in error.error_list}


_SUGGESTION = re.compile(r"\s*Did you mean .*\?$")


def strip_suggestions(message: str) -> str:
    """`message` without graphql-core's "Did you mean ...?" when suggestions are off: they
    name fields, arguments and enum values of the schema to anyone who guesses near them."""
    if settings.GRAPHQL_FIELD_SUGGESTIONS:
        return message
    return _SUGGESTION.sub("", message)
