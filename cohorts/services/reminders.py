"""Reminders written to the notifications outbox inside the change that causes them.

Keys: `meeting:<id>:tomorrow:<user id>` (one per person per meeting, moved on reschedule) and
`cohort:<id>:membership:<membership id>` (you joined / your role changed). Quiet hours and
delivery are the notification worker's job.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from graphql_relay import to_global_id

from notifications import outbox
from notifications.models import Kind

from ..models import Meeting, MeetingKind, Membership, Role
from ..selectors import meeting_audience

REMINDER_LEAD = timedelta(hours=24)
# A phone shows the first lines of a push; the inbox and the meeting page have the rest.
AGENDA_ITEMS_IN_REMINDER = 6

ROLE_SENTENCES = {
    Role.LEADER: "You lead this cohort.",
    Role.BLUE: "You are a blue dot: your leader visits you, and you visit yellow dots.",
    Role.YELLOW: "You are a yellow dot: a blue dot will visit your classroom.",
}


def local_when(meeting: Meeting) -> str:
    """'Tuesday 3 March, 3:30 PM' in the school's time zone."""
    local = meeting.starts_at.astimezone(meeting.cohort.school.zone)
    hour = local.hour % 12 or 12
    return (
        f"{local:%A} {local.day} {local:%B}, {hour}:{local:%M} {'AM' if local.hour < 12 else 'PM'}"
    )


def agenda_summary(meeting: Meeting) -> str:
    """'Agenda: Norms (10 min); Student Learning Reflection (45 min); +2 more.' or ''."""
    items = list(meeting.agenda_items.order_by("position", "id").values_list("title", "minutes"))
    if not items:
        return ""
    shown = "; ".join(
        f"{title} ({minutes} min)" for title, minutes in items[:AGENDA_ITEMS_IN_REMINDER]
    )
    more = len(items) - AGENDA_ITEMS_IN_REMINDER
    return f"Agenda: {shown}" + (f"; +{more} more." if more > 0 else ".")


def meeting_reminders_sync(meeting: Meeting, *, now=None) -> int:
    """Make the pending reminders match the meeting: withdraw all, then (re)schedule one per
    person in its audience, 24 hours before it starts, with the agenda in the body. Call it
    whenever the time, place, audience or agenda changes. Returns how many are scheduled.

    Scheduling a key again revives and moves it, so a reschedule never writes twice. A meeting
    less than 24 hours away gets no "tomorrow" reminder (the app shows it live)."""
    now = now or timezone.now()
    outbox.cancel(key_prefix=f"meeting:{meeting.pk}:")
    due_at = meeting.starts_at - REMINDER_LEAD
    if meeting.is_cancelled or due_at <= now:
        return 0
    place = meeting.location or ("Video call" if meeting.video_url else "")
    body = f"{local_when(meeting)} ({meeting.duration_minutes} min)"
    if place:
        body += f", {place}"
    label = MeetingKind(meeting.kind).label
    body = f"{body}. {label}."
    agenda = agenda_summary(meeting)
    if agenda:
        body = f"{body} {agenda}"
    audience = meeting_audience(meeting)
    for person in audience:
        outbox.schedule(
            recipient=person,
            kind=Kind.MEETING_TOMORROW,
            key=f"meeting:{meeting.pk}:tomorrow:{person.pk}",
            due_at=due_at,
            title=f"Tomorrow: {meeting.title}",
            body=body,
            target_type="Meeting",
            target_id=to_global_id("Meeting", meeting.pk),
        )
    return len(audience)


def cohort_reminders_sync(cohort_id: int, *, now=None) -> None:
    """After the membership changes, the audience of upcoming meetings changes too."""
    now = now or timezone.now()
    upcoming = Meeting.objects.filter(
        cohort_id=cohort_id, cancelled_at__isnull=True, starts_at__gt=now
    ).select_related("cohort__school")
    for meeting in upcoming:
        meeting_reminders_sync(meeting, now=now)


def member_notify(membership: Membership, *, headline: str) -> None:
    """Tell a person, on their phone, that they joined a cohort or their role changed."""
    cohort = membership.cohort
    outbox.schedule(
        recipient=membership.person,
        kind=Kind.COHORT_CHANGED,
        key=f"cohort:{cohort.pk}:membership:{membership.pk}",
        due_at=None,
        title=f"{headline}: {cohort.name}"[:200],
        body=ROLE_SENTENCES[Role(membership.role)],
        target_type="Cohort",
        target_id=to_global_id("Cohort", cohort.pk),
    )
