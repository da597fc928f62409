"""The API form of `credentials.errors`: the enum is made from the domain one, so the two cannot
drift apart (add a code in `credentials.errors`)."""

from backend.graphql.errors import graphql_enum
from backend.graphql.mutations import error_type
from credentials.errors import CredentialError as Codes

CredentialErrorCode = graphql_enum(Codes, "CredentialErrorCode")

CredentialError = error_type(
    "CredentialError",
    CredentialErrorCode,
    "A problem with a credential operation the person can fix.",
)
