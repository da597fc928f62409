"""Meetings, their agendas and attendance."""

from __future__ import annotations

from datetime import timedelta

import graphene
from django.utils import timezone
from graphene_django import DjangoObjectType

from backend.accounts import scope
from backend.accounts.graphql.types import PersonType
from backend.graphql.schedule import schedule_field
from backend.graphql.types import CountableConnection
from backend.local_time import Span
from backend.signed_links import url_description

from ... import selectors
from ...models import (
    GROUP_ROLES,
    AgendaItem,
    AttendanceStatus,
    Cohort,
    Meeting,
    MeetingKind,
    Membership,
    Role,
)
from ...services.agendas import meeting_warnings
from .. import enums
from ..loading import cohort_memberships, viewer_roles
from .cohorts import CohortType
from .guidance import GuidanceMessageType
from .protocols import ProtocolType


def _sees_cohort(user, cohort: Cohort, roles: dict[int, str]) -> bool:
    """`selectors.cohorts_visible_to` on one loaded cohort: its members (`roles`, from
    `viewer_roles`), its district's coordinators and staff."""
    return cohort.pk in roles or scope.oversees_row(user, cohort)


def _notes_visible(info, meeting: Meeting) -> bool:
    return selectors.is_in_meeting_group(
        info.context.user, meeting, roles_by_cohort=viewer_roles(info)
    )


def _agenda(meeting: Meeting) -> list[AgendaItem]:
    return list(meeting.agenda_items.all())


class AttendanceType(graphene.ObjectType):
    """Whether one person came to a meeting."""

    class Meta:
        name = "Attendance"

    person = graphene.Field(PersonType, required=True, description="Who.")
    status = graphene.Field(enums.AttendanceStatus, required=True, description="Came or not.")
    recorded_at = graphene.DateTime(required=True, description="When it was recorded.")


class MeetingAttendeeType(graphene.ObjectType):
    """Someone expected at a meeting, and whether they came."""

    class Meta:
        name = "MeetingAttendee"

    person = graphene.Field(PersonType, required=True, description="Who.")
    reason = graphene.Field(
        enums.MeetingAttendeeReason,
        required=True,
        description="In the meeting's group (MEMBER) or invited beyond it (INVITEE).",
    )
    role = graphene.Field(
        enums.CohortRole, description="Their role in the cohort for a MEMBER; null for INVITEE."
    )
    attended = graphene.Boolean(
        description="True if recorded present, false if absent or excused; null until the "
        "leader records attendance for them (`meetingRecord`)."
    )
    status = graphene.Field(
        enums.AttendanceStatus, description="The recorded attendance; null until recorded."
    )


def meeting_expected(meeting: Meeting) -> list[MeetingAttendeeType]:
    """Everyone expected at the meeting, from what the list prefetched (no query per meeting):
    the group as it stood when the meeting started (for one to come: as it stands now), then
    the invitees, then anyone else whose attendance was recorded (they joined the group after
    it started). Closed accounts appear only if their attendance was recorded."""
    recorded = {row.person_id: row for row in meeting.attendance.all()}
    roles = GROUP_ROLES[MeetingKind(meeting.kind)]
    starts_at = meeting.starts_at
    members: dict[int, Membership] = {}
    current: dict[int, Membership] = {}
    for membership in cohort_memberships(meeting.cohort):
        if membership.ended_at is None:
            current[membership.person_id] = membership
        if (
            membership.role in roles
            and membership.started_at <= starts_at
            and (membership.ended_at is None or membership.ended_at > starts_at)
        ):
            members.setdefault(membership.person_id, membership)
    rank = {Role.LEADER: 0, Role.BLUE: 1, Role.YELLOW: 2}
    rows = [
        (rank.get(m.role, 3), m.person.full_name, m.person_id, m.person, "MEMBER", m.role)
        for m in members.values()
    ]
    seen = set(members)
    for invitee in meeting.invitees.all():
        if invitee.person_id not in seen:
            seen.add(invitee.person_id)
            rows.append(
                (4, invitee.person.full_name, invitee.person_id, invitee.person, "INVITEE", None)
            )
    for person_id, row in recorded.items():
        if person_id not in seen:
            seen.add(person_id)
            membership = current.get(person_id)
            reason, role = ("MEMBER", membership.role) if membership else ("INVITEE", None)
            rows.append((5, row.person.full_name, person_id, row.person, reason, role))
    rows.sort(key=lambda row: row[:3])
    expected = []
    for _rank, _name, person_id, person, reason, role in rows:
        attendance = recorded.get(person_id)
        if attendance is None and not person.is_active:
            continue
        status = str(attendance.status) if attendance else None
        expected.append(
            MeetingAttendeeType(
                person=person,
                reason=reason,
                role=str(role) if role else None,
                attended=None if status is None else status == AttendanceStatus.PRESENT,
                status=status,
            )
        )
    return expected


class AgendaItemType(DjangoObjectType):
    """One timed item of a meeting's agenda."""

    position = graphene.Int(required=True, description="1 for the first item.")
    title = graphene.String(required=True, description="What happens.")
    minutes = graphene.Int(required=True, description="How long it is planned to take.")
    start_offset_minutes = graphene.Int(
        required=True, description="Minutes from the meeting's start to this item's start."
    )
    when = schedule_field("the item is planned (its meeting's start plus the items before it)")
    facilitator = graphene.Field(PersonType, description="Who leads the item.")
    protocol = graphene.Field(ProtocolType, description="The protocol the item follows, if any.")
    materials = graphene.String(required=True, description="What to bring or prepare.")
    notes = graphene.String(
        description="Notes taken on this item; null unless you are in the meeting's group."
    )

    class Meta:
        model = AgendaItem
        name = "AgendaItem"
        interfaces = (graphene.relay.Node,)
        fields = ("id",)

    @classmethod
    def get_queryset(cls, queryset, info):
        visible = selectors.meetings_visible_to(info.context.user).values("pk")
        return queryset.filter(meeting_id__in=visible)

    @staticmethod
    def resolve_start_offset_minutes(root: AgendaItem, info):
        offset = 0
        for item in _agenda(root.meeting):
            if item.pk == root.pk:
                return offset
            offset += item.minutes
        return offset

    @staticmethod
    def resolve_when(root: AgendaItem, info):
        offset = AgendaItemType.resolve_start_offset_minutes(root, info)
        starts_at = root.meeting.starts_at + timedelta(minutes=offset)
        zone = root.meeting.cohort.school.zone
        return Span(starts_at, starts_at + timedelta(minutes=root.minutes), zone)

    @staticmethod
    def resolve_notes(root: AgendaItem, info):
        return root.notes if _notes_visible(info, root.meeting) else None


class MeetingType(DjangoObjectType):
    """A meeting of a cohort: the group of 5, the group of 13 or another, at its cohort's
    school (whose wall clock `when` shows)."""

    cohort = graphene.Field(
        CohortType, description="The cohort; null for an invitee who is not in it."
    )
    cohort_name = graphene.String(required=True, description="The cohort's name.")
    kind = graphene.Field(enums.MeetingKind, required=True, description="Which group it is for.")
    title = graphene.String(required=True, description="The meeting's title.")
    when = schedule_field("the meeting (at the cohort's school)")
    location = graphene.String(required=True, description="The place; empty if none.")
    video_url = graphene.String(description="The video call link, if any.")
    strict_timing = graphene.Boolean(
        required=True,
        description="When true, an agenda longer than the meeting is refused "
        "(AGENDA_OVERRUNS_MEETING) instead of saved with a warning.",
    )
    status = graphene.Field(enums.MeetingStatus, required=True, description="Where it stands.")
    cancelled_at = graphene.DateTime(description="When it was called off, if it was.")
    agenda = graphene.List(
        graphene.NonNull(AgendaItemType), required=True, description="The agenda, in order."
    )
    agenda_minutes = graphene.Int(required=True, description="The agenda's minutes added up.")
    overrun_minutes = graphene.Int(
        required=True, description="How far the agenda runs past the meeting's end (0 if not)."
    )
    warnings = graphene.List(
        graphene.NonNull(GuidanceMessageType),
        required=True,
        description="Things to fix, e.g. AGENDA_OVERRUNS_MEETING; empty when none.",
    )
    invitees = graphene.List(
        graphene.NonNull(PersonType),
        required=True,
        description="People asked beyond the meeting's group (or, for an OTHER meeting, the "
        "people it is for).",
    )
    attendance = graphene.List(
        graphene.NonNull(AttendanceType), required=True, description="Who came, once recorded."
    )
    expected = graphene.List(
        graphene.NonNull(MeetingAttendeeType),
        required=True,
        description="Everyone expected, with their attendance: the group's members in the "
        "roles the meeting's kind is for (as the group stood when it started; for a meeting "
        "to come, as it stands now), leader first, then blue and yellow dots, then the "
        "invitees, then anyone else whose attendance was recorded.",
    )
    can_see_notes = graphene.Boolean(
        required=True,
        description="True if you are in the meeting's group and so may read its notes.",
    )
    notes = graphene.String(
        description="Notes of the meeting; null unless you are in the meeting's group."
    )
    printable_agenda_url = graphene.String(
        description=url_description(
            "A download link to a printable agenda (HTML with print styles), made for you and "
            "valid for an hour while you may still see the meeting. Evidence for the Building "
            "Skills in Others micro-credential."
        )
    )

    class Meta:
        model = Meeting
        name = "Meeting"
        interfaces = (graphene.relay.Node,)
        fields = ("id",)
        connection_class = CountableConnection

    @classmethod
    def get_queryset(cls, queryset, info):
        return selectors.meetings_visible_to(info.context.user, queryset)

    @staticmethod
    def resolve_cohort(root: Meeting, info):
        cohort = root.cohort
        return cohort if _sees_cohort(info.context.user, cohort, viewer_roles(info)) else None

    @staticmethod
    def resolve_kind(root: Meeting, info):
        return str(root.kind)

    @staticmethod
    def resolve_cohort_name(root: Meeting, info):
        return root.cohort.name

    @staticmethod
    def resolve_when(root: Meeting, info):
        return Span(root.starts_at, root.ends_at, root.cohort.school.zone)

    @staticmethod
    def resolve_video_url(root: Meeting, info):
        return root.video_url or None

    @staticmethod
    def resolve_status(root: Meeting, info):
        if root.cancelled_at is not None:
            return enums.MeetingStatus.CANCELLED
        now = timezone.now()
        if root.starts_at > now:
            return enums.MeetingStatus.UPCOMING
        if root.ends_at > now:
            return enums.MeetingStatus.IN_PROGRESS
        return enums.MeetingStatus.HELD

    @staticmethod
    def resolve_agenda(root: Meeting, info):
        return _agenda(root)

    @staticmethod
    def resolve_agenda_minutes(root: Meeting, info):
        return sum(item.minutes for item in _agenda(root))

    @staticmethod
    def resolve_overrun_minutes(root: Meeting, info):
        return max(0, sum(item.minutes for item in _agenda(root)) - root.duration_minutes)

    @staticmethod
    def resolve_warnings(root: Meeting, info):
        return meeting_warnings(root)

    @staticmethod
    def resolve_invitees(root: Meeting, info):
        return [invitee.person for invitee in root.invitees.all()]

    @staticmethod
    def resolve_attendance(root: Meeting, info):
        return [
            AttendanceType(person=row.person, status=str(row.status), recorded_at=row.recorded_at)
            for row in root.attendance.all()
        ]

    @staticmethod
    def resolve_expected(root: Meeting, info):
        return meeting_expected(root)

    @staticmethod
    def resolve_can_see_notes(root: Meeting, info):
        return _notes_visible(info, root)

    @staticmethod
    def resolve_notes(root: Meeting, info):
        return root.notes if _notes_visible(info, root) else None

    @staticmethod
    def resolve_printable_agenda_url(root: Meeting, info):
        from ...printable import printable_agenda_url

        return printable_agenda_url(
            meeting=root, viewer=info.context.user, request=info.context.request
        )
