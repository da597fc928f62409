"""Every read the networks app makes of other apps' tables, and nothing else.

Cohorts, memberships and links come from `cohorts`, visits and reflection sheets from
`observations`, survey windows from `surveys`. Those apps are still growing: when their models
change, this is the only file that should have to follow. Each function returns plain data
(dataclasses, dicts, `networks.graph` shapes) and runs a fixed number of SQL queries however
many cohorts, people or visits it covers: everything is aggregated in the database with
`values()`/`annotate()`, never fetched per cohort or per person.

Only structure and counts leave this module: ids, names of people, schools and cohorts, roles,
statuses, dates and counts. No query here selects what a visit, a reflection or a meeting *says*
(SLQs, notes, tool data, reflection text, agendas); `tests/networks/test_privacy.py` checks the
SQL.

Time: every function takes `at`, an aware datetime, and answers "as it was at that instant"
(see `networks.maps.as_of_instant` for how a date becomes one):

- a membership or blue/yellow link counts when `started_at <= at` and it had not ended
  (`ended_at` is null or later than `at`);
- a visit is *completed* at `at` when its status is COMPLETED and it was completed by then
  (`completed_at <= at`; a COMPLETED visit without `completed_at` counts from its end time);
- a visit is *planned* at `at` when it existed (`created_at <= at`) and was neither completed
  nor closed by then: PROPOSED or ACCEPTED now, COMPLETED later than `at`, or DECLINED /
  CANCELLED later than `at` (`closed_at > at`);
- a reflection sheet counts once written (`created_at <= at`), a meeting once started and not
  cancelled at `at`, a survey once opened and not cancelled at `at`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple
from zoneinfo import ZoneInfo

from django.db import connections
from django.db.models import Count, Max, Min, Q, TextField
from django.db.models.functions import Cast

from backend.accounts.models import District, School, User
from cohorts.models import BlueYellowLink, Cohort, Membership
from cohorts.models import Role as MembershipRole
from networks.graph import CohortShape, PersonId, VisitEdge
from observations.models import ReflectionSheet, Visit, VisitParticipant, VisitRole, VisitStatus

if TYPE_CHECKING:  # mypy checks the queries against the models as they are today
    from cohorts.models import Meeting, MeetingKind
    from surveys.models import Administration, AdministrationKind
else:
    try:  # meetings arrived with issue #3; keep working (without meeting counts) if they move
        from cohorts.models import Meeting, MeetingKind
    except ImportError:  # pragma: no cover - depends on the cohorts app's state
        Meeting = MeetingKind = None

    try:  # survey administrations belong to the surveys app (issue #5)
        from surveys.models import Administration, AdministrationKind
    except ImportError:  # pragma: no cover - depends on the surveys app's state
        Administration = AdministrationKind = None


# --- what the other apps call things --------------------------------------------------------

#: Meeting kinds of the two standing meetings, if the cohorts app has them.
BLUE_GROUP_MEETING = getattr(MeetingKind, "BLUE_GROUP", None)
WHOLE_GROUP_MEETING = getattr(MeetingKind, "WHOLE_GROUP", None)
#: Survey administrations whose windows the programme asks for.
BASELINE_SURVEY = getattr(AdministrationKind, "BASELINE", None)
SIX_MONTH_SURVEY = getattr(AdministrationKind, "SIX_MONTH", None)


def meetings_available() -> bool:
    """Whether meeting counts can be given (the cohorts app has group-of-5/13 meetings)."""
    return None not in (Meeting, BLUE_GROUP_MEETING, WHOLE_GROUP_MEETING)


def surveys_available() -> bool:
    """Whether survey windows can be given (the surveys app has baseline/six-month kinds)."""
    return None not in (Administration, BASELINE_SURVEY, SIX_MONTH_SURVEY)


VACANT_LEADER_PREFIX = "vacant-leader:"


def vacant_leader_id(cohort_id: int) -> str:
    """Stand-in for the leader of a cohort that has none at the time asked about.

    `CohortShape` needs a leader; the layout keeps the centre of such a cohort empty and the
    map drops this id from its nodes and measures (see `is_vacant`).
    """
    return f"{VACANT_LEADER_PREFIX}{cohort_id}"


def is_vacant(person_id: PersonId) -> bool:
    return isinstance(person_id, str) and person_id.startswith(VACANT_LEADER_PREFIX)


# --- plain data handed to the rest of the app -------------------------------------------------


@dataclass(frozen=True, slots=True)
class CohortRow:
    """A cohort and where it is, with the programme's targets."""

    id: int
    name: str
    school_year: str
    school_id: int
    school_name: str
    district_id: int
    time_zone: str
    target_blue_count: int
    target_yellow_count: int
    created_at: datetime
    archived_at: datetime | None

    def running_at(self, at: datetime) -> bool:
        """Created by `at` and not archived by then: what a school or district map shows."""
        return self.created_at <= at and (self.archived_at is None or self.archived_at > at)


@dataclass(frozen=True, slots=True)
class PlaceRow:
    """A school or a district: enough to check access and to know its time zones."""

    id: int
    name: str
    district_id: int
    time_zones: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MemberRow:
    """A person who holds a place in a cohort at the time asked about."""

    person_id: int
    full_name: str
    school_id: int | None
    time_zone: str | None = None
    """Their school's time zone: the dates of visits they host are in it."""


@dataclass(frozen=True)
class CohortMembers:
    """Who held which place at `at`: one `CohortShape` per cohort, the people, and since when
    each yellow dot was assigned to its blue dot."""

    shapes: dict[int, CohortShape]
    people: dict[int, MemberRow]
    assigned_since: dict[tuple[int, PersonId], datetime]
    """(cohort id, yellow dot's person id) -> when the current blue/yellow link started."""


class PairVisits(NamedTuple):
    """All visits of one visitor to one host up to `at`, as counts and dates.

    `edge.first_date`/`edge.last_date` span the *completed* visits (dates of `starts_at` in the
    host's school's time zone); `next_planned_date` is the earliest visit still planned at `at`
    (it may lie in the past when a visit was never marked done)."""

    edge: VisitEdge
    next_planned_date: date | None


@dataclass(frozen=True, slots=True)
class SurveyWindow:
    """The latest baseline or six-month survey of a cohort opened by `at`.

    `responded_count` is known only once the window had closed by `at` (responses are not
    time-stamped, so while open we cannot tell how many had answered by then); None otherwise.
    """

    opens_at: datetime
    closes_at: datetime
    invited_count: int
    responded_count: int | None


# --- access: who the viewer is and what exists -------------------------------------------------


def active_person(user_id: int):
    """The account with this id if it is still active, else None (one query)."""
    return User.objects.filter(pk=user_id, is_active=True).select_related("school").first()


def current_cohort_roles(person_id: int) -> dict[int, str]:
    """The person's role in each cohort they are in *now* (not as of a date): access is about
    today's memberships even when the map replays the past."""
    return dict(
        Membership.objects.filter(person_id=person_id, ended_at__isnull=True).values_list(
            "cohort_id", "role"
        )
    )


def school_place(school_id: int) -> PlaceRow | None:
    row = School.objects.filter(pk=school_id).values("id", "name", "district_id", "time_zone")
    found = row.first()
    if found is None:
        return None
    return PlaceRow(found["id"], found["name"], found["district_id"], (found["time_zone"],))


def district_place(district_id: int) -> PlaceRow | None:
    """The district and the distinct time zones of its schools (one query)."""
    rows = list(
        District.objects.filter(pk=district_id)
        .values_list("id", "name", "schools__time_zone")
        .distinct()
    )
    if not rows:
        return None
    zones = tuple(sorted({zone for _, _, zone in rows if zone}))
    return PlaceRow(rows[0][0], rows[0][1], rows[0][0], zones)


# --- cohorts, memberships, links -----------------------------------------------------------------


_COHORT_FIELDS = (
    "id",
    "name",
    "school_year",
    "school_id",
    "school__name",
    "school__district_id",
    "school__time_zone",
    "target_blue_count",
    "target_yellow_count",
    "created_at",
    "archived_at",
)


def cohort_rows(
    *,
    cohort_ids: Iterable[int] | None = None,
    school_id: int | None = None,
    district_id: int | None = None,
) -> list[CohortRow]:
    """Cohorts by id, of a school, or of a district, every year (one query), by id."""
    queryset = Cohort.objects.all()
    if cohort_ids is not None:
        queryset = queryset.filter(pk__in=list(cohort_ids))
    if school_id is not None:
        queryset = queryset.filter(school_id=school_id)
    if district_id is not None:
        queryset = queryset.filter(school__district_id=district_id)
    return [
        CohortRow(
            id=row["id"],
            name=row["name"],
            school_year=row["school_year"],
            school_id=row["school_id"],
            school_name=row["school__name"],
            district_id=row["school__district_id"],
            time_zone=row["school__time_zone"],
            target_blue_count=row["target_blue_count"],
            target_yellow_count=row["target_yellow_count"],
            created_at=row["created_at"],
            archived_at=row["archived_at"],
        )
        for row in queryset.order_by("id").values(*_COHORT_FIELDS)
    ]


def _held_at(at: datetime, prefix: str = "") -> Q:
    """Started by `at` and not ended by then (memberships and links)."""
    return Q(**{f"{prefix}started_at__lte": at}) & (
        Q(**{f"{prefix}ended_at__isnull": True}) | Q(**{f"{prefix}ended_at__gt": at})
    )


def cohort_members(cohort_ids: Iterable[int], at: datetime) -> CohortMembers:
    """Each cohort's leader, blue dots and yellow dots at `at` (two queries).

    A blue/yellow link counts only while both its memberships are held. If the history holds
    two places for one person in one cohort at `at` (it should not), the later one wins.
    """
    ids = list(cohort_ids)
    memberships = (
        Membership.objects.filter(_held_at(at), cohort_id__in=ids)
        .order_by("cohort_id", "started_at", "id")
        .values_list(
            "id",
            "cohort_id",
            "person_id",
            "role",
            "person__full_name",
            "person__school_id",
            "person__school__time_zone",
        )
    )
    places: dict[int, dict[int, tuple[int, str]]] = defaultdict(dict)  # cohort -> person -> place
    people: dict[int, MemberRow] = {}
    for membership_id, cohort_id, person_id, role, full_name, school_id, zone in memberships:
        places[cohort_id][person_id] = (membership_id, role)
        people.setdefault(person_id, MemberRow(person_id, full_name, school_id, zone))

    links = (
        BlueYellowLink.objects.filter(_held_at(at), cohort_id__in=ids)
        .order_by("started_at", "id")
        .values_list("cohort_id", "blue_id", "yellow_id", "started_at")
    )
    person_of_membership = {
        membership_id: person_id
        for cohort_places in places.values()
        for person_id, (membership_id, _) in cohort_places.items()
    }
    blue_of_yellow: dict[tuple[int, int], tuple[int, datetime]] = {}
    for cohort_id, blue_membership, yellow_membership, started_at in links:
        blue = person_of_membership.get(blue_membership)
        yellow = person_of_membership.get(yellow_membership)
        if blue is None or yellow is None:
            continue
        cohort_places = places.get(cohort_id, {})
        if cohort_places.get(blue, (None, None))[1] != MembershipRole.BLUE:
            continue
        if cohort_places.get(yellow, (None, None))[1] != MembershipRole.YELLOW:
            continue
        blue_of_yellow[(cohort_id, yellow)] = (blue, started_at)  # the latest link wins

    shapes = {}
    for cohort_id in ids:
        cohort_places = places.get(cohort_id, {})
        leaders = [p for p, (_, role) in cohort_places.items() if role == MembershipRole.LEADER]
        blues = [p for p, (_, role) in cohort_places.items() if role == MembershipRole.BLUE]
        yellows = [p for p, (_, role) in cohort_places.items() if role == MembershipRole.YELLOW]
        yellow_of_blue: dict[int, list[int]] = {blue: [] for blue in blues}
        unassigned = []
        for yellow in yellows:
            assigned = blue_of_yellow.get((cohort_id, yellow))
            if assigned is None:
                unassigned.append(yellow)
            else:
                yellow_of_blue[assigned[0]].append(yellow)
        shapes[cohort_id] = CohortShape(
            id=cohort_id,
            school_id=None,  # filled in by the caller, which knows the cohort's school
            leader_id=leaders[-1] if leaders else vacant_leader_id(cohort_id),
            blue_ids=tuple(blues),
            yellow_of_blue={b: tuple(ys) for b, ys in yellow_of_blue.items() if ys},
            unassigned_yellow_ids=tuple(unassigned),
        )
    assigned_since: dict[tuple[int, PersonId], datetime] = {
        key: started for key, (_, started) in blue_of_yellow.items()
    }
    return CohortMembers(shapes, people, assigned_since)


def _member_ids(cohort_ids: list[int], at: datetime):
    """Subquery: everyone holding a place in one of the cohorts at `at`."""
    return Membership.objects.filter(_held_at(at), cohort_id__in=cohort_ids).values("person_id")


def _leader_ids(cohort_ids: list[int], at: datetime):
    return (
        Membership.objects.filter(_held_at(at), cohort_id__in=cohort_ids)
        .filter(role=MembershipRole.LEADER)
        .values("person_id")
    )


# --- visits -------------------------------------------------------------------------------------


def completed_by(at: datetime, prefix: str = "") -> Q:
    """Visits completed by `at`."""
    return Q(**{f"{prefix}status": VisitStatus.COMPLETED}) & (
        Q(**{f"{prefix}completed_at__lte": at})
        | Q(**{f"{prefix}completed_at__isnull": True, f"{prefix}ends_at__lte": at})
    )


def planned_at(at: datetime, prefix: str = "") -> Q:
    """Visits that existed at `at` and were then neither completed nor closed."""
    p = prefix
    open_now = Q(**{f"{p}status__in": [VisitStatus.PROPOSED, VisitStatus.ACCEPTED]})
    completed_later = Q(**{f"{p}status": VisitStatus.COMPLETED}) & (
        Q(**{f"{p}completed_at__gt": at})
        | Q(**{f"{p}completed_at__isnull": True, f"{p}ends_at__gt": at})
    )
    closed_later = Q(
        **{f"{p}status__in": [VisitStatus.DECLINED, VisitStatus.CANCELLED], f"{p}closed_at__gt": at}
    )
    return Q(**{f"{p}created_at__lte": at}) & (open_now | completed_later | closed_later)


def visit_pairs(
    cohort_ids: Iterable[int], at: datetime, zones: Mapping[int, str] | None = None
) -> list[PairVisits]:
    """Visits between members of the cohorts, aggregated per (visitor, host) pair (one query).

    Any visit counts whose host and visitor both hold a place in one of the cohorts at `at`,
    whichever cohort the visit was booked under: the map shows who has visited whom.
    Self-visits are left out. Dates are the host's: `zones` maps a host to their school's time
    zone (`MemberRow.time_zone`); hosts it does not know get UTC dates.
    """
    ids = list(cohort_ids)
    members = _member_ids(ids, at)
    done = completed_by(at, "visit__")
    planned = planned_at(at, "visit__")
    queryset = (
        VisitParticipant.objects.filter(
            role=VisitRole.VISITOR,
            person_id__in=members,
            visit__host_id__in=members,
        )
        .filter(done | planned)
        .values_list("person_id", "visit__host_id")
        .annotate(
            completed=Count("visit_id", filter=done),
            planned=Count("visit_id", filter=planned),
            # As text: drivers turn timestamps into aware datetimes slowly (psycopg spends
            # longer on 75,000 of them than PostgreSQL on the whole query); `_utc` parses text.
            first_at=Cast(Min("visit__starts_at", filter=done), TextField()),
            last_at=Cast(Max("visit__starts_at", filter=done), TextField()),
            next_planned_at=Cast(Min("visit__starts_at", filter=planned), TextField()),
        )
        .order_by()
    )
    zone_of = {} if zones is None else zones
    zone_cache: dict[str | None, ZoneInfo] = {}
    local_day = _LocalDays()
    pairs = []
    rows = _raw_rows(queryset)
    rows.sort()  # by (visitor, host), which is unique: the later columns are never compared
    for visitor, host, completed, planned_n, first_at, last_at, next_at in rows:
        if visitor == host:
            continue
        name = zone_of.get(host)
        zone = zone_cache.get(name)
        if zone is None:
            zone = zone_cache[name] = _zone(name)
        first = local_day(first_at, zone)
        last = first if last_at == first_at else local_day(last_at, zone)  # one visit: same
        pairs.append(
            PairVisits(
                VisitEdge(visitor, host, completed, planned_n, first, last),
                local_day(next_at, zone),
            )
        )
    return pairs


def cycles_completed(cohort_ids: Iterable[int], at: datetime) -> dict[int, int]:
    """Per member: distinct cycle numbers among the visits they hosted that were completed by
    `at` (one query). Every completed visit they hosted counts, whoever the visitor was."""
    ids = list(cohort_ids)
    rows = (
        Visit.objects.filter(completed_by(at), host_id__in=_member_ids(ids, at))
        .values("host_id")
        .annotate(cycles=Count("cycle_number", distinct=True))
        .order_by()
    )
    return {row["host_id"]: row["cycles"] for row in rows}


def leader_reflection_cycles(cohort_ids: Iterable[int], at: datetime) -> dict[tuple[int, int], int]:
    """(facilitator, host) -> distinct cycles with a reflection sheet written by `at`, for
    sheets that a leader of one of the cohorts facilitated for a member (one query)."""
    ids = list(cohort_ids)
    rows = (
        ReflectionSheet.objects.filter(
            created_at__lte=at,
            facilitator_id__in=_leader_ids(ids, at),
            host_id__in=_member_ids(ids, at),
        )
        .values("facilitator_id", "host_id")
        .annotate(cycles=Count("cycle_number", distinct=True))
        .order_by()
    )
    return {(row["facilitator_id"], row["host_id"]): row["cycles"] for row in rows}


def overdue_reflections(
    cohort_ids: Iterable[int], at: datetime, completed_before: datetime
) -> dict[int, int]:
    """Per cohort: visits booked under it, completed before `completed_before`, that had no
    reflection sheet at `at` (one query)."""
    ids = list(cohort_ids)
    rows = (
        Visit.objects.filter(completed_by(completed_before), cohort_id__in=ids)
        .filter(Q(reflection_sheet__isnull=True) | Q(reflection_sheet__created_at__gt=at))
        .values("cohort_id")
        .annotate(visits=Count("id"))
        .order_by()
    )
    return {row["cohort_id"]: row["visits"] for row in rows}


# --- meetings and surveys ------------------------------------------------------------------------


def meetings_held(cohort_ids: Iterable[int], at: datetime) -> dict[tuple[int, str], int]:
    """(cohort, meeting kind) -> group-of-5 and group-of-13 meetings started by `at` and not
    cancelled then (one query; empty when the cohorts app has no meeting kinds)."""
    if not meetings_available():
        return {}
    rows = (
        Meeting.objects.filter(
            cohort_id__in=list(cohort_ids),
            kind__in=[BLUE_GROUP_MEETING, WHOLE_GROUP_MEETING],
            starts_at__lte=at,
        )
        .filter(Q(cancelled_at__isnull=True) | Q(cancelled_at__gt=at))
        .values("cohort_id", "kind")
        .annotate(held=Count("id"))
        .order_by()
    )
    return {(row["cohort_id"], row["kind"]): row["held"] for row in rows}


def survey_windows(cohort_ids: Iterable[int], at: datetime) -> dict[tuple[int, str], SurveyWindow]:
    """(cohort, BASELINE or SIX_MONTH) -> the latest such survey opened by `at` and not
    cancelled then, with invitation and response counts (one query)."""
    if not surveys_available():
        return {}
    rows = (
        Administration.objects.filter(
            cohort_id__in=list(cohort_ids),
            kind__in=[BASELINE_SURVEY, SIX_MONTH_SURVEY],
            opens_at__lte=at,
        )
        .filter(Q(cancelled_at__isnull=True) | Q(cancelled_at__gt=at))
        .values("id", "cohort_id", "kind", "opens_at", "closes_at")
        .annotate(
            invited=Count("invitees"),
            responded=Count("invitees", filter=Q(invitees__has_responded=True)),
        )
        .order_by("opens_at", "id")
    )
    found: dict[tuple[int, str], SurveyWindow] = {}
    for row in rows:  # ordered by opening: the latest one wins
        closed = row["closes_at"] <= at
        found[(row["cohort_id"], row["kind"])] = SurveyWindow(
            opens_at=row["opens_at"],
            closes_at=row["closes_at"],
            invited_count=row["invited"],
            responded_count=row["responded"] if closed else None,
        )
    return found


# --- helpers ------------------------------------------------------------------------------------


def _raw_rows(queryset) -> list[tuple]:
    """The rows of a values_list() queryset without Django's per-value converters.

    On tens of thousands of aggregated rows the converters (parsing every datetime with a
    regular expression, then making it aware) cost more than the query itself; `_utc` does
    the same for the few columns that need it."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _utc(value) -> datetime | None:
    """A raw datetime column as an aware datetime: ISO text (SQLite's naive UTC, PostgreSQL's
    with an offset) or a datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name) if name else ZoneInfo("UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def _local_date(moment: datetime | None, zone: ZoneInfo) -> date | None:
    return None if moment is None else moment.astimezone(zone).date()


_LAST_MICROSECOND = timedelta(days=1, microseconds=-1)
_ONE_DAY = timedelta(days=1)


class _LocalDays:
    """`_local_date(_utc(value), zone)` for raw timestamp columns, fast.

    Parsing and converting each of tens of thousands of visit times costs more than the query
    that returns them. On a UTC day in which a zone's offset does not change (every day but
    the two of a DST change), the local date follows from the hour and minute of the text
    and the offset, which is worked out once per day and zone. Values that are not plain UTC
    text (another offset, a datetime object) and days of a change are converted one by one."""

    __slots__ = ("_days",)

    def __init__(self) -> None:
        self._days: dict[tuple[str, ZoneInfo], tuple | None] = {}

    def __call__(self, value, zone: ZoneInfo) -> date | None:
        if value is None:
            return None
        if value.__class__ is str and _is_utc_text(value):
            key = (value[:10], zone)
            try:
                day = self._days[key]
            except KeyError:
                day = self._days[key] = _utc_day(value[:10], zone)
            if day is not None:
                offset, before, same, after = day
                minute = int(value[11:13]) * 60 + int(value[14:16]) + offset
                return before if minute < 0 else after if minute >= 1440 else same
        return _local_date(_utc(value), zone)


def _is_utc_text(value: str) -> bool:
    """SQLite's naive UTC text ("YYYY-MM-DD HH:MM:SS[.ffffff]") or PostgreSQL's with +00."""
    n = len(value)
    return (
        (value.endswith("+00") or n == 19 or (n == 26 and value[19] == "."))
        and n >= 19
        and value[13] == ":"
    )


def _utc_day(day: str, zone: ZoneInfo) -> tuple | None:
    """(offset in minutes, the day before, the day, the day after) for a UTC day on which the
    zone's offset stays the same and is whole minutes; None otherwise."""
    try:
        start = datetime.fromisoformat(day).replace(tzinfo=UTC)
    except ValueError:
        return None
    offset = start.astimezone(zone).utcoffset()
    if (
        offset is None  # never for an aware datetime; says so to mypy
        or (start + _LAST_MICROSECOND).astimezone(zone).utcoffset() != offset
        or offset.seconds % 60
    ):
        return None
    today = start.date()
    return (int(offset.total_seconds()) // 60, today - _ONE_DAY, today, today + _ONE_DAY)
