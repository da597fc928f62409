"""GraphQL enums of the credentials app, made from the models' choices so they cannot drift."""

from backend.graphql.enums import choices_enum

from ..models import (
    Category,
    ConsentFrom,
    CriterionScale,
    LaterCapability,
    PursuitState,
    SlotKind,
    Tier,
)
from ..slot_kinds import RecordSource

CredentialTier = choices_enum(
    "CredentialTier", Tier, "Where the work of a credential happens (seed 002's three tiers)."
)
CredentialCategory = choices_enum(
    "CredentialCategory",
    Category,
    "What a credential shows: building skills, demonstrating impact, or leading learning.",
)
RequirementKind = choices_enum(
    "RequirementKind", SlotKind, "What kind of evidence fills a requirement."
)
RequirementConsent = choices_enum(
    "RequirementConsent",
    ConsentFrom,
    "Whose permission evidence of this requirement needs before it can be submitted.",
)
RequirementCapability = choices_enum(
    "RequirementCapability",
    LaterCapability,
    "A part of the app still to come that will fill requirements of this kind.",
)
CriterionScaleEnum = choices_enum(
    "CriterionScale", CriterionScale, "How reviewers rate evidence against a criterion."
)
PursuitStateEnum = choices_enum(
    "PursuitState", PursuitState, "Where a teacher's pursuit of a credential stands."
)
RecordSourceEnum = choices_enum(
    "RecordSource",
    RecordSource,
    "Which records of the app fill a requirement of kind RECORDS.",
    descriptions={
        "VISIT_AS_VISITOR_TO_ROLE": "Completed visits you made to peers holding a role.",
        "VISIT_BY_ROLE_TO_ROLE": "Completed visits between peers holding two roles.",
        "REFLECTION_SHEET_AS_HOST": "Reflection sheets of visits to your own class.",
        "REFLECTION_SHEET_AS_FACILITATOR": "Reflection sheets of meetings you facilitated.",
        "SLQ_TOOL_CRAFTED_FOR_PEER": "Questions and tools you crafted with a peer.",
        "DATA_SET_COLLECTED": "Data you collected in peers' classes.",
        "SURVEY_PAIR": "A baseline survey and its six-month follow-up.",
        "SURVEY_ADMINISTRATION": "A survey you ran.",
        "MEETING_AGENDA": "Meetings of your cohort held from an agenda.",
        "PROTOCOL_SESSION": "Sessions run with a protocol.",
        "PDSA": "Plan-Do-Study-Act tests of change (comes with the PDSA tracker).",
        "RUN_CHART": "Annotated run charts (comes with the PDSA tracker).",
        "STUDENT_VOICE_CYCLE": "A student voice survey cycle (comes with student voice).",
    },
)
