"""The reasons survey services refuse, each with what it means.

Raise with a member: `ValidationError(message, code=SurveyError.X)`. The GraphQL enum
`SurveyErrorCode` is made from this one (see `backend.errors`): add a code here, never there.
"""

from backend.errors import ErrorCode


class SurveyError(ErrorCode):
    """Why a survey operation was refused."""

    INVALID = "INVALID", "Something in the input is not acceptable."
    INVALID_ID = "INVALID_ID", "An id is not the id of the expected kind of object."
    NOT_FOUND = "NOT_FOUND", "No such object, or you may not see it."
    NOT_ALLOWED = (
        "NOT_ALLOWED",
        "You can see the object but may not do this to it (the message says who may).",
    )
    REQUIRED = "REQUIRED", "A required value is missing."
    TOO_LONG = "TOO_LONG", "A text is longer than allowed."
    UNKNOWN_SCALE = "UNKNOWN_SCALE", "No response scale with this key."
    MIXED_SCALES = "MIXED_SCALES", "The items of one construct must share a scale."
    TOO_MANY_ITEMS = "TOO_MANY_ITEMS", "An instrument has too many questions."
    INVALID_WINDOW = "INVALID_WINDOW", "The survey must close after it opens, and in the future."
    NOT_A_MEMBER = "NOT_A_MEMBER", "Someone invited is not in the cohort or school."
    AUDIENCE_TOO_SMALL = (
        "AUDIENCE_TOO_SMALL",
        "The audience holds fewer people besides you than the minimum group size for reports.",
    )
    AUDIENCE_NOT_ALLOWED = (
        "AUDIENCE_NOT_ALLOWED",
        "This kind of survey cannot go to this audience (culture, confidence and end-of-"
        "year surveys go to a whole group; people are chosen only for peer feedback), or "
        "you tried to invite yourself.",
    )
    NOT_VISITED = (
        "NOT_VISITED",
        "Someone chosen is not a peer whose class you visited (a visit that happened).",
    )
    NOT_HELD = "NOT_HELD", "The session has not taken place yet, or was cancelled."
    ALREADY_OPEN = "ALREADY_OPEN", "The survey has opened, so this can no longer change."
    CLOSED = "CLOSED", "The survey has closed."
    CANCELLED = "CANCELLED", "The survey was cancelled."
    HAS_RESPONSES = "HAS_RESPONSES", "People have answered, so the survey cannot be cancelled."
    NOT_INVITED = "NOT_INVITED", "You were not invited to answer this survey."
    NOT_OPEN_YET = "NOT_OPEN_YET", "The survey has not opened yet."
    ALREADY_RESPONDED = (
        "ALREADY_RESPONDED",
        "You have already answered this survey; one response per person.",
    )
    INVALID_ANSWER = (
        "INVALID_ANSWER",
        "An answer does not fit its question (not a scale point, or wrong kind).",
    )
    INVALID_CODE = (
        "INVALID_CODE",
        "Not a code of a class survey: mistyped, or from another sheet (one answer for all).",
    )
    CODE_USED = "CODE_USED", "This class survey code has been used: one answer per code."
    DUPLICATE_ANSWER = "DUPLICATE_ANSWER", "The same question is answered twice."
    EMPTY_RESPONSE = "EMPTY_RESPONSE", "No question was answered."
    DIFFERENT_INSTRUMENTS = (
        "DIFFERENT_INSTRUMENTS",
        "Only administrations of the same instrument can be compared.",
    )
