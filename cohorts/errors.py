"""The reasons cohort services refuse, each with what it means.

Raise with a member: `ValidationError(message, code=CohortError.X)`. The GraphQL enum
`CohortErrorCode` is made from this one (see `backend.errors`): add a code here, never there.
"""

from backend.errors import ErrorCode


class CohortError(ErrorCode):
    """Why a cohort, meeting, agenda or protocol change was refused."""

    INVALID = "INVALID", "The value is not acceptable; the message says why."
    INVALID_ID = "INVALID_ID", "The id is not the id of the expected kind of object."
    NOT_FOUND = "NOT_FOUND", "No such object, or you may not see it."
    NOT_ALLOWED = (
        "NOT_ALLOWED",
        "You can see the object but may not do this to it (the message says who may).",
    )
    REQUIRED = "REQUIRED", "A value is needed."
    INVALID_SCHOOL_YEAR = "INVALID_SCHOOL_YEAR", "Write the school year as 2026-2027."
    DUPLICATE_NAME = "DUPLICATE_NAME", "The name is already used here."
    ARCHIVED = "ARCHIVED", "The cohort is archived: read only."
    NOT_IN_SCHOOL = (
        "NOT_IN_SCHOOL",
        "The person does not teach at the cohort's school (or district, for meeting invitees).",
    )
    NOT_A_TEACHER_LEADER = "NOT_A_TEACHER_LEADER", "Only teacher leaders lead cohorts."
    NOT_A_MEMBER = (
        "NOT_A_MEMBER",
        "The person is not (or no longer) in the cohort or the meeting's group.",
    )
    ALREADY_MEMBER = "ALREADY_MEMBER", "The person is already in the cohort."
    NEEDS_APPROVAL = (
        "NEEDS_APPROVAL",
        "The person's address is outside the district's e-mail domains and no coordinator "
        "has approved them yet.",
    )
    ROLE_LIMIT_EXCEEDED = (
        "ROLE_LIMIT_EXCEEDED",
        "A cohort has one leader; with strict targets, no more blue or yellow dots than "
        "the targets.",
    )
    LEADER_MUST_HAND_OVER = (
        "LEADER_MUST_HAND_OVER",
        "The leader cannot leave or change role: hand the cohort over.",
    )
    NOT_A_BLUE_DOT = (
        "NOT_A_BLUE_DOT",
        "Only a current blue dot of the same cohort visits yellow dots.",
    )
    NOT_A_YELLOW_DOT = "NOT_A_YELLOW_DOT", "Only current yellow dots are assigned to blue dots."
    ALREADY_ASSIGNED = (
        "ALREADY_ASSIGNED",
        "Someone assigned this yellow dot at the same moment; reload.",
    )
    INVALID_TIME = (
        "INVALID_TIME",
        "The local time does not exist that day (daylight-saving change).",
    )
    MEETING_CANCELLED = "MEETING_CANCELLED", "The meeting was cancelled and can no longer change."
    MEETING_NOT_STARTED = (
        "MEETING_NOT_STARTED",
        "Attendance is recorded once the meeting has started.",
    )
    AGENDA_OVERRUNS_MEETING = (
        "AGENDA_OVERRUNS_MEETING",
        "With strict timing on, the agenda is longer than the meeting.",
    )
    ALREADY_EXISTS = (
        "ALREADY_EXISTS",
        "The invited address already has an account: add the person instead.",
    )
    TOO_MANY_ATTEMPTS = "TOO_MANY_ATTEMPTS", "Too many invitations this hour."
