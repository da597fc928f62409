"""Every read the credentials app makes of other apps' tables (cohorts, observations, surveys,
improvement), and nothing else.

Like `networks/sources.py`: each function runs one query (sessions: two) however many pursuits,
people, visits or sheets it covers, aggregated in the database with `values()`/`annotate()`,
and returns `credentials.progress` rows. Only ids, names of people, roles, statuses, dates,
counts and booleans leave this module ("has a data summary", "has entries"): no query selects
what a visit, a sheet, an SLQ, an entry, an agenda, a survey or a PDSA cycle *says*. Emptiness
is tested in SQL (`column = ''`) so the text itself never crosses; `tests/credentials/
test_privacy.py` and `tests/credentials/improvement/test_progress.py` check the SQL.

Status: only COMPLETED visits are read; DECLINED, CANCELLED, PROPOSED and ACCEPTED ones are
filtered out here, so no rule downstream can count them. Cancelled meetings and surveys too.
Roles at the time of a visit are worked out in `progress.py` from `memberships()`, the full
history of the pursuits' cohorts.

PDSA cycles and measures are private to their owner: `pdsas_of` and `run_charts_of` read only
the people's own (`owner_id`), and `progress.py` counts only the pursuer's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from cohorts.models import AgendaItem, Attendance, AttendanceStatus, Meeting, Membership, Role
from improvement.models import Annotation, DataPoint, LibraryEntry, Measure, Pdsa, PdsaMeasure
from observations.models import (
    ObservationEntry,
    ReflectionSheet,
    StudentLearningQuestion,
    Tool,
    VisitParticipant,
    VisitRole,
    VisitStatus,
)
from surveys.models import Administration

from .progress import (
    MeetingRow,
    MembershipRow,
    PdsaRow,
    RunChartRow,
    SessionRow,
    SheetRow,
    SlqRow,
    SurveyRow,
    VisitRow,
)

__all__ = [
    "meetings_of",
    "memberships",
    "pdsas_of",
    "protocol_sessions_of",
    "run_charts_of",
    "sheets_of",
    "slqs_crafted_by",
    "surveys_launched_by",
    "visits_between_members",
    "visits_made_by",
]


def _flag(condition: Q) -> ExpressionWrapper:
    return ExpressionWrapper(condition, output_field=BooleanField())


def memberships(cohort_ids: Iterable[int]) -> list[MembershipRow]:
    """Every membership row of the cohorts, ended ones too (one query)."""
    rows = (
        Membership.objects.filter(cohort_id__in=list(cohort_ids))
        .order_by("cohort_id", "started_at", "id")
        .values_list(
            "cohort_id", "person_id", "person__full_name", "role", "started_at", "ended_at"
        )
    )
    return [MembershipRow(*row) for row in rows]


def _visit_rows(queryset) -> list[VisitRow]:
    # A COMPLETED visit counts from `completed_at`, or from its end when that is unset.
    return [
        VisitRow(visit, visitor, host, name, starts_at, completed_at or ends_at, has_slq, data)
        for visit, visitor, host, name, starts_at, completed_at, ends_at, has_slq, data in queryset
    ]


_VISIT_COLUMNS = (
    "visit_id",
    "person_id",
    "visit__host_id",
    "visit__host__full_name",
    "visit__starts_at",
    "visit__completed_at",
    "visit__ends_at",
    "has_slq",
    "has_data",
)


def visits_made_by(person_ids: Iterable[int]) -> list[VisitRow]:
    """COMPLETED visits each person made as a visitor to someone else's class (one query)."""
    entries = ObservationEntry.objects.filter(
        visit_id=OuterRef("visit_id"), submitted_by_id=OuterRef("person_id")
    )
    queryset = (
        VisitParticipant.objects.filter(
            role=VisitRole.VISITOR,
            person_id__in=list(person_ids),
            visit__status=VisitStatus.COMPLETED,
        )
        .exclude(visit__host_id=F("person_id"))
        .annotate(has_slq=_flag(Q(visit__slq_id__isnull=False)), has_data=Exists(entries))
        .order_by("visit__starts_at", "visit_id")
        .values_list(*_VISIT_COLUMNS)
    )
    return _visit_rows(queryset)


def visits_between_members(cohort_ids: Iterable[int]) -> list[VisitRow]:
    """COMPLETED visits whose visitor and host were ever members of one of the cohorts
    (one query); who held which role when is decided against `memberships()`."""
    members = Membership.objects.filter(cohort_id__in=list(cohort_ids)).values("person_id")
    queryset = (
        VisitParticipant.objects.filter(
            role=VisitRole.VISITOR,
            visit__status=VisitStatus.COMPLETED,
            person_id__in=members,
            visit__host_id__in=members,
        )
        .exclude(visit__host_id=F("person_id"))
        .annotate(has_slq=_flag(Q(visit__slq_id__isnull=False)), has_data=Value(True))
        .order_by("visit__starts_at", "visit_id")
        .values_list(*_VISIT_COLUMNS)
    )
    return _visit_rows(queryset)


def sheets_of(person_ids: Iterable[int]) -> list[SheetRow]:
    """Reflection sheets of COMPLETED visits that the people hosted or facilitated (one
    query), with what is filled in as booleans."""
    ids = list(person_ids)
    entries = ObservationEntry.objects.filter(visit_id=OuterRef("visit_id"))
    queryset = (
        ReflectionSheet.objects.filter(Q(host_id__in=ids) | Q(facilitator_id__in=ids))
        .filter(visit__status=VisitStatus.COMPLETED)
        .annotate(
            has_data_summary=_flag(~Q(data_summary={})),
            has_considerations=_flag(~Q(considerations="")),
            has_next_steps=_flag(~Q(next_steps="")),
            has_slq_and_tool=_flag(
                Q(visit__slq_id__isnull=False) & Q(visit__tool_id__isnull=False)
            ),
            has_entries=Exists(entries),
        )
        .order_by("visit__starts_at", "id")
        .values_list(
            "id",
            "host_id",
            "host__full_name",
            "facilitator_id",
            "cycle_number",
            "slq_id",
            "visit__starts_at",
            "has_data_summary",
            "has_considerations",
            "has_next_steps",
            "keeps_slq",
            "has_slq_and_tool",
            "has_entries",
        )
    )
    return [SheetRow(*row) for row in queryset]


def slqs_crafted_by(person_ids: Iterable[int]) -> list[SlqRow]:
    """Peers' SLQs the people helped craft, and whether each has a tool (one query)."""
    tools = Tool.objects.filter(slq_id=OuterRef("pk"))
    queryset = (
        StudentLearningQuestion.objects.filter(crafted_with_id__in=list(person_ids))
        .exclude(host_id=F("crafted_with_id"))
        .annotate(has_tool=Exists(tools))
        .order_by("id")
        .values_list("id", "crafted_with_id", "host_id", "host__full_name", "has_tool")
    )
    return [SlqRow(*row) for row in queryset]


def surveys_launched_by(person_ids: Iterable[int]) -> list[SurveyRow]:
    """Survey administrations the people launched, not cancelled, with invitation, response
    and insider counts (one query). Insiders as in the report (`surveys.reports`): invitees
    who responded and are its launcher or the cohort's current leader; each raises the
    minimum by one."""
    leaders = Membership.objects.filter(
        cohort_id=OuterRef("cohort_id"), role=Role.LEADER, ended_at__isnull=True
    ).values("person_id")
    queryset = (
        Administration.objects.filter(created_by_id__in=list(person_ids), cancelled_at__isnull=True)
        # values() before annotate(): grouped by these columns only, never by the title.
        .values(
            "id",
            "created_by_id",
            "cohort_id",
            "kind",
            "instrument__kind",
            "audience",
            "follows_id",
            "opens_at",
            "closes_at",
        )
        .annotate(
            invited=Count("invitees", distinct=True),
            response_count=Count("responses", distinct=True),
            insiders=Count(
                "invitees",
                distinct=True,
                filter=Q(invitees__has_responded=True)
                & (Q(invitees__person_id=F("created_by_id")) | Q(invitees__person_id__in=leaders)),
            ),
        )
        .order_by("opens_at", "id")
        .values_list(
            "id",
            "created_by_id",
            "cohort_id",
            "kind",
            "instrument__kind",
            "audience",
            "follows_id",
            "opens_at",
            "closes_at",
            "invited",
            "response_count",
            "insiders",
        )
    )
    return [
        SurveyRow(
            administration_id=row[0],
            created_by_id=row[1],
            cohort_id=row[2],
            kind=row[3],
            instrument_kind=row[4],
            audience=row[5],
            follows_id=row[6],
            opens_at=row[7],
            closes_at=row[8],
            cancelled=False,
            invited=row[9],
            responses=row[10],
            insiders=row[11],
        )
        for row in queryset
    ]


def meetings_of(cohort_ids: Iterable[int], now: datetime) -> list[MeetingRow]:
    """Meetings of the cohorts started by `now` and not cancelled, with their agenda item
    counts (one query)."""
    queryset = (
        Meeting.objects.filter(
            cohort_id__in=list(cohort_ids), cancelled_at__isnull=True, starts_at__lte=now
        )
        # values() before annotate(): grouped by these columns only, never by title or notes.
        .values("id", "cohort_id", "kind", "starts_at")
        .annotate(items=Count("agenda_items"))
        .order_by("starts_at", "id")
        .values_list("id", "cohort_id", "kind", "starts_at", "items")
    )
    return [MeetingRow(*row) for row in queryset]


def protocol_sessions_of(person_ids: Iterable[int], now: datetime) -> list[SessionRow]:
    """Agenda items using a protocol in meetings ended by `now` and not cancelled, that the
    people facilitated or attended PRESENT (two queries)."""
    ids = list(person_ids)
    ended = Q(meeting__cancelled_at__isnull=True, meeting__ends_at__lte=now)
    facilitated = (
        AgendaItem.objects.filter(ended, facilitator_id__in=ids, protocol__isnull=False)
        .order_by("id")
        .values_list("id", "meeting_id", "facilitator_id", "protocol__key", "meeting__ends_at")
    )
    rows = [
        SessionRow(item, meeting, person, key, True, False, ends_at)
        for item, meeting, person, key, ends_at in facilitated
    ]
    present = (
        Attendance.objects.filter(
            person_id__in=ids,
            status=AttendanceStatus.PRESENT,
            meeting__cancelled_at__isnull=True,
            meeting__ends_at__lte=now,
            meeting__agenda_items__protocol__isnull=False,
        )
        .order_by("id")
        .values_list(
            "meeting__agenda_items__id",
            "meeting_id",
            "person_id",
            "meeting__agenda_items__protocol__key",
            "meeting__ends_at",
        )
    )
    rows += [
        SessionRow(item, meeting, person, key, False, True, ends_at)
        for item, meeting, person, key, ends_at in present
    ]
    return rows


def pdsas_of(person_ids: Iterable[int]) -> list[PdsaRow]:
    """The people's own PDSA cycles with what is recorded, as booleans (one query): never the
    change idea, the prediction, the notes or the results themselves."""
    measured = DataPoint.objects.filter(measure__pdsa_links__pdsa_id=OuterRef("pk"))
    queryset = (
        Pdsa.objects.filter(owner_id__in=list(person_ids))
        .annotate(
            has_prediction=_flag(~Q(predictions="")),
            has_do_dates=_flag(Q(do_started_on__isnull=False) & Q(do_ended_on__isnull=False)),
            has_results=_flag(~Q(study_results="")),
            has_decision=_flag(~Q(act_decision="")),
            has_measured=Exists(measured),
            published=Exists(
                LibraryEntry.objects.filter(pdsa_id=OuterRef("pk"), unpublished_at__isnull=True)
            ),
        )
        .order_by("do_ended_on", "id")
        .values_list(
            "id",
            "owner_id",
            "slq_id",
            "cycle_number",
            "stage",
            "has_prediction",
            "has_do_dates",
            "has_results",
            "has_decision",
            "has_measured",
            "do_ended_on",
            "published",
        )
    )
    return [PdsaRow(*row) for row in queryset]


def _point_aggregate(function) -> Subquery:
    points = DataPoint.objects.filter(measure_id=OuterRef("pk")).order_by().values("measure_id")
    return Subquery(points.annotate(found=function).values("found")[:1])


def run_charts_of(person_ids: Iterable[int]) -> list[RunChartRow]:
    """The people's own measures as run charts (one query): how many points, their first and
    last days, whether a note is pinned to it or a linked cycle's Do starts within its days (the
    chart marks each start by itself), and the linked cycles. Never a name, a note's text or a
    value."""
    # A cycle's start falls within the chart when a point lies on or before it and one on or
    # after it.
    start = OuterRef("pdsa__do_started_on")
    before = DataPoint.objects.filter(measure_id=OuterRef("measure_id"), on__lte=start)
    after = DataPoint.objects.filter(measure_id=OuterRef("measure_id"), on__gte=start)
    starts = PdsaMeasure.objects.filter(
        measure_id=OuterRef("pk"),
        pdsa__owner_id=OuterRef("owner_id"),
        pdsa__do_started_on__isnull=False,
    ).filter(Exists(before), Exists(after))
    notes = Annotation.objects.filter(measure_id=OuterRef("pk"))
    queryset = (
        Measure.objects.filter(owner_id__in=list(person_ids))
        # Subqueries, not joins: the row per linked cycle below multiplies no count.
        .annotate(
            point_count=Coalesce(_point_aggregate(Count("id")), Value(0)),
            first_on=_point_aggregate(Min("on")),
            last_on=_point_aggregate(Max("on")),
            has_note=Exists(notes),
            has_cycle_start=Exists(starts),
        )
        .order_by("id", "pdsa_links__pdsa_id")
        .values_list(
            "id",
            "owner_id",
            "point_count",
            "first_on",
            "last_on",
            "has_note",
            "has_cycle_start",
            "pdsa_links__pdsa_id",
        )
    )
    charts: dict[int, RunChartRow] = {}
    linked: dict[int, list[int]] = defaultdict(list)
    for measure, owner, points, first_on, last_on, note, start_in, pdsa in queryset:
        charts.setdefault(
            measure, RunChartRow(measure, owner, points, first_on, last_on, note, start_in)
        )
        if pdsa is not None:
            linked[measure].append(pdsa)
    return [replace(row, pdsa_ids=tuple(linked[pk])) for pk, row in charts.items()]
