"""Top-level GraphQL errors: what the client may see, and the machine-readable codes.

User-fixable problems in mutations are not top-level errors: they go to the payload's
`errors` list (see `mutations.py`). Top-level errors are for authentication, permission,
malformed requests, limits and bugs. Bugs are logged with the request id and masked.
"""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError
from graphql import GraphQLError

from backend.request_id import current_request_id

logger = logging.getLogger("backend.graphql")

INTERNAL_MESSAGE = "Internal server error."


class PublicError(Exception):
    """An error whose message is safe to show, with a code in `extensions.code`."""

    code = "BAD_REQUEST"

    def __init__(self, message: str, *, code: str | None = None, extensions: dict | None = None):
        super().__init__(message)
        if code:
            self.code = code
        self.extensions = extensions or {}


class AuthenticationRequired(PublicError):
    code = "UNAUTHENTICATED"

    def __init__(self, message: str = "Sign in to do this."):
        super().__init__(message)


class Forbidden(PublicError):
    code = "FORBIDDEN"

    def __init__(self, message: str = "You do not have permission to do this."):
        super().__init__(message)


class NotFound(PublicError):
    code = "NOT_FOUND"


class RateLimited(PublicError):
    code = "RATE_LIMITED"

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
        formatted = error.formatted
        # Variable coercion errors come from execution, not validation: they carry
        # graphql-core's "Did you mean ...?" too.
        formatted["message"] = _strip_suggestions(formatted["message"])
        formatted.setdefault("extensions", {}).setdefault("code", "BAD_REQUEST")
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
        formatted["extensions"] = {"code": "FORBIDDEN"}
    elif isinstance(original, OperationalError) and "statement timeout" in str(original):
        logger.warning("Statement timeout resolving %s", error.path)
        formatted["message"] = "The request took too long. Ask for less at once."
        formatted["extensions"] = {"code": "QUERY_TIMEOUT", "requestId": current_request_id()}
    elif isinstance(original, OperationalError) and "database is locked" in str(original):
        # SQLite (the embedded default) serialises writers; a busy moment is worth a retry.
        logger.warning("Database busy resolving %s", error.path)
        formatted["message"] = "The server is busy. Try again in a moment."
        formatted["extensions"] = {"code": "SERVICE_BUSY", "requestId": current_request_id()}
    elif isinstance(original, ValidationError):
        formatted["message"] = " ".join(original.messages)
        codes = _validation_codes(original)
        # An id the caller may not see reads as "not found", the same as one that never existed.
        formatted["extensions"] = {
            "code": "NOT_FOUND" if codes == {"NOT_FOUND"} else "BAD_USER_INPUT"
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
        formatted["extensions"] = {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
    return formatted


def _validation_codes(error: ValidationError) -> set[str | None]:
    if hasattr(error, "error_dict"):
        return {item.code for items in error.error_dict.values() for item in items}
    return {item.code for item in error.error_list}


def _strip_suggestions(message: str) -> str:
    from .execution import strip_suggestions

    return strip_suggestions(message)
