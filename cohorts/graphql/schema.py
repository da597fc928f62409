"""Root fields of the cohorts app."""

import graphene
from django.db.models import F, Q
from django.utils import timezone
from graphene_django import DjangoConnectionField

from backend.graphql.ids import read_pk
from backend.graphql.permissions import SignedIn, requires
from backend.graphql.selection import requested_fields

from ..models import Cohort, Meeting, Protocol
from . import enums
from .loading import cohort_queryset, meeting_queryset
from .mutations import CohortMutationFields
from .subscriptions import CohortSubscriptionFields
from .types import (
    AgendaTemplateType,
    CohortType,
    MeetingType,
    ProtocolType,
    agenda_templates,
)


class CohortQueries(graphene.ObjectType):
    cohorts = DjangoConnectionField(
        CohortType,
        school_id=graphene.ID(description="Only this school's cohorts."),
        school_year=graphene.String(description="Only this school year, e.g. 2026-2027."),
        include_archived=graphene.Boolean(
            default_value=False, description="Also archived cohorts."
        ),
        description="Cohorts you can see: yours as a member; your district's as a coordinator.",
    )
    cohort = graphene.Field(
        CohortType,
        id=graphene.ID(required=True, description="The cohort's global id."),
        description="One cohort, if you can see it; null otherwise.",
    )
    meetings = DjangoConnectionField(
        MeetingType,
        cohort_id=graphene.ID(description="Only this cohort's meetings."),
        upcoming=graphene.Boolean(
            description="True: only meetings that have not ended; false: only ended ones."
        ),
        include_cancelled=graphene.Boolean(
            default_value=False, description="Also cancelled meetings."
        ),
        description="Meetings you can see (your cohorts' and those you are invited to), "
        "earliest first.",
    )
    meeting = graphene.Field(
        MeetingType,
        id=graphene.ID(required=True, description="The meeting's global id."),
        description="One meeting, if you can see it; null otherwise.",
    )
    protocols = graphene.List(
        graphene.NonNull(ProtocolType),
        required=True,
        school_id=graphene.ID(description="Only the library and this school's protocols."),
        description="The programme's protocol library and your school's own protocols.",
    )
    agenda_templates = graphene.List(
        graphene.NonNull(AgendaTemplateType),
        required=True,
        kind=graphene.Argument(enums.MeetingKind, description="Only templates for this kind."),
        description="Ready-made agendas for the standing meetings.",
    )

    @staticmethod
    @requires(SignedIn)
    def resolve_cohorts(root, info, school_id=None, school_year=None, include_archived=False, **_):
        queryset = Cohort.objects.order_by("-school_year", "name", "id")
        if school_id:
            queryset = queryset.filter(school_id=_filter_pk(school_id, "School"))
        if school_year:
            queryset = queryset.filter(school_year=school_year)
        if not include_archived:
            queryset = queryset.filter(archived_at__isnull=True)
        return cohort_queryset(CohortType.get_queryset(queryset, info), requested_fields(info))

    @staticmethod
    @requires(SignedIn)
    def resolve_cohort(root, info, id):
        pk = read_pk(id, "Cohort")
        if pk is None:
            return None
        queryset = CohortType.get_queryset(Cohort.objects.filter(pk=pk), info)
        return cohort_queryset(queryset, requested_fields(info)).first()

    @staticmethod
    @requires(SignedIn)
    def resolve_meetings(root, info, cohort_id=None, upcoming=None, include_cancelled=False, **_):
        queryset = Meeting.objects.order_by("starts_at", "id")
        if cohort_id:
            queryset = queryset.filter(cohort_id=_filter_pk(cohort_id, "Cohort"))
        if upcoming is not None:
            ended = Q(ends_at__lte=timezone.now())
            queryset = queryset.exclude(ended) if upcoming else queryset.filter(ended)
        if not include_cancelled:
            queryset = queryset.filter(cancelled_at__isnull=True)
        return meeting_queryset(MeetingType.get_queryset(queryset, info), requested_fields(info))

    @staticmethod
    @requires(SignedIn)
    def resolve_meeting(root, info, id):
        pk = read_pk(id, "Meeting")
        if pk is None:
            return None
        queryset = MeetingType.get_queryset(Meeting.objects.filter(pk=pk), info)
        return meeting_queryset(queryset, requested_fields(info)).first()

    @staticmethod
    @requires(SignedIn)
    def resolve_protocols(root, info, school_id=None):
        queryset = ProtocolType.get_queryset(Protocol.objects.all(), info)
        if school_id:
            pk = _filter_pk(school_id, "School")
            queryset = queryset.filter(Q(school__isnull=True) | Q(school_id=pk))
        return list(
            queryset.select_related("school__district")
            .prefetch_related("steps")
            .order_by(F("school_id").asc(nulls_first=True), "name", "id")
        )

    @staticmethod
    @requires(SignedIn)
    def resolve_agenda_templates(root, info, kind=None):
        return agenda_templates(kind)


def _filter_pk(global_id: str, type_name: str) -> int:
    """The pk a list's filter names; -1 (nothing matches) for an id of another type, as for
    one that does not exist. A string that is not an id at all is BAD_USER_INPUT."""
    pk = read_pk(global_id, type_name)
    return -1 if pk is None else pk


class CohortMutations(CohortMutationFields):
    pass


class CohortSubscriptions(CohortSubscriptionFields):
    pass
