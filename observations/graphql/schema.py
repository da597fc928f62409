"""Root fields of the observations app."""

from datetime import UTC, timedelta

import graphene
from channels.db import database_sync_to_async
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from graphene_django import DjangoConnectionField
from graphql_relay import to_global_id

from backend.accounts import scope as school_scope
from backend.accounts.graphql.types import SchoolType
from backend.graphql.ids import load_node, read_pk
from backend.graphql.permissions import SignedIn, requires
from backend.live import VISIT_CHANGED, user_group
from observations.errors import ObservationError

from .. import selectors
from ..models import (
    MAX_VISIT_MINUTES,
    MIN_VISIT_MINUTES,
    BellPeriod,
    ReflectionSheet,
    Sharing,
    StudentLearningQuestion,
    Tool,
    VisitSummaryRecord,
)
from ..scheduling import MAX_SUGGESTION_DAYS, suggested_visit_slots
from ..services.calendar_feeds import calendar_feed_get
from ..tool_kinds import ToolKind as ToolKindValues
from .enums import ToolKind, ToolScope, VisitRole, VisitStatus
from .loaders import load_cohort, load_slq, load_teacher
from .mutations import ObservationMutations
from .types.calendar import CalendarFeedType
from .types.slqs import StudentLearningQuestionType
from .types.timetable import BellPeriodType, TimetablePeriodType
from .types.tool_data import ToolKindInfo
from .types.tools import ToolType
from .types.visits import (
    ReflectionSheetType,
    VisitChangedEvent,
    VisitSlotType,
    VisitSummaryType,
    VisitType,
    load_visit_for_event,
)

MAX_SUGGESTION_REACH_DAYS = 730


def _bad_argument(field: str, message: str):
    # Arguments of queries are refused with a top-level BAD_USER_INPUT error.
    return ValidationError({field: ValidationError(message, code=ObservationError.INVALID)})


class ObservationQueries(graphene.ObjectType):
    my_visits = DjangoConnectionField(
        VisitType,
        description="Visits you host or visit, soonest first, with their content.",
        role=graphene.Argument(VisitRole, description="Only those where you have this part."),
        statuses=graphene.List(
            graphene.NonNull(VisitStatus), description="Only visits in these statuses."
        ),
        starts_after=graphene.DateTime(description="Only visits starting at or after this."),
        starts_before=graphene.DateTime(description="Only visits starting before this."),
        cycle_number=graphene.Int(description="Only visits of this cycle."),
    )
    visit_summaries = DjangoConnectionField(
        VisitSummaryType,
        description="That visits happen and when, without content: yours, your cohort's if "
        "you lead it, your district's if you coordinate. Soonest first.",
        cohort_id=graphene.ID(description="Only visits counting for this cohort."),
        host_id=graphene.ID(description="Only visits to this host's class (Person)."),
        starts_after=graphene.DateTime(description="Only visits starting at or after this."),
        starts_before=graphene.DateTime(description="Only visits starting before this."),
        statuses=graphene.List(
            graphene.NonNull(VisitStatus), description="Only visits in these statuses."
        ),
    )
    my_student_learning_questions = graphene.List(
        graphene.NonNull(StudentLearningQuestionType),
        required=True,
        description="Your Student Learning Questions as a host, newest first.",
        include_retired=graphene.Boolean(
            default_value=False, description="Also the replaced or not kept ones."
        ),
    )
    tools = DjangoConnectionField(
        ToolType,
        description="Data-collection tools you can see: the library, yours, your school's and "
        "district's shared ones, and those of your visits. By name.",
        kind=graphene.Argument(ToolKind, description="Only tools of this kind."),
        scope=graphene.Argument(ToolScope, description="Only tools from here."),
        slq_id=graphene.ID(description="Only tools crafted for this question."),
    )
    tool_library = graphene.List(
        graphene.NonNull(ToolType),
        required=True,
        description="The starter tools that ship with the app; copy one to adapt it.",
    )
    tool_kinds = graphene.List(
        graphene.NonNull(ToolKindInfo),
        required=True,
        description="The tool kinds, with the JSON Schemas of their definitions and entries.",
    )
    bell_schedule = graphene.List(
        graphene.NonNull(BellPeriodType),
        required=True,
        description="A school's bell schedule, in order.",
        school_id=graphene.ID(description="The school; yours by default."),
    )
    my_timetable = graphene.List(
        graphene.NonNull(TimetablePeriodType),
        required=True,
        description="Your weekly timetable, by day and time.",
    )
    suggested_visit_slots = graphene.List(
        graphene.NonNull(VisitSlotType),
        required=True,
        description="Times you could visit the host: the host teaches (by their timetable), "
        "you are free (within your FREE periods, or not teaching if you recorded none) and "
        "neither of you has a visit. Empty when the host recorded no teaching periods. "
        "At most 50, soonest first.",
        host_id=graphene.ID(required=True, description="The host teacher (Person)."),
        from_=graphene.Date(
            name="from", required=True, description="First local date at the host's school."
        ),
        to=graphene.Date(
            required=True, description="Last local date (included), at most 31 days on."
        ),
        minutes=graphene.Int(required=True, description="Length of the visit, 10 to 240."),
    )
    reflection_sheets = DjangoConnectionField(
        ReflectionSheetType,
        description="Reflection sheets you can read: of your visits, and those shared with "
        "your cohorts. By host and cycle.",
        cohort_id=graphene.ID(description="Only sheets of visits counting for this cohort."),
        host_id=graphene.ID(description="Only this host's sheets (Person)."),
        cycle_number=graphene.Int(description="Only sheets of this cycle."),
    )
    my_calendar_feed = graphene.Field(
        CalendarFeedType,
        required=True,
        description="Your private calendar feed (made on first use): subscribe to its URL in "
        "the phone's calendar to see your visits and cohort meetings there.",
    )

    @staticmethod
    @requires(SignedIn)
    def resolve_my_visits(
        root,
        info,
        role=None,
        statuses=None,
        starts_after=None,
        starts_before=None,
        cycle_number=None,
        **kwargs,
    ):
        visits = selectors.visits_of_person(
            info.context.user, roles=(role.value,) if role else ("HOST", "VISITOR")
        )
        return _filter_visits(visits, statuses, starts_after, starts_before, cycle_number)

    @staticmethod
    @requires(SignedIn)
    def resolve_visit_summaries(
        root,
        info,
        cohort_id=None,
        host_id=None,
        starts_after=None,
        starts_before=None,
        statuses=None,
        **kwargs,
    ):
        visits = VisitSummaryRecord.objects.order_by("starts_at", "id")
        if cohort_id:
            cohort = _argument(load_cohort, info, cohort_id, "cohortId")
            visits = visits.none() if cohort is None else visits.filter(cohort=cohort)
        if host_id:
            visits = visits.filter(host_id=_pk(host_id, "Person", "hostId"))
        return _filter_visits(visits, statuses, starts_after, starts_before, None)

    @staticmethod
    @requires(SignedIn)
    def resolve_my_student_learning_questions(root, info, include_retired=False):
        questions = StudentLearningQuestion.objects.filter(host=info.context.user)
        if not include_retired:
            questions = questions.filter(retired_at__isnull=True)
        return list(
            StudentLearningQuestionType.get_queryset(questions, info).order_by("-created_at", "-id")
        )

    @staticmethod
    @requires(SignedIn)
    def resolve_tools(root, info, kind=None, scope=None, slq_id=None, **kwargs):
        user = info.context.user
        tools = Tool.objects.order_by("name", "id")
        if kind is not None:
            tools = tools.filter(kind=kind.value)
        if scope is not None:
            tools = {
                "MINE": lambda: tools.filter(owner=user),
                "SCHOOL": lambda: tools.filter(
                    Q(sharing=Sharing.SCHOOL) & school_scope.own_school(user)
                ),
                "DISTRICT": lambda: tools.filter(
                    Q(sharing=Sharing.DISTRICT) & school_scope.in_district(user)
                ),
                "LIBRARY": lambda: tools.filter(sharing=Sharing.LIBRARY),
            }[scope.value]()
        if slq_id:
            # Only a question you may see: another's id answers as one that does not exist.
            slq = _argument(load_slq, info, slq_id, "slqId")
            tools = tools.none() if slq is None else tools.filter(slq=slq)
        return tools

    @staticmethod
    @requires(SignedIn)
    def resolve_tool_kinds(root, info):
        return list(ToolKindValues)

    @staticmethod
    @requires(SignedIn)
    def resolve_tool_library(root, info):
        return list(Tool.objects.filter(sharing=Sharing.LIBRARY).order_by("kind", "name", "id"))

    @staticmethod
    @requires(SignedIn)
    def resolve_bell_schedule(root, info, school_id=None):
        user = info.context.user
        if school_id:
            school = _argument(
                lambda i, g, field: load_node(i, g, SchoolType, field=field),
                info,
                school_id,
                "schoolId",
            )
            if school is None:
                return []
            school_pk = school.pk
        else:
            school_pk = user.school_id
        return list(BellPeriod.objects.filter(school_id=school_pk).order_by("start_time", "id"))

    @staticmethod
    @requires(SignedIn)
    def resolve_my_timetable(root, info):
        return list(selectors.timetable_of(info.context.user))

    @staticmethod
    @requires(SignedIn)
    def resolve_suggested_visit_slots(root, info, host_id, from_, to, minutes):
        user = info.context.user
        if not MIN_VISIT_MINUTES <= minutes <= MAX_VISIT_MINUTES:
            raise _bad_argument("minutes", "A visit lasts 10 to 240 minutes.")
        if to < from_ or to - from_ > timedelta(days=MAX_SUGGESTION_DAYS):
            raise _bad_argument("to", "Ask for 1 to 31 days, `to` not before `from`.")
        today = timezone.now().date()
        if abs((from_ - today).days) > MAX_SUGGESTION_REACH_DAYS:
            raise _bad_argument("from", "Ask for dates within a year or two of today.")
        host = _argument(load_teacher, info, host_id, "hostId")
        if host is None or host.pk == user.pk:
            return []
        return suggested_visit_slots(
            host=host, visitor=user, first=from_, last=to, minutes=minutes, now=timezone.now()
        )

    @staticmethod
    @requires(SignedIn)
    def resolve_reflection_sheets(
        root, info, cohort_id=None, host_id=None, cycle_number=None, **kwargs
    ):
        sheets = ReflectionSheet.objects.order_by("host_id", "cycle_number", "id")
        if cohort_id:
            cohort = _argument(load_cohort, info, cohort_id, "cohortId")
            sheets = sheets.none() if cohort is None else sheets.filter(visit__cohort=cohort)
        if host_id:
            sheets = sheets.filter(host_id=_pk(host_id, "Person", "hostId"))
        if cycle_number is not None:
            sheets = sheets.filter(cycle_number=cycle_number)
        return sheets

    @staticmethod
    @requires(SignedIn)
    def resolve_my_calendar_feed(root, info):
        return calendar_feed_get(person=info.context.user)


def _pk(global_id: str, type_name: str, field: str) -> int:
    """The pk a list's filter names; -1 (nothing matches) for an id of another type: a list
    leaves out what is not there. A string that is not an id at all is BAD_USER_INPUT."""
    pk = read_pk(global_id, type_name)
    return -1 if pk is None else pk


def _argument(loader, info, global_id, field):
    """The object a list's argument names, or None when it names nothing the caller may see
    (the list is then empty, the same answer as for an id that does not exist). A string that
    is not an id at all is BAD_USER_INPUT."""
    read_pk(global_id, "")  # only to refuse garbage
    try:
        return loader(info, global_id, field=field)
    except ValidationError:
        return None


def _moment(value, field: str):
    """A DateTime argument in UTC; an unstorable one (year 1 at +05:00) is bad input."""
    if value is None:
        return None
    try:
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    except OverflowError:
        raise _bad_argument(field, "This time is out of range.") from None


def _filter_visits(visits, statuses, starts_after, starts_before, cycle_number):
    starts_after = _moment(starts_after, "startsAfter")
    starts_before = _moment(starts_before, "startsBefore")
    if statuses:
        visits = visits.filter(status__in=[s.value for s in statuses])
    if starts_after is not None:
        visits = visits.filter(starts_at__gte=starts_after)
    if starts_before is not None:
        visits = visits.filter(starts_at__lt=starts_before)
    if cycle_number is not None:
        visits = visits.filter(cycle_number=cycle_number)
    return visits


class ObservationSubscriptions(graphene.ObjectType):
    visit_changed = graphene.Field(
        VisitChangedEvent,
        required=True,
        description="Fires when one of your visits (as host or visitor) changes: proposed, "
        "accepted, declined, moved, cancelled, completed, data arrived, plan or reflection "
        "changed. Carries the visit as you may now see it. Missed events are not replayed; "
        "refetch `myVisits` after reconnecting.",
        visit_id=graphene.ID(description="Only this visit (Visit id)."),
    )

    @staticmethod
    @requires(SignedIn)
    async def subscribe_visit_changed(root, info, visit_id=None):
        wanted = _pk(visit_id, "Visit", "visitId") if visit_id else None
        context = info.context
        async for event in context.listen(user_group(context.user.pk)):
            if event.get("event") != VISIT_CHANGED:
                continue
            if wanted is not None and event["visit_id"] != wanted:
                continue
            loaded = await database_sync_to_async(_load_visit_event)(info, event)
            if loaded is not None:
                yield loaded


def _load_visit_event(info, event: dict) -> VisitChangedEvent | None:
    """Runs in a worker thread: the visit as this subscriber may read it now, with what the
    selection reads loaded (fields resolve on the event loop, where no query may run). None
    when the subscriber cannot read it (the event is then not sent)."""
    visit = load_visit_for_event(info, event["visit_id"])
    if visit is None:
        return None
    return VisitChangedEvent(
        change=event["change"],
        visit_id=to_global_id("Visit", event["visit_id"]),
        revision=event["revision"],
        status=event["status"],
        actor_id=to_global_id("Person", event["actor_id"]) if event["actor_id"] else None,
        visit=visit,
    )


__all__ = ["ObservationMutations", "ObservationQueries", "ObservationSubscriptions"]
