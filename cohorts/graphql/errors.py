"""The API form of `cohorts.errors`: the enum is made from the domain one, so the two cannot
drift apart (add a code in `cohorts.errors`)."""

from backend.graphql.errors import graphql_enum
from backend.graphql.mutations import error_type
from cohorts.errors import CohortError as Codes

CohortErrorCode = graphql_enum(Codes, "CohortErrorCode")

CohortError = error_type(
    "CohortError",
    CohortErrorCode,
    "A problem with a cohort, meeting, agenda or protocol change that the person can fix.",
)
