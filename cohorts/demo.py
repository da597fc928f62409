"""Demo cohorts: Maple Elementary's full group of 13 with two meetings held and one coming,
and a smaller Harbor Middle School cohort at an earlier stage. Built with the services, as a
leader would through the app."""

from __future__ import annotations

from datetime import date, time, timedelta

from django.utils import timezone

from backend.demo import DemoContext

from .models import AttendanceStatus, BlueYellowLink, Meeting, Membership, Role
from .services.agendas import AgendaItemData, agenda_set
from .services.assignments import yellow_dot_assign
from .services.cohorts import cohort_create
from .services.meetings import AttendanceEntry, meeting_create, meeting_record
from .services.memberships import membership_add
from .services.protocols import StepData, protocol_create


def school_year_of(day: date) -> str:
    first = day.year if day.month >= 8 else day.year - 1
    return f"{first}-{first + 1}"


def _backdate(cohort, since) -> None:
    """The demo cohort formed weeks ago, so its history reads naturally."""
    Membership.objects.filter(cohort=cohort).update(started_at=since)
    BlueYellowLink.objects.filter(cohort=cohort).update(started_at=since)


def _facilitate(meeting: Meeting, leader, facilitators: dict[int, object]) -> None:
    """Give agenda items (by position) their facilitators, through the agenda service."""
    items = [
        AgendaItemData(
            id=item.pk,
            title=item.title,
            minutes=item.minutes,
            facilitator=facilitators.get(item.position, item.facilitator),
            protocol=item.protocol,
            materials=item.materials,
            notes=None,
        )
        for item in meeting.agenda_items.select_related("facilitator", "protocol")
    ]
    agenda_set(actor=leader, meeting=meeting, items=items)


def load(context: DemoContext) -> None:
    maple, harbor = context.schools[0], context.schools[1]
    leader, peers = context.leader, context.peers
    today = timezone.now().astimezone(maple.zone).date()
    year = school_year_of(today)

    # --- Maple: the programme's full shape, 1 + 4 + 8 ------------------------------------
    cohort = cohort_create(
        actor=leader, school=maple, name="Maple Learning Group", school_year=year
    )
    blues = [
        membership_add(actor=leader, cohort=cohort, person=person, role=Role.BLUE)
        for person in peers[:4]
    ]
    for index, person in enumerate(peers[4:12]):
        membership_add(
            actor=leader, cohort=cohort, person=person, role=Role.YELLOW, blue=blues[index // 2]
        )
    _backdate(cohort, timezone.now() - timedelta(weeks=8))

    protocol_create(
        actor=leader,
        school=maple,
        name="Maple data walk",
        purpose="A quick look at the tallies from this round of visits before planning the next.",
        steps=[
            StepData("Post the data collected at each visit", 5),
            StepData("Silent gallery walk: what do you notice?", 10),
            StepData("Patterns across classrooms", 10),
            StepData("What we want to look for next round", 5),
        ],
    )

    blue_group = meeting_create(
        actor=leader,
        cohort=cohort,
        kind="BLUE_GROUP",
        local_date=today - timedelta(days=35),
        local_time=time(15, 30),
        duration_minutes=75,
        location="Library",
        template_key="group-of-5-launch",
    )
    _facilitate(blue_group, leader, {1: leader, 2: leader, 3: leader, 4: peers[0]})
    meeting_record(
        actor=leader,
        meeting=blue_group,
        notes="Agreed norms: the visit is about students, not the teacher; data stays with the "
        "host. Each blue dot drafted a Student Learning Question. Leader visits start next week.",
        attendance=[
            AttendanceEntry(leader, AttendanceStatus.PRESENT),
            *(AttendanceEntry(p, AttendanceStatus.PRESENT) for p in peers[:3]),
            AttendanceEntry(peers[3], AttendanceStatus.EXCUSED),
        ],
    )

    whole_group = meeting_create(
        actor=leader,
        cohort=cohort,
        kind="WHOLE_GROUP",
        local_date=today - timedelta(days=14),
        local_time=time(15, 30),
        duration_minutes=90,
        location="Room 12",
        video_url="https://meet.example.org/maple-learning-group",
        template_key="group-of-13-launch",
    )
    _facilitate(whole_group, leader, {1: leader, 2: peers[1], 3: leader, 4: peers[2]})
    meeting_record(
        actor=leader,
        meeting=whole_group,
        notes="Blue dots introduced themselves to their yellow dots and booked first visits. "
        "Baseline culture survey taken by 11 of 12.",
        attendance=[
            AttendanceEntry(leader, AttendanceStatus.PRESENT),
            *(AttendanceEntry(p, AttendanceStatus.PRESENT) for p in peers if p != peers[9]),
            AttendanceEntry(peers[9], AttendanceStatus.ABSENT),
        ],
    )

    upcoming = meeting_create(
        actor=leader,
        cohort=cohort,
        kind="BLUE_GROUP",
        local_date=today + timedelta(days=6),
        local_time=time(15, 30),
        duration_minutes=75,
        location="Library",
        copy_from=None,
        template_key="group-of-5-reflection-practice",
    )
    _facilitate(upcoming, leader, {1: leader, 2: peers[0], 3: peers[1], 4: leader})

    # --- Harbor: a smaller cohort, still forming ---------------------------------------
    harbor_leader, *harbor_teachers = context.other_school_teachers
    harbor_today = timezone.now().astimezone(harbor.zone).date()
    harbor_cohort = cohort_create(
        actor=harbor_leader,
        school=harbor,
        name="Harbor Peer Circle",
        school_year=school_year_of(harbor_today),
    )
    harbor_blues = [
        membership_add(actor=harbor_leader, cohort=harbor_cohort, person=person, role=Role.BLUE)
        for person in harbor_teachers[:2]
    ]
    harbor_yellows = [
        membership_add(actor=harbor_leader, cohort=harbor_cohort, person=person, role=Role.YELLOW)
        for person in harbor_teachers[2:5]
    ]
    for yellow in harbor_yellows[:2]:
        yellow_dot_assign(actor=harbor_leader, yellow=yellow, blue=harbor_blues[0])
    harbor_meeting = meeting_create(
        actor=harbor_leader,
        cohort=harbor_cohort,
        kind="BLUE_GROUP",
        title="Getting started",
        local_date=harbor_today + timedelta(days=3),
        local_time=time(14, 45),
        duration_minutes=45,
        location="Room 204",
    )

    context.extra["maple_cohort"] = cohort
    context.extra["maple_meetings"] = [blue_group, whole_group, upcoming]
    context.extra["harbor_cohort"] = harbor_cohort
    context.extra["harbor_meetings"] = [harbor_meeting]
