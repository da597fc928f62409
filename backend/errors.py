"""Refusal codes as enums, in the domain layer.

Each app lists the reasons its services refuse in one `ErrorCode` enum (`<app>/errors.py`); a
service raises with a member (`ValidationError(msg, code=SurveyError.CLOSED)`), so a typo is an
AttributeError at import or first run rather than a silent new code the phone cannot read. The
GraphQL enums are made from these (`backend.graphql.errors.graphql_enum`), descriptions included.
"""

from enum import StrEnum


class ErrorCode(StrEnum):
    """A refusal code: the value is the name, and every member says what it means.

    Declare members as `NAME = "NAME", "What it means."`; being a `str`, a member is accepted
    wherever Django or the API expects a code string.
    """

    description: str

    def __new__(cls, value: str, description: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.description = description
        return member


class CommonError(ErrorCode):
    """Codes every app's enum holds, for the shared helpers (`backend.graphql.ids`)."""

    INVALID = "INVALID", "The value is not acceptable (see the message)."
    INVALID_ID = "INVALID_ID", "The id is not the id of the expected kind of object."
    NOT_FOUND = "NOT_FOUND", "No such object, or you may not see it."
    NOT_ALLOWED = (
        "NOT_ALLOWED",
        "You can see the object but may not do this to it (the message says who may).",
    )
    REQUIRED = "REQUIRED", "A value is needed."
