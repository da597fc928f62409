"""The API form of `observations.errors`: the enum is made from the domain one, so the two cannot
drift apart (add a code in `observations.errors`)."""

from backend.graphql.errors import graphql_enum
from backend.graphql.mutations import error_type
from observations.errors import ObservationError as Codes

ObservationErrorCode = graphql_enum(Codes, "ObservationErrorCode")

ObservationError = error_type(
    "ObservationError",
    ObservationErrorCode,
    "A problem with a question, tool, timetable, visit, data, reflection or photo the person "
    "can fix.",
)
