"""The API form of `backend.accounts.errors`: the enum is made from the domain one, so the
two cannot drift apart (add a code in `backend.accounts.errors`)."""

from backend.accounts.errors import AccountError as Codes
from backend.graphql.errors import graphql_enum
from backend.graphql.mutations import error_type

AccountErrorCode = graphql_enum(Codes, "AccountErrorCode")

AccountError = error_type(
    "AccountError", AccountErrorCode, "A problem with an account operation the person can fix."
)
