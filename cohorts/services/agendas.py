"""A meeting's agenda: ordered, timed items with a facilitator, a protocol and materials.

An agenda longer than its meeting is saved with a warning (the app shows it); a meeting with
strict timing refuses it with AGENDA_OVERRUNS_MEETING instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from backend.accounts.models import User
from cohorts.errors import CohortError

from ..guidance import GuidanceMessage, agenda_overrun_message
from ..models import MAX_MEETING_MINUTES, AgendaItem, Meeting, Protocol
from ..protocol_library import get_agenda_template
from .common import ensure_can_change, ensure_not_cancelled, field_error, meeting_roster
from .events import cohort_changed
from .reminders import meeting_reminders_sync

MAX_AGENDA_ITEMS = 40


@dataclass
class AgendaItemData:
    """One item as the leader sent it: its whole state, except that notes left out (None) keep
    what the item had. Minutes left out default to the protocol's total."""

    title: str
    id: int | None = None
    minutes: int | None = None
    facilitator: User | None = None
    protocol: Protocol | None = None
    materials: str = ""
    notes: str | None = None


def agenda_minutes(meeting: Meeting) -> int:
    items = getattr(meeting, "_prefetched_objects_cache", {}).get("agenda_items")
    if items is None:
        items = meeting.agenda_items.all()
    return sum(item.minutes for item in items)


def meeting_warnings(meeting: Meeting) -> list[GuidanceMessage]:
    overrun = agenda_overrun_message(
        agenda_minutes=agenda_minutes(meeting), duration_minutes=meeting.duration_minutes
    )
    return [overrun] if overrun else []


def ensure_fits(meeting: Meeting, *, field: str = "items") -> None:
    """With strict timing, an agenda longer than the meeting is refused."""
    if not meeting.strict_timing:
        return
    overrun = agenda_overrun_message(
        agenda_minutes=sum(meeting.agenda_items.values_list("minutes", flat=True)),
        duration_minutes=meeting.duration_minutes,
    )
    if overrun:
        raise field_error(field, overrun.message, "AGENDA_OVERRUNS_MEETING")


def _protocol_available(meeting: Meeting, protocol: Protocol) -> bool:
    return protocol.school_id is None or protocol.school_id == meeting.cohort.school_id


@transaction.atomic
def agenda_set(*, actor, meeting: Meeting, items: list[AgendaItemData]) -> Meeting:
    """Save the whole agenda in the order given: items with an id are kept and updated, items
    without are added, items left out are removed."""
    ensure_can_change(actor, meeting.cohort)
    ensure_not_cancelled(meeting)
    if len(items) > MAX_AGENDA_ITEMS:
        raise field_error("items", f"An agenda holds at most {MAX_AGENDA_ITEMS} items.", "INVALID")
    existing = {item.pk: item for item in meeting.agenda_items.all()}
    roster = meeting_roster(meeting)
    errors: dict[str, ValidationError] = {}
    seen: set[int] = set()

    def refuse(index: int, field: str, message: str, code: str) -> None:
        errors.setdefault(f"items.{index}.{field}", ValidationError(message, code=code))

    for index, data in enumerate(items):
        if data.id is not None:
            if data.id not in existing or data.id in seen:
                refuse(
                    index, "id", "This item is not on this meeting's agenda.", CohortError.NOT_FOUND
                )
            seen.add(data.id)
        title = (data.title or "").strip()
        if not title:
            refuse(index, "title", "Give the item a title.", CohortError.REQUIRED)
        elif len(title) > 200:
            refuse(index, "title", "Keep the title under 200 characters.", CohortError.INVALID)
        if data.minutes is None and data.protocol is None:
            refuse(index, "minutes", "How many minutes does this item take?", CohortError.REQUIRED)
        elif data.minutes is not None and not 0 <= data.minutes <= MAX_MEETING_MINUTES:
            refuse(
                index, "minutes", f"Choose 0 to {MAX_MEETING_MINUTES} minutes.", CohortError.INVALID
            )
        if data.facilitator is not None and data.facilitator.pk not in roster:
            refuse(
                index,
                "facilitatorId",
                f"{data.facilitator.full_name} is not in this meeting's group or invited.",
                CohortError.NOT_A_MEMBER,
            )
        if data.protocol is not None and not _protocol_available(meeting, data.protocol):
            refuse(
                index,
                "protocolId",
                "This protocol belongs to another school.",
                CohortError.NOT_FOUND,
            )
        for field, value, limit in (
            ("materials", data.materials, 2000),
            ("notes", data.notes, 5000),
        ):
            if value is not None and len(value) > limit:
                refuse(index, field, f"Keep this under {limit} characters.", CohortError.INVALID)
    if errors:
        raise ValidationError(errors)

    keep: list[AgendaItem] = []
    for position, data in enumerate(items, start=1):
        item = existing[data.id] if data.id is not None else AgendaItem(meeting=meeting)
        item.position = position
        item.title = data.title.strip()
        item.protocol = data.protocol
        if data.minutes is not None:
            item.minutes = data.minutes
        else:
            assert data.protocol is not None  # refused above: no minutes and no protocol
            item.minutes = sum(data.protocol.steps.values_list("minutes", flat=True))
        item.facilitator = data.facilitator
        item.materials = (data.materials or "").strip()
        if data.notes is not None:
            item.notes = data.notes.strip()
        keep.append(item)
    kept_ids = {item.pk for item in keep if item.pk is not None}
    meeting.agenda_items.exclude(pk__in=kept_ids).delete()
    for item in keep:
        item.save()
    ensure_fits(meeting)
    meeting_reminders_sync(meeting)
    cohort_changed(meeting.cohort_id, "AGENDA_CHANGED", meeting_id=meeting.pk)
    return meeting


def agenda_items_from_template(meeting: Meeting, template_key: str, *, field: str) -> None:
    template = get_agenda_template(template_key or "")
    if template is None:
        raise field_error(field, "There is no agenda template with this key.", "NOT_FOUND")
    protocols = {
        protocol.key: protocol
        for protocol in Protocol.objects.filter(
            school__isnull=True, key__in=[item.protocol_key for item in template.items]
        )
    }
    meeting.agenda_items.all().delete()
    AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=meeting,
            position=position,
            title=item.title,
            minutes=item.minutes,
            protocol=protocols.get(item.protocol_key),
            materials=item.materials,
        )
        for position, item in enumerate(template.items, start=1)
    )


def agenda_items_copy(meeting: Meeting, source: Meeting) -> None:
    """Copy titles, timings, protocols and materials; facilitators only if they are part of
    the new meeting; never the notes (they belong to the meeting they were taken in)."""
    roster = meeting_roster(meeting)
    items = list(source.agenda_items.all())
    meeting.agenda_items.all().delete()
    AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=meeting,
            position=position,
            title=item.title,
            minutes=item.minutes,
            protocol=item.protocol
            if item.protocol is None or _protocol_available(meeting, item.protocol)
            else None,
            facilitator_id=item.facilitator_id if item.facilitator_id in roster else None,
            materials=item.materials,
        )
        for position, item in enumerate(items, start=1)
    )


@transaction.atomic
def agenda_apply_template(*, actor, meeting: Meeting, template_key: str) -> Meeting:
    """Replace the agenda with a template's items."""
    ensure_can_change(actor, meeting.cohort)
    ensure_not_cancelled(meeting)
    agenda_items_from_template(meeting, template_key, field="templateKey")
    ensure_fits(meeting, field="templateKey")
    meeting_reminders_sync(meeting)
    cohort_changed(meeting.cohort_id, "AGENDA_CHANGED", meeting_id=meeting.pk)
    return meeting


@transaction.atomic
def agenda_copy(*, actor, meeting: Meeting, source: Meeting) -> Meeting:
    """Replace the agenda with a copy of another meeting's."""
    ensure_can_change(actor, meeting.cohort)
    ensure_not_cancelled(meeting)
    if source.pk == meeting.pk:
        raise field_error("fromMeetingId", "Choose another meeting to copy from.", "INVALID")
    agenda_items_copy(meeting, source)
    ensure_fits(meeting, field="fromMeetingId")
    meeting_reminders_sync(meeting)
    cohort_changed(meeting.cohort_id, "AGENDA_CHANGED", meeting_id=meeting.pk)
    return meeting
