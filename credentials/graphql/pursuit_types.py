"""GraphQL types of pursuits and their progress.

A pursuit is its owner's alone: no other person, leader or coordinator reads it (`node(id:)`
and `pursuit(id:)` answer null). Progress is computed on read by one batch selector for every
pursuit of the request (`selectors.pursuit_progress`), cached on the request, so
`myPursuits { requirements }` costs the same queries for one pursuit or six.
"""

import graphene
from graphene_django import DjangoObjectType

from backend.accounts.graphql.types import PersonType
from backend.graphql.types import CountableConnection

from .. import selectors
from ..exports.json_export import render_json
from ..models import Pursuit
from ..services.packets import packet_preview
from .catalogue_types import CredentialType, catalogue_queryset
from .enums import PursuitStateEnum, RequirementCapability
from .evidence_types import (
    RECORD_TYPES,
    ConsentRequestType,
    EvidenceItemType,
    EvidenceRecord,
    PacketType,
    readable,
)

PROGRESS_CACHE = "credentials.progress"


def _candidate_types() -> dict:
    visit, sheet, slq = (
        RECORD_TYPES["visit_id"],
        RECORD_TYPES["reflection_sheet_id"],
        RECORD_TYPES["slq_id"],
    )
    survey, meeting = RECORD_TYPES["administration_id"], RECORD_TYPES["meeting_id"]
    return {
        "VISIT_AS_VISITOR_TO_ROLE": visit,
        "VISIT_BY_ROLE_TO_ROLE": visit,
        "DATA_SET_COLLECTED": visit,
        "REFLECTION_SHEET_AS_HOST": sheet,
        "REFLECTION_SHEET_AS_FACILITATOR": sheet,
        "SLQ_TOOL_CRAFTED_FOR_PEER": slq,
        "SURVEY_PAIR": survey,
        "SURVEY_ADMINISTRATION": survey,
        "MEETING_AGENDA": meeting,
        "PROTOCOL_SESSION": meeting,
        "PDSA": RECORD_TYPES["pdsa_id"],
        "RUN_CHART": RECORD_TYPES["measure_id"],
    }


CANDIDATE_TYPES = _candidate_types()


class RequirementStateEnum(graphene.Enum):
    """Where one requirement stands, computed from what the app records."""

    NOT_STARTED = "NOT_STARTED"
    IN_PROGRESS = "IN_PROGRESS"
    MET = "MET"
    BLOCKED = "BLOCKED"
    AWAITING_CAPABILITY = "AWAITING_CAPABILITY"

    class Meta:
        name = "RequirementState"

    @property
    def description(self):
        return {
            "NOT_STARTED": "Nothing counts towards it yet.",
            "IN_PROGRESS": "Some of what it needs is there (see have and need).",
            "MET": "It is met; nothing more is needed.",
            "BLOCKED": "Something stops it that waiting alone will not fix (see reasons).",
            "AWAITING_CAPABILITY": "The app cannot hold this evidence yet (see capability).",
        }[self.name]


class MissingPersonType(graphene.ObjectType):
    """A peer whose record is still missing (you already see your cohort's members)."""

    person_id = graphene.ID(required=True, description="The person's global id.")
    name = graphene.String(required=True, description="Their full name.")

    class Meta:
        name = "RequirementMissingPerson"


class RequirementProgressType(graphene.ObjectType):
    """Progress of one requirement, never typed in: computed from visits, sheets, surveys,
    meetings and the evidence you added, with reasons to act on."""

    requirement_key = graphene.String(required=True, description="The requirement's key.")
    state = graphene.Field(RequirementStateEnum, required=True, description="Where it stands.")
    have = graphene.Int(required=True, description="How many count now.")
    need = graphene.Int(required=True, description="How many it takes.")
    reasons = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="Sentences saying what counts and what is missing, e.g. 'yellow dots 7 of "
        "8, not yet visited: Dana Reyes'.",
    )
    missing_people = graphene.List(
        graphene.NonNull(MissingPersonType),
        required=True,
        description="Peers whose records are still missing (e.g. not yet visited).",
    )
    capability = graphene.Field(
        RequirementCapability, description="For AWAITING_CAPABILITY: what will fill it."
    )

    class Meta:
        name = "RequirementProgress"

    @staticmethod
    def resolve_requirement_key(root, info):
        return root.slot_key

    @staticmethod
    def resolve_state(root, info):
        return getattr(root.state, "value", root.state)

    @staticmethod
    def resolve_missing_people(root, info):
        from graphql_relay import to_global_id

        people = []
        for thing in root.missing:
            if thing.person_id is not None:
                people.append(
                    {"person_id": to_global_id("Person", thing.person_id), "name": thing.name}
                )
        return people

    @staticmethod
    def resolve_capability(root, info):
        return root.capability or None


def progress_for(info, pursuit) -> list:
    """Progress of `pursuit`. The first read in a request computes it for every pursuit of the
    same person in one batch (a person has a handful), so lists cost what one pursuit does."""
    cache = info.context.loaders.setdefault(PROGRESS_CACHE, {})
    if pursuit.pk not in cache:
        batch = list(Pursuit.objects.filter(person_id=pursuit.person_id).select_related("version"))
        cache.update(selectors.pursuit_progress(batch))
    return cache.get(pursuit.pk, [])


class PursuitType(DjangoObjectType):
    """Your pursuit of a credential: the version you started on, where each requirement
    stands, and (later) your evidence and packets. Only you can read it."""

    credential = graphene.Field(
        CredentialType, required=True, description="The version you started on."
    )
    state = graphene.Field(PursuitStateEnum, required=True, description="Where it stands.")
    started_at = graphene.DateTime(required=True, description="When you started it.")
    updated_at = graphene.DateTime(required=True, description="When it last changed.")
    person = graphene.Field(PersonType, required=True, description="You.")
    revision = graphene.Int(
        required=True, description="Grows with every change of evidence; submit names it."
    )
    requirements = graphene.List(
        graphene.NonNull(RequirementProgressType),
        required=True,
        description="Each requirement's progress, in the credential's order.",
    )
    ready_to_submit = graphene.Boolean(
        required=True, description="True when every requirement is met."
    )
    evidence = graphene.List(
        graphene.NonNull(EvidenceItemType), required=True, description="What you have added."
    )
    evidence_candidates = graphene.List(
        graphene.NonNull(EvidenceRecord),
        required=True,
        requirement_key=graphene.String(required=True, description="The requirement's key."),
        description="Records of yours that count for this requirement and that you can read, "
        "to add as evidence.",
    )
    consents = graphene.List(
        graphene.NonNull(ConsentRequestType),
        required=True,
        description="The consent you asked for and the answers.",
    )
    packets = graphene.List(
        graphene.NonNull(PacketType), required=True, description="Submitted attempts, latest first."
    )
    packet_preview_json = graphene.String(
        description="The packet as submitting now would freeze it (canonical JSON, students as "
        "Student A, B...): the same code as the submission. Null once submitted."
    )

    class Meta:
        model = Pursuit
        name = "Pursuit"
        interfaces = (graphene.relay.Node,)
        fields = ("cohort",)
        connection_class = CountableConnection

    @classmethod
    def get_queryset(cls, queryset, info):
        return selectors.pursuits_visible_to(info.context.user, queryset).select_related(
            "person", "cohort"
        )

    @staticmethod
    def resolve_credential(root, info):
        # The pursued version with the whole catalogue shape, one query set per request.
        cache = info.context.loaders.setdefault("credentials.versions", {})
        if root.version_id not in cache:
            wanted = set(
                Pursuit.objects.filter(person_id=root.person_id).values_list(
                    "version_id", flat=True
                )
            ) | {root.version_id}
            cache.update({v.pk: v for v in catalogue_queryset().filter(pk__in=wanted - set(cache))})
        return cache[root.version_id]

    @staticmethod
    def resolve_state(root, info):
        return getattr(root.state, "value", root.state)

    @staticmethod
    def resolve_requirements(root, info):
        return progress_for(info, root)

    @staticmethod
    def resolve_evidence(root, info):
        return root.evidence.prefetch_related("consents").order_by("slot_key", "position", "id")

    @staticmethod
    def resolve_evidence_candidates(root, info, requirement_key):
        row = next((r for r in progress_for(info, root) if r.slot_key == requirement_key), None)
        if row is None or not row.candidates:
            return []
        slot = root.version.slots.filter(key=requirement_key).first()
        graphql_type = CANDIDATE_TYPES.get((slot.spec or {}).get("source", "")) if slot else None
        if graphql_type is None:
            return []
        return list(readable(graphql_type, info, row.candidates))

    @staticmethod
    def resolve_consents(root, info):
        return ConsentRequestType.get_queryset(root.consents.all(), info)

    @staticmethod
    def resolve_packets(root, info):
        return root.packets.select_related("version").order_by("-attempt")

    @staticmethod
    def resolve_packet_preview_json(root, info):
        if root.state != "DRAFT":
            return None
        return render_json(packet_preview(person=info.context.user, pursuit=root)).decode()

    @staticmethod
    def resolve_ready_to_submit(root, info):
        progress = progress_for(info, root)
        return bool(progress) and all(row.state == "MET" for row in progress)
