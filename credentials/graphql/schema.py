"""Root fields of the credentials app."""

import graphene
from graphene_django import DjangoConnectionField

from backend.graphql.ids import decode_global_id, read_pk
from backend.graphql.permissions import SignedIn, requires

from ..models import ConsentGrant, CredentialVersion, Pursuit, VersionStatus
from .catalogue_types import SLOT_TYPES, CredentialType
from .counts import CredentialCountQueries
from .enums import CredentialCategory, CredentialTier, PursuitStateEnum
from .evidence_types import ConsentRequestType
from .mutations import CredentialMutationFields
from .pursuit_types import PursuitType


class CredentialQueries(CredentialCountQueries, graphene.ObjectType):
    credentials = DjangoConnectionField(
        CredentialType,
        programme_key=graphene.String(description="Only this programme's, e.g. slrc."),
        tier=CredentialTier(description="Only this tier."),
        category=CredentialCategory(description="Only this category."),
        description="The credentials new pursuits can start on (their published versions), in "
        "programme order and then the programme's own order (seed 002's first).",
    )
    credential = graphene.Field(
        CredentialType,
        id=graphene.ID(required=True, description="The credential version's global id."),
        description="One credential version (published or retired); null if there is none.",
    )
    my_pursuits = DjangoConnectionField(
        PursuitType,
        state=PursuitStateEnum(description="Only pursuits in this state."),
        description="Your pursuits of credentials, latest started first.",
    )
    my_consent_requests = DjangoConnectionField(
        ConsentRequestType,
        pending=graphene.Boolean(description="True: only those waiting for your answer."),
        description="Colleagues' requests to use your records or name as evidence, latest first.",
    )
    pursuit = graphene.Field(
        PursuitType,
        id=graphene.ID(required=True, description="The pursuit's global id."),
        description="One of your pursuits; null for anyone else's or none.",
    )

    @staticmethod
    @requires(SignedIn)
    def resolve_credentials(root, info, programme_key=None, tier=None, category=None, **kwargs):
        versions = CredentialVersion.objects.filter(status=VersionStatus.PUBLISHED)
        if programme_key:
            versions = versions.filter(credential__programme__key=programme_key)
        if tier:
            versions = versions.filter(credential__tier=getattr(tier, "value", tier))
        if category:
            versions = versions.filter(credential__category=getattr(category, "value", category))
        return versions.order_by("credential__programme__position", "credential__position")

    @staticmethod
    @requires(SignedIn)
    def resolve_credential(root, info, id):
        pk = decode_global_id(id, CredentialType._meta.name)
        if pk is None:
            return None
        return CredentialType.get_queryset(CredentialVersion.objects.filter(pk=pk), info).first()

    @staticmethod
    @requires(SignedIn)
    def resolve_my_pursuits(root, info, state=None, **kwargs):
        pursuits = Pursuit.objects.filter(person=info.context.user)
        if state:
            pursuits = pursuits.filter(state=getattr(state, "value", state))
        return pursuits.order_by("-started_at", "-id")

    @staticmethod
    @requires(SignedIn)
    def resolve_my_consent_requests(root, info, pending=None, **kwargs):
        requests = ConsentGrant.objects.filter(grantor=info.context.user)
        if pending:
            requests = requests.filter(state="REQUESTED")
        return requests.order_by("-requested_at", "-id")

    @staticmethod
    @requires(SignedIn)
    def resolve_pursuit(root, info, id):
        pk = read_pk(id, PursuitType._meta.name)
        if pk is None:
            return None
        return PursuitType.get_queryset(Pursuit.objects.filter(pk=pk), info).first()


class CredentialMutations(CredentialMutationFields, graphene.ObjectType):
    pass


class CredentialSubscriptions(graphene.ObjectType):
    pass


# Reached only through the `Requirement` interface: the schema must be told of them.
CREDENTIAL_TYPES = list(SLOT_TYPES.values())
