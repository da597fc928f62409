"""The API form of `notifications.errors`: the enum is made from the domain one, so the two cannot
drift apart (add a code in `notifications.errors`)."""

from backend.graphql.errors import graphql_enum
from backend.graphql.mutations import error_type
from notifications.errors import NotificationError as Codes

NotificationErrorCode = graphql_enum(Codes, "NotificationErrorCode")

NotificationError = error_type(
    "NotificationError",
    NotificationErrorCode,
    "A problem with a notification operation the person can fix.",
)
