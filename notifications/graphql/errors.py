import graphene

from backend.graphql.mutations import error_type


class NotificationErrorCode(graphene.Enum):
    """Why a notification operation was refused."""

    INVALID = "INVALID"
    INVALID_ID = "INVALID_ID"
    NOT_FOUND = "NOT_FOUND"
    REQUIRED = "REQUIRED"
    INVALID_TOKEN = "INVALID_TOKEN"  # noqa: S105 (an error code)
    INVALID_TIME_ZONE = "INVALID_TIME_ZONE"
    NOT_ALLOWED = "NOT_ALLOWED"
    TOO_MANY_ATTEMPTS = "TOO_MANY_ATTEMPTS"

    @property
    def description(self):
        return {
            "INVALID": "A value is not acceptable.",
            "INVALID_ID": "The id is not the id of the expected type.",
            "NOT_FOUND": "No such object, or not yours.",
            "REQUIRED": "A value is missing.",
            "INVALID_TOKEN": "The push token is malformed.",
            "INVALID_TIME_ZONE": "Not an IANA time zone.",
            "NOT_ALLOWED": "This setting cannot be changed.",
            "TOO_MANY_ATTEMPTS": "Too many requests; try again later.",
        }[self.name]


NotificationError = error_type(
    "NotificationError",
    NotificationErrorCode,
    "A problem with a notification operation the person can fix.",
)
