"""The reasons improvement services refuse, each with what it means.

Raise with a member: `ValidationError(message, code=ImprovementError.X)`. The GraphQL enum
`ImprovementErrorCode` is made from this one (see `backend.errors`): add a code here, never there.
"""

from backend.errors import ErrorCode


class ImprovementError(ErrorCode):
    """Why an improvement operation (a PDSA cycle, a measure, its data) was refused."""

    INVALID = "INVALID", "Something in the input is not acceptable."
    INVALID_ID = "INVALID_ID", "An id is not the id of the expected kind of object."
    NOT_FOUND = "NOT_FOUND", "No such object, or you may not see it."
    NOT_ALLOWED = (
        "NOT_ALLOWED",
        "You can see the object but may not do this to it (the message says why).",
    )
    REQUIRED = "REQUIRED", "A required value is missing."
    INVALID_TRANSITION = (
        "INVALID_TRANSITION",
        "A cycle moves one stage forward at a time, once the current stage is written "
        "(the message says what is missing).",
    )
    CLIENT_ID_CONFLICT = (
        "CLIENT_ID_CONFLICT",
        "A data point with this client id was already recorded with other values.",
    )
    FUTURE_DATE = "FUTURE_DATE", "The date is after today at your school."
    NOT_FINITE = "NOT_FINITE", "The value is not a finite number."
    INVALID_DATES = "INVALID_DATES", "The Do stage cannot end before it starts."
    MEASURE_REQUIRED = (
        "MEASURE_REQUIRED",
        "Link at least one measure before starting the Do stage: it is how you will know.",
    )
    RESULTS_REQUIRED = (
        "RESULTS_REQUIRED",
        "Only a tested change with its results can be shared: the cycle must be at Act or Done.",
    )
    COMMITMENT_REQUIRED = (
        "COMMITMENT_REQUIRED",
        "Sharing in the library comes with the commitment to answer colleagues' questions.",
    )
    ALREADY_PUBLISHED = (
        "ALREADY_PUBLISHED",
        "The cycle is already in the library: unpublish it to share a new version.",
    )
