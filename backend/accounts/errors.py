"""The reasons account services refuse, each with what it means.

Raise with a member: `ValidationError(message, code=AccountError.X)`. The GraphQL enum
`AccountErrorCode` is made from this one (see `backend.errors`): add a code here, never there.
"""

from backend.errors import ErrorCode


class AccountError(ErrorCode):
    """Why an account operation was refused."""

    INVALID = "INVALID", "The value is not acceptable (see the message)."
    INVALID_ID = "INVALID_ID", "The id is not the id of the expected kind of object."
    NOT_FOUND = "NOT_FOUND", "No such object, or you may not see it."
    NOT_ALLOWED = (
        "NOT_ALLOWED",
        "You can see the object but may not do this to it (the message says who may).",
    )
    REQUIRED = "REQUIRED", "A value is needed."
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS", "The e-mail address or password is wrong."
    TOO_MANY_ATTEMPTS = (
        "TOO_MANY_ATTEMPTS",
        "Too many attempts (sign-ins, invitations); try again later.",
    )
    INVALID_CODE = "INVALID_CODE", "The code does not match an open invitation."
    EXPIRED = "EXPIRED", "The invitation has expired; ask for a new one."
    WEAK_PASSWORD = "WEAK_PASSWORD", "The password is too weak (see the message)."
    ALREADY_EXISTS = "ALREADY_EXISTS", "This person already has an account."
    INVALID_DOMAIN = "INVALID_DOMAIN", "Not a domain such as district.org."
    NOT_AWAITING_APPROVAL = (
        "NOT_AWAITING_APPROVAL",
        "The invitation is not waiting for a coordinator's approval.",
    )
    INVALID_TIME_ZONE = "INVALID_TIME_ZONE", "Not an IANA time zone (such as Europe/London)."
