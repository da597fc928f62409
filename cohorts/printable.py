"""The printable agenda: a clean HTML document with print styles, reached by a signed link.

The link's token (`LinkKind.PRINTABLE_AGENDA`, see `backend.signed_links`) carries the meeting
and the person it was made for, encrypted and valid for an hour, so a phone can hand it to a
browser or a print dialog without a bearer token. The view checks again, when the link is
opened, that the person may still see the meeting; notes appear only for the meeting's group,
as in the API.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from backend.signed_links import LinkKind, LinkNotFound, open_token, seal

from .guidance import agenda_overrun_message
from .models import Meeting, MeetingKind
from .selectors import is_in_meeting_group, meetings_visible_to, viewer_roles_by_cohort

logger = logging.getLogger(__name__)

LINK_LIFETIME = timedelta(hours=1)


def agenda_token(*, meeting: Meeting, viewer) -> str:
    return seal(
        LinkKind.PRINTABLE_AGENDA,
        [meeting.pk, viewer.pk],
        expires_at=timezone.now() + LINK_LIFETIME,
    )


def read_agenda_token(token: str) -> tuple[int, int]:
    """(meeting id, person id). Raises signed_links.LinkNotFound or LinkExpired."""
    payload = open_token(LinkKind.PRINTABLE_AGENDA, token).payload
    try:
        meeting_id, person_id = payload
        return int(meeting_id), int(person_id)
    except (TypeError, ValueError) as exc:  # sealed by us, so only after a change of format
        raise LinkNotFound from exc


def printable_agenda_url(*, meeting: Meeting, viewer, request=None) -> str | None:
    if not viewer.is_authenticated:
        return None
    try:
        path = reverse(
            "cohorts:printable-agenda",
            kwargs={"token": agenda_token(meeting=meeting, viewer=viewer)},
        )
    except NoReverseMatch:
        logger.warning("cohorts.urls is not included in the URL configuration")
        return None
    return request.build_absolute_uri(path) if request is not None else path


def visible_meeting(*, meeting_id: int, viewer) -> Meeting | None:
    return (
        meetings_visible_to(viewer)
        .select_related("cohort__school__district")
        .filter(pk=meeting_id)
        .first()
    )


@dataclass(frozen=True)
class PrintableItem:
    number: int
    start: str
    end: str
    title: str
    minutes: int
    facilitator: str
    protocol: object | None
    steps: list
    materials: str
    notes: str | None


def _clock(instant) -> str:
    hour = instant.hour % 12 or 12
    return f"{hour}:{instant:%M} {'AM' if instant.hour < 12 else 'PM'}"


def agenda_context(*, meeting: Meeting, viewer) -> dict:
    """What the template shows. Notes only for the meeting's group."""
    zone = meeting.cohort.school.zone
    show_notes = is_in_meeting_group(
        viewer, meeting, roles_by_cohort=viewer_roles_by_cohort(viewer)
    )
    items = list(
        meeting.agenda_items.select_related("facilitator", "protocol").prefetch_related(
            "protocol__steps"
        )
    )
    printable = []
    cursor = meeting.starts_at.astimezone(zone)
    for number, item in enumerate(items, start=1):
        end = cursor + timedelta(minutes=item.minutes)
        printable.append(
            PrintableItem(
                number=number,
                start=_clock(cursor),
                end=_clock(end),
                title=item.title,
                minutes=item.minutes,
                facilitator=item.facilitator.full_name if item.facilitator else "",
                protocol=item.protocol,
                steps=list(item.protocol.steps.all()) if item.protocol else [],
                materials=item.materials,
                notes=item.notes if show_notes else None,
            )
        )
        cursor = end
    local_start = meeting.starts_at.astimezone(zone)
    total = sum(item.minutes for item in items)
    attendance = list(meeting.attendance.select_related("person").order_by("person__full_name"))
    return {
        "meeting": meeting,
        "cohort": meeting.cohort,
        "kind_label": MeetingKind(meeting.kind).label,
        "local_date": f"{local_start:%A} {local_start.day} {local_start:%B %Y}",
        "local_start": _clock(local_start),
        "local_end": _clock(meeting.ends_at.astimezone(zone)),
        "time_zone": meeting.cohort.school.time_zone,
        "items": printable,
        "total_minutes": total,
        "overrun": agenda_overrun_message(
            agenda_minutes=total, duration_minutes=meeting.duration_minutes
        ),
        "attendance": attendance,
        "show_notes": show_notes,
        "notes": meeting.notes if show_notes else "",
        "evidence_label": {
            MeetingKind.BLUE_GROUP: "Agenda of a meeting of the group of five (blue dots)",
            MeetingKind.WHOLE_GROUP: "Agenda of a meeting of the group of 13 "
            "(blue dots and yellow dots)",
        }.get(MeetingKind(meeting.kind), "Meeting agenda"),
    }
