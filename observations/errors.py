"""The reasons observation services refuse, each with what it means.

Raise with a member: `ValidationError(message, code=ObservationError.X)`. The GraphQL enum
`ObservationErrorCode` is made from this one (see `backend.errors`): add a code here, never there.
"""

from backend.errors import ErrorCode


class ObservationError(ErrorCode):
    """Why an operation on questions, tools, timetables, visits, data or reflections was
    refused."""

    INVALID = "INVALID", "The value is not acceptable (see the message)."
    INVALID_ID = "INVALID_ID", "The id is not an id of the expected type."
    NOT_FOUND = "NOT_FOUND", "No such object, or you may not see it."
    NOT_ALLOWED = (
        "NOT_ALLOWED",
        "You can see the object but may not do this to it (the message says who may).",
    )
    REQUIRED = "REQUIRED", "The field must be given."
    NOT_VISIT_PARTICIPANT = (
        "NOT_VISIT_PARTICIPANT",
        "Only the visit's host and visitors can do this.",
    )
    NOT_VISIT_HOST = "NOT_VISIT_HOST", "Only the visit's host can do this."
    NOT_VISIT_VISITOR = "NOT_VISIT_VISITOR", "Only a visitor of the visit can do this."
    NOT_SLQ_HOST = (
        "NOT_SLQ_HOST",
        "Only the host teacher can change their Student Learning Question.",
    )
    NOT_TOOL_OWNER = "NOT_TOOL_OWNER", "Only the tool's owner can change it; copy it instead."
    NOT_COHORT_MEMBER = (
        "NOT_COHORT_MEMBER",
        "Host and visitor are not both current members of that cohort.",
    )
    CANNOT_VISIT_SELF = "CANNOT_VISIT_SELF", "You cannot visit your own class."
    DOUBLE_BOOKED = (
        "DOUBLE_BOOKED",
        "Someone in the visit already has a visit overlapping that time.",
    )
    HOST_NOT_TEACHING = "HOST_NOT_TEACHING", "The host's timetable has no class at that time."
    NONEXISTENT_LOCAL_TIME = (
        "NONEXISTENT_LOCAL_TIME",
        "That local time is skipped when the clocks go forward.",
    )
    STARTS_IN_PAST = "STARTS_IN_PAST", "The time is not in the future."
    INVALID_DURATION = "INVALID_DURATION", "A visit lasts 10 to 240 minutes."
    INVALID_CYCLE_NUMBER = (
        "INVALID_CYCLE_NUMBER",
        "The cycle number is outside 1 to the host's next cycle.",
    )
    INVALID_TRANSITION = "INVALID_TRANSITION", "The visit's status does not allow this change."
    REASON_REQUIRED = "REASON_REQUIRED", "Say why (declining, cancelling, rescheduling)."
    UNCHANGED = "UNCHANGED", "Nothing would change."
    INVALID_TIME_RANGE = "INVALID_TIME_RANGE", "A period must end after it starts."
    OVERLAPPING_PERIODS = "OVERLAPPING_PERIODS", "Two periods overlap."
    VISIT_NOT_ACCEPTED = "VISIT_NOT_ACCEPTED", "The host has not accepted the visit yet."
    VISIT_NOT_STARTED = "VISIT_NOT_STARTED", "The visit has not started yet."
    VISIT_CLOSED = "VISIT_CLOSED", "The visit was declined or cancelled."
    NO_TOOL = "NO_TOOL", "The visit has no data-collection tool yet."
    NO_SLQ = "NO_SLQ", "The visit has no Student Learning Question yet."
    NO_COHORT = "NO_COHORT", "The visit is not part of a cohort."
    TOOL_LOCKED = "TOOL_LOCKED", "Data was collected; the visit's tool cannot change."
    SLQ_LOCKED = (
        "SLQ_LOCKED",
        "The reflection sheet is written; the visit's question cannot change.",
    )
    SLQ_NOT_HOSTS = "SLQ_NOT_HOSTS", "The Student Learning Question is not the host's."
    SLQ_RETIRED = "SLQ_RETIRED", "The Student Learning Question was replaced or not kept."
    ALREADY_REPLACED = "ALREADY_REPLACED", "The Student Learning Question was already replaced."
    INVALID_TOOL_DEFINITION = (
        "INVALID_TOOL_DEFINITION",
        "The tool definition is not valid for its kind (see field).",
    )
    TOOL_IN_USE = "TOOL_IN_USE", "Data was collected with the tool; its definition cannot change."
    INVALID_TOOL_DATA = (
        "INVALID_TOOL_DATA",
        "An entry does not fit the tool's definition (see field).",
    )
    CLIENT_ID_CONFLICT = (
        "CLIENT_ID_CONFLICT",
        "A different entry was already accepted under this clientId.",
    )
    TOO_MANY_ENTRIES = "TOO_MANY_ENTRIES", "Too many entries in one request."
    UNSUPPORTED_IMAGE = (
        "UNSUPPORTED_IMAGE",
        "The file is not a JPEG, PNG, WebP or HEIC photo, or it is damaged.",
    )
    IMAGE_TOO_LARGE = (
        "IMAGE_TOO_LARGE",
        "The photo has too many bytes or too many pixels (see the message).",
    )
    TOO_MANY_PHOTOS = (
        "TOO_MANY_PHOTOS",
        "This already has as many photos as allowed; delete one first.",
    )
    NOT_SEATING_CHART = "NOT_SEATING_CHART", "Only a seating-chart tool has a room photo."
    NOT_PHOTO_OWNER = (
        "NOT_PHOTO_OWNER",
        "Only who added the photo, or the host it belongs to, can delete it.",
    )
