"""The API form of `improvement.errors`: the enum is made from the domain one, so the two cannot
drift apart (add a code in `improvement.errors`)."""

from backend.graphql.errors import graphql_enum
from backend.graphql.mutations import error_type
from improvement.errors import ImprovementError as Codes

ImprovementErrorCode = graphql_enum(Codes, "ImprovementErrorCode")

ImprovementError = error_type(
    "ImprovementError",
    ImprovementErrorCode,
    "A problem with a PDSA cycle, a measure or its data that the person can fix.",
)
