"""The API form of `surveys.errors`: the enum is made from the domain one, so the two cannot
drift apart (add a code in `surveys.errors`)."""

from backend.graphql.errors import graphql_enum
from backend.graphql.mutations import error_type
from surveys.errors import SurveyError as Codes

SurveyErrorCode = graphql_enum(Codes, "SurveyErrorCode")

SurveyError = error_type(
    "SurveyError", SurveyErrorCode, "A problem with a survey operation the person can fix."
)
