"""Coordinators' counts of pursuits (`credentialCounts`): numbers per school and credential,
never a person, a piece of evidence or a packet (`credentials.counts`)."""

import graphene

from backend.accounts.graphql.types import SchoolType
from backend.accounts.models import School
from backend.graphql.ids import read_district_and_school
from backend.graphql.permissions import Coordinator, requires

from .. import counts
from .catalogue_types import CredentialType, catalogue_queryset
from .enums import PursuitStateEnum
from .pursuit_types import RequirementStateEnum


class CredentialCountType(graphene.ObjectType):
    """How many pursuits of a credential at a school are in a state. A row with a requirement
    key counts, among that school's drafts of the credential, those whose requirement is in
    `requirementState`; a row without one counts all the pursuits in `pursuitState`."""

    school = graphene.Field(SchoolType, required=True, description="The pursuers' school.")
    credential = graphene.Field(
        CredentialType,
        required=True,
        description="The credential: its current published version (else the latest pursued).",
    )
    pursuit_state = graphene.Field(
        PursuitStateEnum, required=True, description="The pursuits' state."
    )
    requirement_key = graphene.String(
        description="For drafts: the requirement counted; null on a row counting pursuits."
    )
    requirement_state = graphene.Field(
        RequirementStateEnum, description="For drafts: where that requirement stands."
    )
    count = graphene.Int(required=True, description="How many pursuits (at least 1).")

    class Meta:
        name = "CredentialCount"

    @staticmethod
    def resolve_school(root, info):
        return info.context.loaders["credentials.count_schools"][root.school_id]

    @staticmethod
    def resolve_credential(root, info):
        return info.context.loaders["credentials.count_versions"][root.version_id]


class CredentialCountQueries(graphene.ObjectType):
    credential_counts = graphene.List(
        graphene.NonNull(CredentialCountType),
        district_id=graphene.ID(required=True, description="The district you coordinate."),
        school_id=graphene.ID(description="Only this school of the district."),
        description="How many teachers of the district pursue each credential, per school: "
        "per pursuit state, and for drafts per requirement and its state. Counts only, no "
        "names (coordinators of the district; null for any other district, and for a school "
        "not in it).",
    )

    @staticmethod
    @requires(Coordinator)
    def resolve_credential_counts(root, info, district_id, school_id=None):
        pks = read_district_and_school(district_id, school_id)
        if pks is None:
            return None
        district_pk, school_pk = pks
        found = counts.credential_counts(info.context.user, district_pk, school_pk)
        if found is None:
            return None
        # The schools and versions named, loaded once for every row (aliases add theirs).
        loaders = info.context.loaders
        loaders.setdefault("credentials.count_schools", {}).update(
            School.objects.in_bulk({row.school_id for row in found})
        )
        loaders.setdefault("credentials.count_versions", {}).update(
            catalogue_queryset().in_bulk({row.version_id for row in found})
        )
        return found
