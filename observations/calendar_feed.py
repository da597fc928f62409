"""The iCalendar text of a person's private feed: their visits and the meetings they are in.

What a phone's calendar gets, and why:
- a visit the person hosts or visits, and a cohort meeting whose audience includes them (the
  same people as `cohorts.selectors.meeting_audience`: the meeting's group and its invitees),
  from `PAST` ago to `FUTURE` ahead;
- times in the school's zone (`DTSTART;TZID=America/Chicago:...`) with a VTIMEZONE for every
  zone used, so the event stays at 09:00 local on both sides of a DST change;
- UIDs stable per visit or meeting, SEQUENCE from the visit's revision (the meeting's last
  change), DTSTAMP the last change: the text only changes when something did, so the view's
  ETag spares phones a download;
- a proposed visit is TENTATIVE; a declined or cancelled visit, or a cancelled meeting, stays
  in the feed as STATUS:CANCELLED (and says so in its title), so a calendar that imported the
  event drops it rather than keeping a stale copy;
- names, times, rooms: never observation content (no SLQ, notes, reasons, data, agenda or
  meeting notes). Calendars sync to other companies' clouds and show on lock screens.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q
from icalendar import Calendar, Event, vDuration

from cohorts.models import GROUP_ROLES, Meeting, MeetingInvitee, MeetingKind
from cohorts.selectors import viewer_roles_by_cohort

from . import selectors
from .models import Visit, VisitParticipant, VisitRole, VisitStatus

PAST = timedelta(days=90)
FUTURE = timedelta(days=400)
REFRESH = timedelta(hours=1)
PRODID = "-//Peer Observation//Visits and meetings//EN"
UID_DOMAIN = "peer-observation"
CALENDAR_NAME = "Peer observation"
# Meetings have no revision; seconds since this moment of their last change stand in for one.
_SEQUENCE_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)

_VISIT_STATUS = {
    VisitStatus.PROPOSED: "TENTATIVE",
    VisitStatus.ACCEPTED: "CONFIRMED",
    VisitStatus.COMPLETED: "CONFIRMED",
    VisitStatus.DECLINED: "CANCELLED",
    VisitStatus.CANCELLED: "CANCELLED",
}
_VISIT_TITLE_PREFIX = {
    VisitStatus.PROPOSED: "Proposed: ",
    VisitStatus.DECLINED: "Declined: ",
    VisitStatus.CANCELLED: "Cancelled: ",
}


def feed_visits(person, *, start: datetime, end: datetime) -> list[Visit]:
    """The person's visits (host or visitor, any status) starting in [start, end)."""
    return list(
        selectors.visits_of_person(person)
        .filter(starts_at__gte=start, starts_at__lt=end)
        .select_related("school")
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=VisitParticipant.objects.select_related("person").order_by("role", "id"),
            )
        )
    )


def feed_meetings(person, *, start: datetime, end: datetime) -> list[Meeting]:
    """Meetings starting in [start, end) whose audience includes the person, cancelled ones
    too: invited, or a current member in a role the meeting's kind gathers."""
    roles = viewer_roles_by_cohort(person)
    scope = Q(Exists(MeetingInvitee.objects.filter(meeting=OuterRef("pk"), person=person)))
    for kind, kind_roles in GROUP_ROLES.items():
        cohort_ids = [cohort_id for cohort_id, role in roles.items() if role in kind_roles]
        if cohort_ids:
            scope |= Q(kind=kind, cohort_id__in=cohort_ids)
    return list(
        Meeting.objects.filter(scope, starts_at__gte=start, starts_at__lt=end)
        .select_related("cohort__school")
        .order_by("starts_at", "id")
    )


def _names(people) -> str:
    names = [person.full_name for person in people]
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def visit_title(visit: Visit, person) -> str:
    """Who and what, from the person's side: never the question or notes."""
    participants = list(visit.participants.all())
    host = next(p.person for p in participants if p.role == VisitRole.HOST)
    visitors = [p.person for p in participants if p.role == VisitRole.VISITOR]
    if host.pk == person.pk:
        text = f"Classroom visit by {_names(visitors)}"
    else:
        others = [v for v in visitors if v.pk != person.pk]
        text = f"Classroom visit to {host.full_name}"
        if others:
            text += f" with {_names(others)}"
    return _VISIT_TITLE_PREFIX.get(visit.status, "") + text


def _visit_event(visit: Visit, person) -> Event:
    zone = visit.school.zone
    event = Event()
    event.add("uid", f"visit-{visit.pk}@{UID_DOMAIN}")
    event.add("dtstamp", visit.updated_at.astimezone(UTC))
    event.add("created", visit.created_at.astimezone(UTC))
    event.add("last-modified", visit.updated_at.astimezone(UTC))
    event.add("sequence", visit.revision)
    event.add("dtstart", visit.starts_at.astimezone(zone))
    event.add("dtend", visit.ends_at.astimezone(zone))
    event.add("summary", visit_title(visit, person))
    event.add(
        "description",
        f"Peer observation, cycle {visit.cycle_number}. The plan and the data are in the app.",
    )
    event.add("location", ", ".join(part for part in (visit.room, visit.school.name) if part))
    event.add("status", _VISIT_STATUS[VisitStatus(visit.status)])
    return event


def _meeting_sequence(meeting: Meeting) -> int:
    return max(0, int((meeting.updated_at - _SEQUENCE_EPOCH).total_seconds()))


def _meeting_event(meeting: Meeting) -> Event:
    zone = meeting.cohort.school.zone
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@{UID_DOMAIN}")
    event.add("dtstamp", meeting.updated_at.astimezone(UTC))
    event.add("created", meeting.created_at.astimezone(UTC))
    event.add("last-modified", meeting.updated_at.astimezone(UTC))
    event.add("sequence", _meeting_sequence(meeting))
    event.add("dtstart", meeting.starts_at.astimezone(zone))
    event.add("dtend", meeting.ends_at.astimezone(zone))
    prefix = "Cancelled: " if meeting.is_cancelled else ""
    event.add("summary", prefix + meeting.title)
    event.add("description", f"{MeetingKind(meeting.kind).label}, {meeting.cohort.name}.")
    if meeting.location:
        event.add("location", meeting.location)
    elif meeting.video_url:
        event.add("location", "Video call")
    if meeting.video_url:
        event.add("url", meeting.video_url)
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    return event


def render_feed(person, *, now: datetime) -> bytes:
    """The feed as iCalendar bytes (UTF-8, CRLF lines)."""
    start, end = now - PAST, now + FUTURE
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", CALENDAR_NAME)
    calendar.add("x-wr-caldesc", "Your classroom visits and cohort meetings.")
    if person.school_id:
        calendar.add("x-wr-timezone", person.school.time_zone)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    for visit in feed_visits(person, start=start, end=end):
        calendar.add_component(_visit_event(visit, person))
    for meeting in feed_meetings(person, start=start, end=end):
        calendar.add_component(_meeting_event(meeting))
    # Zone definitions covering the feed's window with a margin (not 1970-2038: shorter).
    calendar.add_missing_timezones(
        first_date=(start - timedelta(days=366)).date(),
        last_date=(end + timedelta(days=366)).date(),
    )
    return calendar.to_ical()
