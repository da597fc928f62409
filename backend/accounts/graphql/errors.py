import graphene

from backend.graphql.mutations import error_type


class AccountErrorCode(graphene.Enum):
    """Why an account operation was refused."""

    INVALID = "INVALID"
    INVALID_ID = "INVALID_ID"
    NOT_FOUND = "NOT_FOUND"
    REQUIRED = "REQUIRED"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    TOO_MANY_ATTEMPTS = "TOO_MANY_ATTEMPTS"
    INVALID_CODE = "INVALID_CODE"
    EXPIRED = "EXPIRED"
    WEAK_PASSWORD = "WEAK_PASSWORD"  # noqa: S105 (an error code)
    ALREADY_EXISTS = "ALREADY_EXISTS"
    INVALID_DOMAIN = "INVALID_DOMAIN"
    NOT_AWAITING_APPROVAL = "NOT_AWAITING_APPROVAL"


AccountError = error_type(
    "AccountError", AccountErrorCode, "A problem with an account operation the person can fix."
)
