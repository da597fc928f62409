"""What a visit writes to the notification outbox, in the same transaction as the change.

Notices (proposed, accepted, declined, rescheduled, cancelled) go to the other side at once and
are keyed by the visit's revision, so each occurrence is one row. Reminders (the day before,
the hour before, the reflection sheet a day after) are keyed per visit and person: scheduling
again moves them, cancelling withdraws them. Texts name people and times, never the SLQ or any
other content: they show on lock screens.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from graphql_relay import to_global_id

from backend.accounts.models import User
from notifications import outbox
from notifications.models import Kind, Notification, Status

from ..models import Visit, VisitParticipant, VisitRole

TOMORROW = timedelta(hours=24)
SOON = timedelta(hours=1)
REFLECTION_DUE_AFTER = timedelta(hours=24)


def _target(visit: Visit) -> dict:
    return {"target_type": "Visit", "target_id": to_global_id("Visit", visit.pk)}


def _when(visit: Visit) -> str:
    local = visit.starts_at.astimezone(visit.school.zone)
    return f"{local:%a} {local.day} {local:%b} at {local:%H:%M}"


def _people(visit: Visit) -> list[tuple[User, str]]:
    return [
        (p.person, p.role)
        for p in VisitParticipant.objects.filter(visit=visit).select_related("person")
    ]


def _visitor_names(people) -> str:
    return ", ".join(person.full_name for person, role in people if role == VisitRole.VISITOR)


def _host(people):
    return next(person for person, role in people if role == VisitRole.HOST)


def _notice(visit, recipient, kind, tag, title, body, now):
    outbox.schedule(
        recipient=recipient,
        kind=kind,
        key=f"visit:{visit.pk}:r{visit.revision}:{tag}:{recipient.pk}",
        due_at=now,
        title=title,
        body=body,
        **_target(visit),
    )


def visit_proposed(visit: Visit, *, now: datetime) -> None:
    people = _people(visit)
    _notice(
        visit,
        _host(people),
        Kind.VISIT_PROPOSED,
        "proposed",
        "Visit proposed",
        f"{_visitor_names(people)} would like to visit your class on {_when(visit)}.",
        now,
    )


def visit_accepted(visit: Visit, *, now: datetime) -> None:
    people = _people(visit)
    host = _host(people)
    for person, role in people:
        if role == VisitRole.VISITOR:
            _notice(
                visit,
                person,
                Kind.VISIT_ACCEPTED,
                "accepted",
                "Visit accepted",
                f"{host.full_name} accepted your visit on {_when(visit)}.",
                now,
            )
    schedule_reminders(visit, people=people, now=now)


def visit_declined(visit: Visit, *, now: datetime) -> None:
    people = _people(visit)
    host = _host(people)
    cancel_all(visit)
    for person, role in people:
        if role == VisitRole.VISITOR:
            _notice(
                visit,
                person,
                Kind.VISIT_DECLINED,
                "declined",
                "Visit declined",
                f"{host.full_name} declined your visit on {_when(visit)}. Open the app to see why.",
                now,
            )


def visit_rescheduled(visit: Visit, *, actor, now: datetime) -> None:
    people = _people(visit)
    for person, _role in people:
        if person.pk != actor.pk:
            _notice(
                visit,
                person,
                Kind.VISIT_RESCHEDULED,
                "rescheduled",
                "Visit moved",
                f"{actor.full_name} moved your visit to {_when(visit)}.",
                now,
            )
    if visit.status == "ACCEPTED":
        schedule_reminders(visit, people=people, now=now)
    else:
        cancel_reminders(visit)


def visit_cancelled(visit: Visit, *, actor, now: datetime) -> None:
    people = _people(visit)
    cancel_all(visit)
    for person, _role in people:
        if person.pk != actor.pk:
            _notice(
                visit,
                person,
                Kind.VISIT_CANCELLED,
                "cancelled",
                "Visit cancelled",
                f"{actor.full_name} cancelled the visit on {_when(visit)}.",
                now,
            )


def schedule_reminders(visit: Visit, *, people=None, now: datetime) -> None:
    """The day-before and hour-before reminders to everyone, the reflection reminder to the
    visitors. Reminders already due are left out (never pushed late)."""
    people = people if people is not None else _people(visit)
    host = _host(people)
    earliest = max(now, timezone.now())
    when = _when(visit)
    for person, role in people:
        other = host.full_name if role == VisitRole.VISITOR else _visitor_names(people)
        what = (
            f"your visit to {other}'s class"
            if role == VisitRole.VISITOR
            else (f"{other}'s visit to your class")
        )
        for tag, kind, before, title in (
            ("tomorrow", Kind.VISIT_TOMORROW, TOMORROW, "Visit tomorrow"),
            ("soon", Kind.VISIT_SOON, SOON, "Visit in an hour"),
        ):
            _reminder(
                visit,
                person,
                kind,
                tag,
                visit.starts_at - before,
                title,
                f"Reminder: {what}, {when}.",
                earliest,
            )
        if role == VisitRole.VISITOR:
            _reminder(
                visit,
                person,
                Kind.REFLECTION_DUE,
                "reflection-due",
                visit.ends_at + REFLECTION_DUE_AFTER,
                "Reflection sheet",
                f"Write the reflection sheet of {what} with {host.full_name}.",
                earliest,
            )


def _reminder(visit, person, kind, tag, due_at, title, body, earliest) -> None:
    key = f"visit:{visit.pk}:{tag}:{person.pk}"
    if due_at <= earliest:
        # Moved too close to now: withdraw the one for the old time rather than push it late.
        Notification.objects.filter(key=key, status=Status.PENDING).update(
            status=Status.CANCELLED, updated_at=timezone.now()
        )
        return
    outbox.schedule(
        recipient=person,
        kind=kind,
        key=key,
        due_at=due_at,
        title=title,
        body=body,
        **_target(visit),
    )


def cancel_reminders(visit: Visit) -> None:
    for tag in ("tomorrow", "soon", "reflection-due"):
        outbox.cancel(key_prefix=f"visit:{visit.pk}:{tag}:")


def cancel_reflection_due(visit: Visit) -> None:
    outbox.cancel(key_prefix=f"visit:{visit.pk}:reflection-due:")


def cancel_all(visit: Visit) -> None:
    """Withdraw every pending notice and reminder of the visit (declined or cancelled)."""
    outbox.cancel(key_prefix=f"visit:{visit.pk}:")
