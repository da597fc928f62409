"""Hand-written Django views that return the same JSON as the GraphQL operations, from the same
data with the same SQL: the ceiling this stack could reach without GraphQL.

Each view reads through the same selectors and querysets (prefetches included) as the
resolvers behind its operation in `operations.py`; where those live on a type's
`get_queryset`, it calls that, so both sides follow the apps' changes. It applies the same
visibility rules and writes the same JSON (global ids, ISO dates, enum names) with the same
encoder settings as the GraphQL view. Only the GraphQL machinery is missing: parsing and
validating the document, the cost limit, and resolving field by field.

Mounted only when BENCH_BASELINE_VIEWS=1 (the benchmark's server), never in production.
"""

from __future__ import annotations

import json
from datetime import datetime
from types import SimpleNamespace

from django.http import HttpResponse
from django.utils import timezone
from graphql_relay import offset_to_cursor, to_global_id

from backend.accounts.models import User

PAGE = 50


def _unauthenticated() -> HttpResponse:
    return _json({"errors": [{"message": "Sign in", "extensions": {"code": "UNAUTHENTICATED"}}]})


def _json(payload: dict) -> HttpResponse:
    # What the GraphQL view does (backend/graphql/view.py `_respond`).
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    return HttpResponse(body, content_type="application/json; charset=utf-8")


def _data(data: dict) -> HttpResponse:
    return _json({"data": data})


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _person(person: User) -> dict:
    return {"id": to_global_id("Person", person.pk), "fullName": person.full_name}


def _info(request):
    """What a type's `get_queryset(queryset, info)` reads: the caller, per-request caches, and
    the selection (empty: the twins read only the fields their views write out)."""
    context = SimpleNamespace(
        user=request.user,
        access_token=getattr(request, "access_token", None),
        request=request,
        loaders={},
    )
    return SimpleNamespace(context=context, field_nodes=(), fragments={})


def signed_in(view):
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return _unauthenticated()
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


# --- me -----------------------------------------------------------------------------------------


@signed_in
def me(request):
    """`{ me { person { fullName email } school { name timeZone } roles } }`."""
    user = request.user
    roles = []
    if user.school_id:
        roles.append("TEACHER")
    if user.is_teacher_leader:
        roles.append("TEACHER_LEADER")
    if user.coordinated_district_id:
        roles.append("COORDINATOR")
    if user.is_staff:
        roles.append("STAFF")
    school = user.school
    return _data(
        {
            "me": {
                "person": {"fullName": user.full_name, "email": user.email},
                "school": {"name": school.name, "timeZone": school.time_zone} if school else None,
                "roles": roles,
            }
        }
    )


def _when(starts_at, ends_at, zone) -> dict:
    """What `when { startsAt endsAt timeZone date startTime }` (a Schedule) answers."""
    local = starts_at.astimezone(zone)
    return {
        "startsAt": starts_at.isoformat(),
        "endsAt": ends_at.isoformat(),
        "timeZone": zone.key,
        "date": local.date().isoformat(),
        "startTime": local.time().isoformat(),
    }


# --- my week's visits ---------------------------------------------------------------------------


@signed_in
def my_week(request):
    """`operations.MY_WEEK`: the resolver's queryset, then VisitType.get_queryset's (the same
    querysets the connection field builds, prefetches included)."""
    from observations import selectors
    from observations.graphql.types import VisitType
    from observations.models import ReflectionSheet, VisitRole

    user = request.user
    starts_after = datetime.fromisoformat(request.GET["from"])
    starts_before = datetime.fromisoformat(request.GET["to"])
    visits = selectors.visits_of_person(user, roles=("HOST", "VISITOR"))
    visits = visits.filter(starts_at__gte=starts_after).filter(starts_at__lt=starts_before)
    visits = VisitType.get_queryset(visits, _info(request))
    total = visits.count()
    edges = []
    for visit in visits[: min(PAGE, total)]:  # the connection slices to what exists
        participants = visit.participants.all()
        zone = visit.school.zone
        try:
            has_sheet = visit.reflection_sheet is not None
        except ReflectionSheet.DoesNotExist:
            has_sheet = False
        slq, tool = visit.slq, visit.tool
        edges.append(
            {
                "node": {
                    "id": to_global_id("Visit", visit.pk),
                    "status": str(visit.status),
                    "cycleNumber": visit.cycle_number,
                    "myRole": next((p.role for p in participants if p.person_id == user.pk), None),
                    "room": visit.room,
                    "when": {
                        **_when(visit.starts_at, visit.ends_at, zone),
                        "minutes": visit.minutes,
                    },
                    "host": _person(visit.host),
                    "visitors": [
                        _person(p.person) for p in participants if p.role == VisitRole.VISITOR
                    ],
                    "slq": {
                        "id": to_global_id("StudentLearningQuestion", slq.pk),
                        "areaOfFocus": slq.area_of_focus,
                        "question": slq.question,
                    }
                    if slq
                    else None,
                    "tool": {
                        "id": to_global_id("Tool", tool.pk),
                        "name": tool.name,
                        "kind": str(tool.kind),
                    }
                    if tool
                    else None,
                    "entryCount": visit.entry_total,
                    "hasReflectionSheet": has_sheet,
                    "cohortId": to_global_id("Cohort", visit.cohort_id)
                    if visit.cohort_id
                    else None,
                }
            }
        )
    return _data({"myVisits": {"totalCount": total, "edges": edges}})


# --- a cohort with members and meetings ---------------------------------------------------------

COHORT_FIELDS = frozenset(
    {
        "id", "name", "schoolYear", "canManage", "school", "timeZone", "members", "role",
        "startedAt", "person", "fullName", "visitedBy", "links", "blue", "yellow", "guidance",
        "groupSize", "targetGroupSize", "isComplete", "messages", "code", "message", "count",
        "meetings", "kind", "title", "when", "startsAt", "endsAt", "date", "startTime",
        "status", "location", "agendaMinutes", "overrunMinutes", "canSeeNotes", "agenda",
        "position", "minutes", "startOffsetMinutes", "facilitator",
    }
)  # fmt: skip
"""Every field name `operations.COHORT` selects: what `requested_fields(info)` gives."""

ROLE_ORDER = {"LEADER": 0, "BLUE": 1, "YELLOW": 2}


def _membership_id(membership) -> str:
    return to_global_id("Membership", membership.pk)


def _visited_by(membership, memberships, links):
    """As MembershipType.resolve_visited_by, for current memberships."""
    if membership.role == "BLUE":
        return next((m for m in memberships if m.role == "LEADER" and m.ended_at is None), None)
    if membership.role == "YELLOW":
        mine = [link for link in links if link.yellow_id == membership.pk]
        current = [link for link in mine if link.ended_at is None]
        link = current[-1] if current else None
        if link is None:
            return None
        return next((m for m in memberships if m.pk == link.blue_id), None)
    return None


def _meeting_status(meeting, now) -> str:
    if meeting.cancelled_at is not None:
        return "CANCELLED"
    if meeting.starts_at > now:
        return "UPCOMING"
    if meeting.ends_at > now:
        return "IN_PROGRESS"
    return "HELD"


@signed_in
def cohort(request, pk: int):
    """`operations.COHORT`: the resolver's cohort_queryset over CohortType.get_queryset's."""
    from cohorts import selectors
    from cohorts.graphql.loading import cohort_queryset
    from cohorts.graphql.types import CohortType
    from cohorts.guidance import cohort_guidance
    from cohorts.models import Cohort

    user = request.user
    queryset = CohortType.get_queryset(Cohort.objects.filter(pk=pk), _info(request))
    found = cohort_queryset(queryset, COHORT_FIELDS).first()
    if found is None:
        return _data({"cohort": None})
    memberships = found.all_memberships
    links = found.all_links
    current = sorted(
        (m for m in memberships if m.ended_at is None),
        key=lambda m: (ROLE_ORDER[m.role], m.person.full_name, m.pk),
    )
    current_links = [link for link in links if link.ended_at is None]
    guidance = cohort_guidance(
        target_blue=found.target_blue_count,
        target_yellow=found.target_yellow_count,
        memberships=current,
        links=current_links,
    )
    roles = selectors.viewer_roles_by_cohort(user)
    now = timezone.now()
    zone = found.school.zone
    meetings = []
    for meeting in found.all_meetings:
        agenda = list(meeting.agenda_items.all())
        agenda_minutes = sum(item.minutes for item in agenda)
        items, offset = [], 0
        for item in agenda:
            items.append(
                {
                    "id": to_global_id("AgendaItem", item.pk),
                    "position": item.position,
                    "title": item.title,
                    "minutes": item.minutes,
                    "startOffsetMinutes": offset,
                    "facilitator": _person(item.facilitator) if item.facilitator else None,
                }
            )
            offset += item.minutes
        meetings.append(
            {
                "id": to_global_id("Meeting", meeting.pk),
                "kind": str(meeting.kind),
                "title": meeting.title,
                "when": _when(meeting.starts_at, meeting.ends_at, zone),
                "status": _meeting_status(meeting, now),
                "location": meeting.location,
                "agendaMinutes": agenda_minutes,
                "overrunMinutes": max(0, agenda_minutes - meeting.duration_minutes),
                "canSeeNotes": selectors.is_in_meeting_group(user, meeting, roles_by_cohort=roles),
                "agenda": items,
            }
        )
    visited_by = {m.pk: _visited_by(m, memberships, links) for m in current}
    data = {
        "id": to_global_id("Cohort", found.pk),
        "name": found.name,
        "schoolYear": found.school_year,
        "canManage": user.is_staff
        or any(m.person_id == user.pk and m.role == "LEADER" for m in current),
        "school": {
            "id": to_global_id("School", found.school.pk),
            "name": found.school.name,
            "timeZone": found.school.time_zone,
        },
        "members": [
            {
                "id": _membership_id(m),
                "role": m.role,
                "startedAt": m.started_at.isoformat(),
                "person": _person(m.person),
                "visitedBy": {"id": _membership_id(visited_by[m.pk])} if visited_by[m.pk] else None,
            }
            for m in current
        ],
        "links": [
            {
                "id": to_global_id("BlueYellowLink", link.pk),
                "blue": {"id": to_global_id("Membership", link.blue_id)},
                "yellow": {"id": to_global_id("Membership", link.yellow_id)},
            }
            for link in current_links
        ],
        "guidance": {
            "groupSize": guidance.group_size,
            "targetGroupSize": guidance.target_group_size,
            "isComplete": guidance.is_complete,
            "messages": [
                {"code": m.code, "message": m.message, "count": m.count} for m in guidance.messages
            ],
        },
        "meetings": meetings,
    }
    return _data({"cohort": data})


# --- a survey report ----------------------------------------------------------------------------


def _figures(figures, *, distribution: bool) -> dict:
    data = {
        "isSuppressed": figures.suppressed,
        "n": figures.n,
        "mean": figures.mean,
        "standardDeviation": figures.sd,
    }
    if distribution:
        data["distribution"] = [
            {"value": p.value, "label": p.label, "count": p.count} for p in figures.distribution
        ]
    return data


@signed_in
def survey_report(request, pk: int):
    """`operations.SURVEY_REPORT`: the resolver's administration lookup and report."""
    from surveys import reports
    from surveys.graphql.types import SurveyAdministrationType
    from surveys.models import Administration

    user = request.user
    if not (user.is_teacher_leader or user.coordinated_district_id or user.is_staff):
        return _json({"errors": [{"message": "Forbidden", "extensions": {"code": "FORBIDDEN"}}]})
    queryset = Administration.objects.filter(pk=pk)
    administration = SurveyAdministrationType.get_queryset(queryset, _info(request)).first()
    if administration is None or not administration.viewer_reads_report:
        return _data({"surveyReport": None})
    report = reports.administration_report(administration)
    data = {
        "status": str(report.status),
        "invitedCount": report.invited_count,
        "respondedCount": report.responded_count,
        "responseRate": report.response_rate,
        "minimumGroupSize": report.minimum_group_size,
        "administration": {
            "id": to_global_id("SurveyAdministration", administration.pk),
            "title": administration.title,
            "kind": str(administration.kind),
            "opensAt": administration.opens_at.isoformat(),
            "closesAt": administration.closes_at.isoformat(),
        },
        "constructs": [
            {
                "construct": {"key": entry.construct.key, "title": entry.construct.title},
                "figures": _figures(entry.figures, distribution=False),
                "items": [
                    {
                        "item": {
                            "id": to_global_id("SurveyItem", item_entry.item.pk),
                            "key": item_entry.item.key,
                            "prompt": item_entry.item.prompt,
                            "reverseScored": item_entry.item.reverse_scored,
                        },
                        "figures": _figures(item_entry.figures, distribution=True),
                    }
                    for item_entry in entry.items
                ],
            }
            for entry in report.constructs
        ],
        "comments": [
            {"item": {"key": comments.item.key}, "isSuppressed": comments.suppressed}
            for comments in report.comments
        ],
    }
    return _data({"surveyReport": data})


# --- the inbox ----------------------------------------------------------------------------------


@signed_in
def inbox(request):
    """`operations.INBOX`: the resolvers' querysets (inbox scope twice, as the connection's
    get_queryset applies it over the resolver's)."""
    from notifications.graphql.types import NotificationType, inbox_scope
    from notifications.models import Notification
    from notifications.selectors import unread_count

    user = request.user
    unread = unread_count(user)
    queryset = inbox_scope(user, Notification.objects.all()).order_by("-delivered_at", "-id")
    queryset = NotificationType.get_queryset(queryset, _info(request))
    total = queryset.count()
    page = list(queryset[: min(PAGE, total)])  # the connection slices to what exists
    edges = [
        {
            "node": {
                "id": to_global_id("Notification", n.pk),
                "kind": n.kind,
                "title": n.title,
                "body": n.body,
                "isRead": n.read_at is not None,
                "deliveredAt": _iso(n.delivered_at),
                "readAt": _iso(n.read_at),
                "target": {"type": n.target_type, "id": n.target_id}
                if n.target_type and n.target_id
                else None,
            }
        }
        for n in page
    ]
    data = {
        "unreadNotificationCount": unread,
        "myNotifications": {
            "totalCount": total,
            "pageInfo": {
                "hasNextPage": total > PAGE,
                "endCursor": offset_to_cursor(len(page) - 1) if page else None,
            },
            "edges": edges,
        },
    }
    return _data(data)


# --- a district network map ---------------------------------------------------------------------


@signed_in
def network_map(request, pk: int):
    """`operations.NETWORK_MAP`: the same service call (and per-person map limit) as the
    resolver, without betweenness (the document does not ask for it)."""
    from backend.throttle import RateLimit
    from networks import maps
    from networks.access import Scope, ScopeKind
    from networks.graphql.schema import MAPS_PER_MINUTE

    user = request.user
    limit = RateLimit("network-map", MAPS_PER_MINUTE, 60)
    if limit.hit(f"user:{user.pk}") > limit.limit:
        return _json({"errors": [{"message": "Too many", "extensions": {"code": "RATE_LIMITED"}}]})
    found = maps.network_map(
        viewer=user, scope=Scope(ScopeKind.DISTRICT, pk), as_of=None, with_betweenness=False
    )

    def gid(type_name, value):
        return None if value is None else to_global_id(type_name, value)

    data = {
        "scope": found.scope.kind.value,
        "scopeId": gid(found.scope.kind.value.title(), found.scope.id),
        "name": found.name,
        "asOf": found.as_of.isoformat(),
        "nodeRadius": found.node_radius,
        "nodes": [
            {
                "personId": gid("Person", n.person_id),
                "fullName": n.full_name,
                "role": n.role.value,
                "cohortId": gid("Cohort", n.cohort_id),
                "blueDotId": gid("Person", n.blue_id),
                "x": n.x,
                "y": n.y,
                "visitsMade": n.visits_made,
                "visitsHosted": n.visits_hosted,
                "plannedVisitsMade": n.planned_made,
                "lastVisitDate": _iso(n.last_visit_date),
                "isIsolated": n.is_isolated,
            }
            for n in found.nodes
        ],
        "edges": [
            {
                "visitorId": gid("Person", e.visitor_id),
                "hostId": gid("Person", e.host_id),
                "completedCount": e.completed_count,
                "plannedCount": e.planned_count,
                "lastVisitDate": _iso(e.last_visit_date),
                "isCrossSchool": e.is_cross_school,
            }
            for e in found.edges
        ],
        "cohorts": [
            {
                "cohortId": gid("Cohort", c.cohort.id),
                "name": c.cohort.name,
                "memberCount": c.member_count,
                "frame": {
                    "x": c.frame.x,
                    "y": c.frame.y,
                    "radius": c.frame.radius,
                    "blueRingRadius": c.frame.blue_radius,
                    "yellowRingRadius": c.frame.yellow_radius,
                },
            }
            for c in found.cohorts
        ],
        "measures": {
            "memberCount": found.measures.member_count,
            "tieCount": found.measures.tie_count,
            "density": found.measures.density,
            "reach": found.measures.reach,
            "reciprocity": found.measures.reciprocity,
            "crossSchoolTieCount": found.measures.cross_school_tie_count,
        },
    }
    return _data({"networkMap": data})
