"""The reasons notification services refuse, each with what it means.

Raise with a member: `ValidationError(message, code=NotificationError.X)`. The GraphQL enum
`NotificationErrorCode` is made from this one (see `backend.errors`): add a code here, never there.
"""

from backend.errors import ErrorCode


class NotificationError(ErrorCode):
    """Why a notification operation was refused."""

    INVALID = "INVALID", "A value is not acceptable."
    INVALID_ID = "INVALID_ID", "The id is not the id of the expected type."
    NOT_FOUND = "NOT_FOUND", "No such object, or not yours."
    NOT_ALLOWED = (
        "NOT_ALLOWED",
        "You can see the object or setting but may not do this to it (the message says why).",
    )
    REQUIRED = "REQUIRED", "A value is missing."
    INVALID_TOKEN = "INVALID_TOKEN", "The push token is malformed."
    INVALID_TIME_ZONE = "INVALID_TIME_ZONE", "Not an IANA time zone."
    TOO_MANY_ATTEMPTS = "TOO_MANY_ATTEMPTS", "Too many requests; try again later."
