"""GraphQL types of evidence, consent requests and packets.

Evidence never widens reading: an item's `record` is resolved through the record type's own
visibility rules as the caller, so it shows only what the teacher may read today (null if no
longer). Consent requests are read by the person asked (to answer) and the pursuit's owner (to
see the answer). Packets are their owner's; their documents come behind short-lived links.
"""

import graphene
from django.urls import reverse
from django.utils import timezone
from graphene_django import DjangoObjectType

from backend.graphql.types import CountableConnection
from backend.signed_links import url_description
from cohorts.graphql.types import MeetingType
from improvement.graphql.types import MeasureType, PdsaType
from improvement.selectors import with_chart_data
from observations.graphql.types import (
    PhotoType,
    ReflectionSheetType,
    StudentLearningQuestionType,
    VisitType,
)
from surveys.graphql.types import SurveyAdministrationType

from .. import downloads
from ..models import ConsentGrant, EvidenceItem, Packet
from .enums import PursuitStateEnum

RECORD_TYPES = {
    "visit_id": VisitType,
    "reflection_sheet_id": ReflectionSheetType,
    "slq_id": StudentLearningQuestionType,
    "administration_id": SurveyAdministrationType,
    "meeting_id": MeetingType,
    "photo_id": PhotoType,
    "pdsa_id": PdsaType,
    "measure_id": MeasureType,  # a measure stands for its run chart
}
# Global id type name -> (the EvidenceItem field, the GraphQL type): what `recordId` may name.
RECORD_BY_TYPE_NAME = {
    graphql_type._meta.name: (field.removesuffix("_id"), graphql_type)
    for field, graphql_type in RECORD_TYPES.items()
}


class EvidenceRecord(graphene.Union):
    """A record of the app used as evidence, as you may read it now."""

    class Meta:
        types = tuple(RECORD_TYPES.values())


def readable(graphql_type, info, ids):
    """The records of `ids` the caller may read now, through the record type's own rules (a
    measure with what its run chart reads, fetched for all at once)."""
    model = graphql_type._meta.model
    found = graphql_type.get_queryset(model.objects.filter(pk__in=list(ids)), info)
    return with_chart_data(found) if graphql_type is MeasureType else found


def readable_record(info, item: EvidenceItem):
    for field, graphql_type in RECORD_TYPES.items():
        pk = getattr(item, field)
        if pk is not None:
            return readable(graphql_type, info, [pk]).first()
    return None


class ConsentStateEnum(graphene.Enum):
    """Where a consent request stands."""

    REQUESTED = "REQUESTED"
    GRANTED = "GRANTED"
    DECLINED = "DECLINED"
    REVOKED = "REVOKED"

    class Meta:
        name = "ConsentState"

    @property
    def description(self):
        return {
            "REQUESTED": "Asked, not yet answered.",
            "GRANTED": "Granted; can be taken back until the packet is submitted.",
            "DECLINED": "Declined: the item cannot be submitted (a name shows as a role).",
            "REVOKED": "Granted, then taken back before submission.",
        }[self.name]


class ConsentScopeEnum(graphene.Enum):
    """What a consent request is about."""

    ITEM = "ITEM"
    NAME = "NAME"

    class Meta:
        name = "ConsentScope"

    @property
    def description(self):
        return {
            "ITEM": "A record of yours (your question, data or reflection) used as evidence.",
            "NAME": "Your name in someone's packet; declined, you appear by role.",
        }[self.name]


class EvidenceListEntryType(graphene.ObjectType):
    """One entry of a list requirement (e.g. a source and its link)."""

    title = graphene.String(required=True, description="What it is.")
    url = graphene.String(description="Its link, if any.")

    class Meta:
        name = "EvidenceListEntry"


class EvidenceItemType(DjangoObjectType):
    """One piece of evidence in your draft: a record of the app or your own words."""

    requirement_key = graphene.String(required=True, description="The requirement it fills.")
    position = graphene.Int(required=True, description="Its order within the requirement.")
    added_at = graphene.DateTime(required=True, description="When you added it.")
    record = graphene.Field(
        EvidenceRecord, description="The record, as you may read it now (null if no longer)."
    )
    prompt_key = graphene.String(description="For a text: which prompt it answers.")
    text = graphene.String(description="For a text: what you wrote.")
    option_key = graphene.String(description="For a choice: the option you chose.")
    list_entries = graphene.List(
        graphene.NonNull(EvidenceListEntryType), description="For a list: its entries."
    )
    attested_at = graphene.DateTime(description="For an attestation: when you affirmed it.")
    confirmed_at = graphene.DateTime(
        description="When you confirmed it names or shows no student (photos and texts need it)."
    )
    consent_state = graphene.Field(
        ConsentStateEnum,
        description="For a record someone else must allow: their answer (the least granted).",
    )

    class Meta:
        model = EvidenceItem
        name = "EvidenceItem"
        interfaces = (graphene.relay.Node,)
        fields = ()

    @classmethod
    def get_queryset(cls, queryset, info):
        user = info.context.user
        return queryset.filter(pursuit__person=user) if user.is_authenticated else queryset.none()

    @staticmethod
    def resolve_requirement_key(root, info):
        return root.slot_key

    @staticmethod
    def resolve_record(root, info):
        return readable_record(info, root)

    @staticmethod
    def resolve_option_key(root, info):
        return root.choice_option or None

    @staticmethod
    def resolve_list_entries(root, info):
        if root.list_entries is None:
            return None
        return [
            {"title": e.get("title", ""), "url": e.get("url")}
            for e in root.list_entries
            if isinstance(e, dict)
        ]

    @staticmethod
    def resolve_confirmed_at(root, info):
        return root.confirmed_clean_at

    @staticmethod
    def resolve_consent_state(root, info):
        states = [c.state for c in root.consents.all()]
        for state in ("DECLINED", "REVOKED", "REQUESTED", "GRANTED"):
            if state in states:
                return state
        return None


class ConsentRequestType(DjangoObjectType):
    """A request to use your record or name as evidence in a colleague's packet, or (for the
    packet's owner) the answer to one of theirs."""

    scope = graphene.Field(ConsentScopeEnum, required=True, description="What it is about.")
    state = graphene.Field(ConsentStateEnum, required=True, description="Where it stands.")
    requested_at = graphene.DateTime(required=True, description="When it was asked.")
    decided_at = graphene.DateTime(description="When it was answered (null: not yet).")
    asked_by = graphene.String(required=True, description="Whose packet it is.")
    credential_title = graphene.String(required=True, description="The credential they pursue.")
    what = graphene.String(
        required=True, description="What would be frozen into their packet, in a sentence."
    )
    can_answer = graphene.Boolean(required=True, description="True when you are the one asked.")

    class Meta:
        model = ConsentGrant
        name = "ConsentRequest"
        interfaces = (graphene.relay.Node,)
        fields = ()
        connection_class = CountableConnection

    @classmethod
    def get_queryset(cls, queryset, info):
        from django.db.models import Q

        user = info.context.user
        if not user.is_authenticated:
            return queryset.none()
        return queryset.filter(Q(grantor=user) | Q(pursuit__person=user)).select_related(
            "pursuit__person", "pursuit__version", "evidence_item"
        )

    @staticmethod
    def resolve_scope(root, info):
        return getattr(root.scope, "value", root.scope)

    @staticmethod
    def resolve_state(root, info):
        return getattr(root.state, "value", root.state)

    @staticmethod
    def resolve_asked_by(root, info):
        return root.pursuit.person.full_name

    @staticmethod
    def resolve_credential_title(root, info):
        return root.pursuit.version.title

    @staticmethod
    def resolve_what(root, info):
        if root.scope == "NAME":
            return "Your name, where their evidence names you (declined: your role instead)."
        item = root.evidence_item
        kinds = {
            "visit_id": "a visit to your class",
            "reflection_sheet_id": "the reflection sheet of a visit to your class",
            "slq_id": "your student learning question and its tools",
            "administration_id": "the aggregated report of a survey",
            "meeting_id": "a meeting's agenda",
            "photo_id": "a photo",
            "pdsa_id": "a PDSA cycle",
            "measure_id": "a run chart",
        }
        for field, text in kinds.items():
            if item is not None and getattr(item, field) is not None:
                return f"{text[0].upper()}{text[1:]}, students shown only as Student A, B..."
        return "A record of yours."

    @staticmethod
    def resolve_can_answer(root, info):
        return root.grantor_id == info.context.user.pk


class PacketDownloadType(graphene.ObjectType):
    """A short-lived link to a packet document."""

    url = graphene.String(
        required=True,
        description=url_description(
            "The document (absolute URL).", expires=True, rate_limited=True
        ),
    )
    content_type = graphene.String(required=True, description="e.g. application/pdf.")
    expires_at = graphene.DateTime(required=True, description="When the link stops working.")

    class Meta:
        name = "PacketDownload"


def _download(info, packet: Packet, format: str) -> dict:
    expires_at = (timezone.now() + downloads.LINK_LIFETIME).replace(microsecond=0)
    token = downloads.sign(
        packet_id=packet.pk, user_id=info.context.user.pk, format=format, expires_at=expires_at
    )
    names = {"PDF": "packet-pdf", "ZIP": "packet-zip", "JSON": "packet-json"}
    path = reverse(f"credentials:{names[format]}", args=[token])
    request = info.context.request
    return {
        "url": request.build_absolute_uri(path) if request is not None else path,
        "content_type": downloads.CONTENT_TYPES[format],
        "expires_at": expires_at,
    }


class PacketType(DjangoObjectType):
    """A submitted attempt, frozen: later edits or deletions of its records do not change it."""

    attempt = graphene.Int(required=True, description="1 for the first submission, then 2...")
    state = graphene.Field(PursuitStateEnum, required=True, description="Where its review is.")
    submitted_at = graphene.DateTime(required=True, description="When it was frozen.")
    version_number = graphene.Int(required=True, description="The definition it answers.")
    manifest_sha256 = graphene.String(
        required=True, description="SHA-256 of manifest.json (in the ZIP), which hashes the rest."
    )
    pdf_download = graphene.Field(
        PacketDownloadType, required=True, description="The packet as a PDF to read."
    )
    zip_download = graphene.Field(
        PacketDownloadType,
        required=True,
        description="manifest.json, packet.json, files/ and packet.pdf (a rendering, not hashed).",
    )
    json_download = graphene.Field(
        PacketDownloadType, required=True, description="packet.json: the frozen content."
    )

    class Meta:
        model = Packet
        name = "Packet"
        interfaces = (graphene.relay.Node,)
        fields = ()

    @classmethod
    def get_queryset(cls, queryset, info):
        user = info.context.user
        if not user.is_authenticated:
            return queryset.none()
        return queryset.filter(pursuit__person=user, pursuit__person__is_active=True)

    @staticmethod
    def resolve_state(root, info):
        return getattr(root.state, "value", root.state)

    @staticmethod
    def resolve_version_number(root, info):
        return root.version.number

    @staticmethod
    def resolve_pdf_download(root, info):
        return _download(info, root, "PDF")

    @staticmethod
    def resolve_zip_download(root, info):
        return _download(info, root, "ZIP")

    @staticmethod
    def resolve_json_download(root, info):
        return _download(info, root, "JSON")
