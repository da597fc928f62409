"""Root fields of the surveys app."""

import asyncio
from datetime import datetime

import graphene
from channels.db import database_sync_to_async
from django.utils import timezone
from graphene_django import DjangoConnectionField
from graphql_relay import to_global_id

from backend.graphql.errors import NotFound
from backend.graphql.ids import decode_global_id
from backend.graphql.permissions import LeaderOrCoordinator, SignedIn, TeacherLeader, requires
from backend.live import RESPONSE_COUNT, SURVEY_WINDOW_CHANGED, survey_group
from cohorts.models import Cohort

from .. import reports, selectors
from ..models import Administration, ResponseScale
from ..services.responses import receipt_is_counted, response_counts
from .class_survey_mutations import ClassSurveyMutationFields
from .enums import SurveyAdministrationKind
from .mutations import SurveyMutationFields
from .report_types import SurveyComparisonType, SurveyReportType
from .types import (
    SurveyAdministrationType,
    SurveyInstrumentType,
    SurveyResponseCountType,
    SurveyScaleType,
    with_questions,
)
from .window_mutations import SurveyWindowMutationFields


def _administration(info, global_id: str) -> Administration | None:
    """An administration the caller may see, or None (ids of others reveal nothing)."""
    pk = decode_global_id(global_id, SurveyAdministrationType._meta.name)
    if pk is None:
        return None
    return SurveyAdministrationType.get_queryset(Administration.objects.filter(pk=pk), info).first()


def _readable(info, global_id: str) -> Administration | None:
    """An administration whose report the caller reads, or None: respondents who can see the
    survey (invited, not running or overseeing it) never see reports, and get the same null as
    for a survey that does not exist."""
    administration = _administration(info, global_id)
    if administration is not None and not administration.viewer_reads_report:
        return None
    return administration


class SurveyQueries(graphene.ObjectType):
    survey_scales = graphene.List(
        graphene.NonNull(SurveyScaleType),
        required=True,
        description="The response scales instruments can use.",
    )
    survey_instruments = DjangoConnectionField(
        SurveyInstrumentType,
        description="Instruments you can launch: the shipped ones and your school's own.",
    )
    survey_administrations = DjangoConnectionField(
        SurveyAdministrationType,
        cohort_id=graphene.ID(description="Only those sent to this cohort."),
        kind=SurveyAdministrationKind(description="Only this kind."),
        description="Surveys you run (a leader's, a teacher's class surveys) or, as a "
        "coordinator, oversee; latest opening first. Empty for someone who runs none.",
    )
    my_surveys = graphene.List(
        graphene.NonNull(SurveyAdministrationType),
        required=True,
        include_answered=graphene.Boolean(
            default_value=False,
            description="Also list surveys you have answered or that have closed.",
        ),
        description="Surveys waiting for your answers, closing soonest first.",
    )
    survey_report = graphene.Field(
        SurveyReportType,
        administration_id=graphene.ID(required=True, description="The survey."),
        description="The aggregated report of a survey you run or oversee; null if there is "
        "no such survey you can see. Figures appear once it has closed.",
    )
    survey_comparison = graphene.Field(
        SurveyComparisonType,
        baseline_id=graphene.ID(required=True, description="The earlier survey."),
        follow_up_id=graphene.ID(required=True, description="The later survey."),
        description="A baseline compared with its follow-up (same instrument); null if either "
        "is not a survey you can see.",
    )
    survey_receipt_counted = graphene.Boolean(
        required=True,
        administration_id=graphene.ID(required=True, description="The survey you answered."),
        receipt_code=graphene.String(required=True, description="The code of your receipt."),
        description="Whether the response with this receipt is counted in the survey. Says "
        "nothing about its answers.",
    )

    @staticmethod
    @requires(SignedIn)
    def resolve_survey_scales(root, info):
        return ResponseScale.objects.order_by("title")

    @staticmethod
    @requires(SignedIn)
    def resolve_survey_instruments(root, info, **kwargs):
        # The connection field applies SurveyInstrumentType.get_queryset (visibility, prefetch).
        return SurveyInstrumentType._meta.model.objects.all()

    @staticmethod
    @requires(SignedIn)
    def resolve_survey_administrations(root, info, cohort_id=None, kind=None, **kwargs):
        user = info.context.user
        queryset = selectors.administrations_reported_to(user)
        if cohort_id:
            pk = decode_global_id(cohort_id, "Cohort")
            if pk is None:
                return queryset.none()
            queryset = queryset.filter(cohort=Cohort(pk=pk))
        if kind:
            queryset = queryset.filter(kind=kind.value)
        # The connection field applies SurveyAdministrationType.get_queryset (counts, flags).
        return queryset

    @staticmethod
    @requires(SignedIn)
    def resolve_my_surveys(root, info, include_answered=False):
        waiting = selectors.administrations_waiting_for(
            info.context.user, include_answered=include_answered
        )
        return with_questions(
            SurveyAdministrationType.get_queryset(waiting, info), prefix="instrument__"
        )

    # Any signed-in person: a teacher who launched peer feedback reads its report too. Who may
    # read which report is `_readable` (those who run it and coordinators); others get null.
    @staticmethod
    @requires(SignedIn)
    def resolve_survey_report(root, info, administration_id):
        administration = _readable(info, administration_id)
        if administration is None:
            return None
        return reports.administration_report(administration)

    @staticmethod
    @requires(LeaderOrCoordinator)
    def resolve_survey_comparison(root, info, baseline_id, follow_up_id):
        baseline = _readable(info, baseline_id)
        follow_up = _readable(info, follow_up_id)
        if baseline is None or follow_up is None:
            return None
        return reports.administrations_comparison(baseline, follow_up)

    @staticmethod
    @requires(SignedIn)
    def resolve_survey_receipt_counted(root, info, administration_id, receipt_code):
        administration = _administration(info, administration_id)
        if administration is None:
            return False
        return receipt_is_counted(administration=administration, code=receipt_code)


class SurveyMutations(
    SurveyMutationFields,
    SurveyWindowMutationFields,
    ClassSurveyMutationFields,
    graphene.ObjectType,
):
    pass


def _managed_counts(user, global_id: str):
    """(administration, counts) if `user` runs the survey, else None."""
    pk = decode_global_id(global_id, SurveyAdministrationType._meta.name)
    if pk is None:
        return None
    administration = selectors.administrations_managed_by(user).filter(pk=pk).first()
    if administration is None:
        return None
    return administration, response_counts(administration)


def _seconds_until(moment) -> float:
    return (moment - timezone.now()).total_seconds()


class SurveySubscriptions(graphene.ObjectType):
    survey_response_count_changed = graphene.Field(
        SurveyResponseCountType,
        required=True,
        administration_id=graphene.ID(required=True, description="A survey you run."),
        description="The response count of a survey you run: the current count at once, then "
        "each time someone answers, until it closes (also when it is closed early or extended). "
        "Numbers only: never who or what.",
    )

    @staticmethod
    @requires(TeacherLeader)
    async def subscribe_survey_response_count_changed(root, info, administration_id):
        # A coroutine that returns the stream: refusals happen before any event is awaited, so
        # the client gets an error result at once.
        found = await database_sync_to_async(_managed_counts)(info.context.user, administration_id)
        if found is None:
            # A survey you do not run is answered as one that does not exist.
            raise NotFound("No survey you run has this id.")
        administration, counts = found
        global_id = to_global_id(SurveyAdministrationType._meta.name, administration.pk)

        async def stream():
            yield SurveyResponseCountType(administration_id=global_id, **counts)
            events = info.context.listen(survey_group(administration.pk))
            closes_at = administration.closes_at
            try:
                while (seconds_left := _seconds_until(closes_at)) > 0:
                    try:
                        event = await asyncio.wait_for(anext(events), seconds_left)
                    except (TimeoutError, StopAsyncIteration):
                        break
                    if event.get("event") == SURVEY_WINDOW_CHANGED:
                        # Closed now or extended: the stream ends at the new close.
                        closes_at = datetime.fromisoformat(event["closes_at"])
                        continue
                    if event.get("event") != RESPONSE_COUNT:
                        continue
                    yield SurveyResponseCountType(
                        administration_id=global_id,
                        invited_count=event["invited_count"],
                        responded_count=event["responded_count"],
                    )
            finally:
                # Leaves the channel group now rather than when the socket closes.
                await events.aclose()

        return stream()


__all__ = ["SurveyMutations", "SurveyQueries", "SurveySubscriptions"]
