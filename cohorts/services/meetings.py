"""Planning meetings: when (the school's local time in, UTC stored), where, who, and afterwards
who came and what was said."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from graphql_relay import to_global_id

from backend import local_time as clock
from backend.accounts import scope
from cohorts.errors import CohortError
from notifications import outbox
from notifications.services.inbox import notify_invited

from ..models import (
    MAX_MEETING_MINUTES,
    Attendance,
    AttendanceStatus,
    Cohort,
    Meeting,
    MeetingInvitee,
    MeetingKind,
)
from .common import (
    ensure_can_change,
    ensure_not_cancelled,
    field_error,
    meeting_roster,
    refused_as_typed_errors,
)
from .events import cohort_changed
from .reminders import local_when, meeting_reminders_sync

MIN_MEETING_MINUTES = 5
# Meetings are planned (or recorded) within a few years of today; this also keeps date
# arithmetic far from the calendar's ends.
DATE_WINDOW = timedelta(days=5 * 366)
MAX_INVITEES = 50
DEFAULT_TITLES = {
    MeetingKind.BLUE_GROUP: "Group of 5",
    MeetingKind.WHOLE_GROUP: "Group of 13",
}


def local_to_utc(
    local_date: date, local_time: time, zone, *, field: str = "when.startTime"
) -> datetime:
    """The UTC instant of a wall-clock time at the school. A time skipped by a daylight-saving
    change is refused; a repeated one means its first occurrence."""
    today = timezone.now().astimezone(zone).date()
    if abs(local_date - today) > DATE_WINDOW:
        raise field_error("when.date", "Choose a date within five years of today.", "INVALID")
    try:
        return clock.local_to_utc(local_date, local_time, zone)
    except clock.NonexistentLocalTime as exc:
        raise field_error(
            field,
            f"{local_time:%H:%M} does not exist on {local_date:%d %B %Y} in {zone.key}: "
            "the clocks change that night.",
            "INVALID_TIME",
        ) from exc


def _clean_kind(kind: str) -> MeetingKind:
    try:
        return MeetingKind(kind)
    except ValueError as exc:
        raise field_error(
            "kind", "Choose the group of 5, the group of 13 or other.", "INVALID"
        ) from exc


def _clean_title(title: str | None, kind: MeetingKind) -> str:
    title = (title or "").strip() or DEFAULT_TITLES.get(kind, "")
    if not title:
        raise field_error("title", "Give the meeting a title.", "REQUIRED")
    if len(title) > 200:
        raise field_error("title", "Keep the title under 200 characters.", "INVALID")
    return title


def _clean_duration(minutes: int) -> int:
    if minutes is None or not MIN_MEETING_MINUTES <= minutes <= MAX_MEETING_MINUTES:
        raise field_error(
            "when.minutes",
            f"A meeting lasts {MIN_MEETING_MINUTES} to {MAX_MEETING_MINUTES} minutes.",
            "INVALID",
        )
    return minutes


def _clean_place(location: str | None, video_url: str | None) -> tuple[str, str]:
    location = (location or "").strip()
    video_url = (video_url or "").strip()
    if len(location) > 200:
        raise field_error("location", "Keep the place under 200 characters.", "INVALID")
    if video_url:
        try:
            URLValidator(schemes=["https", "http"])(video_url)
        except ValidationError as exc:
            raise field_error(
                "videoUrl", "Enter the full link, starting https://", "INVALID"
            ) from exc
        if len(video_url) > 500:
            raise field_error("videoUrl", "This link is too long.", "INVALID")
    return location, video_url


def _clean_invitees(cohort: Cohort, invitees) -> list:
    people = list({person.pk: person for person in invitees}.values())
    if len(people) > MAX_INVITEES:
        raise field_error("inviteeIds", f"Invite at most {MAX_INVITEES} people.", "INVALID")
    school = cohort.school
    for person in people:
        # Invitees come from the school or the district (a coach, a coordinator): no one else.
        if not person.is_active or not scope.belongs_at(person, school):
            raise field_error(
                "inviteeIds", f"{person.full_name} cannot be invited here.", "NOT_IN_SCHOOL"
            )
    return people


def _set_invitees(meeting: Meeting, people: list, *, actor) -> None:
    wanted = {person.pk for person in people}
    existing = set(meeting.invitees.values_list("person_id", flat=True))
    meeting.invitees.exclude(person_id__in=wanted).delete()
    for person_id in existing - wanted:
        outbox.cancel(key_prefix=invitation_key(meeting, person_id))
    added = [person for person in people if person.pk not in existing]
    with refused_as_typed_errors():
        MeetingInvitee.objects.bulk_create(
            MeetingInvitee(meeting=meeting, person=person) for person in added
        )
    if meeting.starts_at > timezone.now():
        for person in added:
            notify_invited(
                recipient=person,
                inviter=actor,
                invited_to=f"{meeting.title}, {local_when(meeting)}",
                key=invitation_key(meeting, person.pk),
                target_type="Meeting",
                target_id=to_global_id("Meeting", meeting.pk),
            )


def invitation_key(meeting: Meeting, person_id: int) -> str:
    # Not under "meeting:<id>:", which meeting_reminders_sync withdraws on every change.
    return f"invitation:meeting:{meeting.pk}:user:{person_id}"


@transaction.atomic
def meeting_create(
    *,
    actor,
    cohort: Cohort,
    kind: str,
    local_date: date,
    local_time: time,
    duration_minutes: int,
    title: str | None = None,
    location: str | None = "",
    video_url: str | None = "",
    strict_timing: bool = False,
    invitees=(),
    template_key: str | None = None,
    copy_from: Meeting | None = None,
) -> Meeting:
    """Plan a meeting; its agenda may start from a template or a previous meeting's agenda.
    Past dates are allowed so a leader can record a meeting held before using the app."""
    from .agendas import agenda_items_copy, agenda_items_from_template, ensure_fits

    ensure_can_change(actor, cohort)
    kind = _clean_kind(kind)
    title = _clean_title(title, kind)
    duration_minutes = _clean_duration(duration_minutes)
    location, video_url = _clean_place(location, video_url)
    people = _clean_invitees(cohort, invitees)
    if template_key and copy_from is not None:
        raise field_error(
            "templateKey", "Start from a template or a previous meeting, not both.", "INVALID"
        )
    meeting = Meeting.objects.create(
        cohort=cohort,
        kind=kind,
        title=title,
        starts_at=local_to_utc(local_date, local_time, cohort.school.zone),
        duration_minutes=duration_minutes,
        location=location,
        video_url=video_url,
        strict_timing=strict_timing,
        created_by=actor,
    )
    _set_invitees(meeting, people, actor=actor)
    if template_key:
        agenda_items_from_template(meeting, template_key, field="templateKey")
    elif copy_from is not None:
        agenda_items_copy(meeting, copy_from)
    ensure_fits(meeting, field="when.minutes")
    meeting_reminders_sync(meeting)
    cohort_changed(cohort.pk, "MEETING_SCHEDULED", meeting_id=meeting.pk)
    return meeting


@transaction.atomic
def meeting_update(
    *,
    actor,
    meeting: Meeting,
    kind: str | None = None,
    title: str | None = None,
    local_date: date | None = None,
    local_time: time | None = None,
    duration_minutes: int | None = None,
    location: str | None = None,
    video_url: str | None = None,
    strict_timing: bool | None = None,
    invitees=None,
) -> Meeting:
    """Change what was given (null leaves a field as it is). Moving the meeting moves its
    reminders; a date alone keeps the local time and a time alone keeps the date."""
    from .agendas import ensure_fits

    cohort = meeting.cohort
    ensure_can_change(actor, cohort)
    ensure_not_cancelled(meeting)
    moved = False
    if kind is not None:
        meeting.kind = _clean_kind(kind)
    if title is not None:
        meeting.title = _clean_title(title, MeetingKind(meeting.kind))
    if local_date is not None or local_time is not None:
        zone = cohort.school.zone
        local = meeting.starts_at.astimezone(zone)
        starts_at = local_to_utc(local_date or local.date(), local_time or local.time(), zone)
        moved = starts_at != meeting.starts_at
        meeting.starts_at = starts_at
    if duration_minutes is not None:
        meeting.duration_minutes = _clean_duration(duration_minutes)
    if location is not None or video_url is not None:
        meeting.location, meeting.video_url = _clean_place(
            meeting.location if location is None else location,
            meeting.video_url if video_url is None else video_url,
        )
    if strict_timing is not None:
        meeting.strict_timing = strict_timing
    meeting.save()
    if invitees is not None:
        _set_invitees(meeting, _clean_invitees(cohort, invitees), actor=actor)
    ensure_fits(meeting, field="when.minutes")
    meeting_reminders_sync(meeting)
    cohort_changed(
        cohort.pk, "MEETING_RESCHEDULED" if moved else "MEETING_UPDATED", meeting_id=meeting.pk
    )
    return meeting


@transaction.atomic
def meeting_cancel(*, actor, meeting: Meeting) -> Meeting:
    """Call a meeting off: it stays in the list as cancelled, its reminders are withdrawn."""
    ensure_can_change(actor, meeting.cohort)
    if meeting.is_cancelled:
        return meeting
    meeting.cancelled_at = timezone.now()
    meeting.save(update_fields=["cancelled_at", "updated_at"])
    meeting_reminders_sync(meeting)
    outbox.cancel(key_prefix=f"invitation:meeting:{meeting.pk}:")
    cohort_changed(meeting.cohort_id, "MEETING_CANCELLED", meeting_id=meeting.pk)
    return meeting


@dataclass(frozen=True)
class AttendanceEntry:
    person: object
    status: str


@transaction.atomic
def meeting_record(
    *, actor, meeting: Meeting, notes: str | None = None, attendance: list | None = None
) -> Meeting:
    """After the meeting: who came (present, absent, excused) and the meeting's notes. Only
    people the meeting was for can be marked; entries not given are left as they were."""
    ensure_can_change(actor, meeting.cohort)
    ensure_not_cancelled(meeting)
    if notes is not None:
        if len(notes) > 20000:
            raise field_error("notes", "Notes are limited to 20,000 characters.", "INVALID")
        meeting.notes = notes.strip()
        meeting.save(update_fields=["notes", "updated_at"])
    if attendance:
        now = timezone.now()
        if meeting.starts_at > now:
            raise field_error(
                "attendance",
                "Attendance is recorded once the meeting has started.",
                "MEETING_NOT_STARTED",
            )
        roster = meeting_roster(meeting)
        errors = {}
        for index, entry in enumerate(attendance):
            if entry.person.pk not in roster:
                errors[f"attendance.{index}.personId"] = ValidationError(
                    f"{entry.person.full_name} is not in this meeting's group or invited.",
                    code=CohortError.NOT_A_MEMBER,
                )
            elif entry.status not in AttendanceStatus.values:
                errors[f"attendance.{index}.status"] = ValidationError(
                    "Choose present, absent or excused.", code=CohortError.INVALID
                )
        if errors:
            raise ValidationError(errors)
        with refused_as_typed_errors():
            for entry in attendance:
                Attendance.objects.update_or_create(
                    meeting=meeting,
                    person=entry.person,
                    defaults={"status": entry.status, "recorded_by": actor, "recorded_at": now},
                )
    cohort_changed(meeting.cohort_id, "MEETING_RECORDED", meeting_id=meeting.pk)
    return meeting
