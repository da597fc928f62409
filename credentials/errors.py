"""The reasons credential services refuse, each with what it means.

Raise with a member: `ValidationError(message, code=CredentialError.X)`. The GraphQL enum
`CredentialErrorCode` is made from this one (see `backend.errors`): add a code here, never there.
"""

from backend.errors import ErrorCode


class CredentialError(ErrorCode):
    """Why a credential operation was refused."""

    INVALID = "INVALID", "Something in the input is not acceptable."
    INVALID_ID = "INVALID_ID", "An id is not the id of the expected kind of object."
    NOT_FOUND = "NOT_FOUND", "No such object, or you may not see it."
    NOT_ALLOWED = (
        "NOT_ALLOWED",
        "You can see the object but may not do this to it (the message says who may).",
    )
    REQUIRED = "REQUIRED", "A required value is missing."
    ALREADY_PURSUING = "ALREADY_PURSUING", "You already pursue this credential."
    PREREQUISITE_NOT_MET = (
        "PREREQUISITE_NOT_MET",
        "A credential or series this one builds on is not earned yet (the message names it).",
    )
    COHORT_REQUIRED = (
        "COHORT_REQUIRED",
        "This credential counts records of a cohort: name one you are or were a member of.",
    )
    NOT_PUBLISHED = "NOT_PUBLISHED", "The credential has no published definition to start."
    WRONG_EVIDENCE_KIND = (
        "WRONG_EVIDENCE_KIND",
        "This record does not fit the requirement (another kind, or not one that counts).",
    )
    DUPLICATE_EVIDENCE = "DUPLICATE_EVIDENCE", "This record is already evidence for it."
    TOO_MANY_ITEMS = "TOO_MANY_ITEMS", "The requirement already holds as many items as it takes."
    NOT_A_CHOICE = "NOT_A_CHOICE", "No such option for this requirement."
    WORD_LIMIT = "WORD_LIMIT", "A text has fewer or more words than the requirement allows."
    AWAITING_CAPABILITY = (
        "AWAITING_CAPABILITY",
        "The app cannot hold this kind of evidence yet (the message says what will).",
    )
    REQUIREMENT_NOT_MET = (
        "REQUIREMENT_NOT_MET",
        "A requirement is not met yet; `field` names it as requirements.<slotKey>.",
    )
    CONSENT_PENDING = "CONSENT_PENDING", "Someone has not yet answered a consent request."
    CONSENT_DECLINED = (
        "CONSENT_DECLINED",
        "Someone declined or took back consent for an item: remove it or choose another.",
    )
    CONSENT_DECIDED = "CONSENT_DECIDED", "This consent request was already answered."
    UNREVIEWED_PHOTO = (
        "UNREVIEWED_PHOTO",
        "Confirm that the photo shows no student's name or face before submitting.",
    )
    UNREVIEWED_TEXT = (
        "UNREVIEWED_TEXT",
        "Confirm that the text names no student before submitting.",
    )
    ALREADY_SUBMITTED = "ALREADY_SUBMITTED", "The packet is submitted and can no longer change."
    NOT_DRAFT = "NOT_DRAFT", "Only a pursuit still gathering evidence can change."
    STALE_REVISION = (
        "STALE_REVISION",
        "The evidence changed since you read it: read the pursuit again and resubmit.",
    )
    VERSION_CONFLICT = (
        "VERSION_CONFLICT",
        "Another version was published at the same time, or this one is not a draft.",
    )
