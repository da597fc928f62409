"""What every visit write shares: the lock, who is asking, allowed transitions."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from observations.errors import ObservationError

from ..models import Visit, VisitParticipant, VisitRole, VisitStatus

# Allowed status changes; a reschedule keeps PROPOSED or ACCEPTED (or sends ACCEPTED back to
# PROPOSED when the visitor moves it).
TRANSITIONS: dict[str, set[str]] = {
    VisitStatus.PROPOSED: {VisitStatus.ACCEPTED, VisitStatus.DECLINED, VisitStatus.CANCELLED},
    VisitStatus.ACCEPTED: {VisitStatus.COMPLETED, VisitStatus.CANCELLED, VisitStatus.PROPOSED},
    VisitStatus.DECLINED: set(),
    VisitStatus.CANCELLED: set(),
    VisitStatus.COMPLETED: set(),
}
CLOSED = (VisitStatus.DECLINED, VisitStatus.CANCELLED)
MAX_REASON_LENGTH = 500


def now_or(now: datetime | None) -> datetime:
    return now or timezone.now()


def ensure_teacher(actor) -> None:
    if actor is None or not actor.is_authenticated or not actor.school_id:
        raise PermissionDenied("Only teachers take part in classroom visits.")


def lock_visit(visit: Visit) -> Visit:
    """Re-read the visit under a row lock so concurrent changes to it run one after another."""
    return Visit.objects.select_for_update().get(pk=visit.pk)


def lock_cycles_of(host) -> None:
    """Lock the host's row: what decides their cycles (a proposal that derives its cycle, a
    reflection sheet that closes one) then runs one after another, each seeing the one before."""
    type(host).objects.select_for_update().only("pk").get(pk=host.pk)


def role_in(visit: Visit, actor) -> str | None:
    return (
        VisitParticipant.objects.filter(visit=visit, person=actor)
        .values_list("role", flat=True)
        .first()
    )


def require_participant(visit: Visit, actor, *, field: str = "visitId") -> str:
    """The actor's role in the visit; refused on `field`, the input that named the visit (or
    the sheet, photo... of it)."""
    role = role_in(visit, actor)
    if role is None:
        raise ValidationError(
            {
                field: ValidationError(
                    "Only the host and visitors of this visit can do this.",
                    code=ObservationError.NOT_VISIT_PARTICIPANT,
                )
            }
        )
    return role


def require_host(visit: Visit, actor, *, field: str = "visitId") -> None:
    if require_participant(visit, actor, field=field) != VisitRole.HOST:
        raise ValidationError(
            {
                field: ValidationError(
                    "Only the host teacher can do this.", code=ObservationError.NOT_VISIT_HOST
                )
            }
        )


def require_visitor(visit: Visit, actor) -> None:
    if require_participant(visit, actor) != VisitRole.VISITOR:
        raise ValidationError(
            {
                "visitId": ValidationError(
                    "Only a visiting teacher can do this.", code=ObservationError.NOT_VISIT_VISITOR
                )
            }
        )


def ensure_transition(visit: Visit, target: str, what: str) -> None:
    if target not in TRANSITIONS[visit.status]:
        raise ValidationError(
            "A %(status)s visit cannot be %(what)s.",
            code=ObservationError.INVALID_TRANSITION,
            params={"status": VisitStatus(visit.status).name.lower(), "what": what},
        )


def ensure_open_for_data(visit: Visit) -> None:
    """Data and reflections belong to a visit that was accepted and not called off."""
    if visit.status == VisitStatus.PROPOSED:
        raise ValidationError(
            "The host has not accepted this visit yet.", code=ObservationError.VISIT_NOT_ACCEPTED
        )
    if visit.status in CLOSED:
        raise ValidationError(
            "This visit was %(status)s.",
            code=ObservationError.VISIT_CLOSED,
            params={"status": VisitStatus(visit.status).name.lower()},
        )


def clean_reason(reason: str | None, *, field: str = "reason") -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationError(
            {
                field: ValidationError(
                    "Say why, for the other teacher.", code=ObservationError.REASON_REQUIRED
                )
            }
        )
    if len(text) > MAX_REASON_LENGTH:
        raise ValidationError(
            {
                field: ValidationError(
                    "At most %(max)d characters.",
                    code=ObservationError.INVALID,
                    params={"max": MAX_REASON_LENGTH},
                )
            }
        )
    return text


def clean_text(value: str | None, *, field: str, max_length: int, required: bool) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError(
            {field: ValidationError("This is required.", code=ObservationError.REQUIRED)}
        )
    if len(text) > max_length:
        raise ValidationError(
            {
                field: ValidationError(
                    "At most %(max)d characters.",
                    code=ObservationError.INVALID,
                    params={"max": max_length},
                )
            }
        )
    return text


def complete_if_due(visit: Visit, now: datetime) -> bool:
    """An accepted visit whose time has come is COMPLETED once data or a reflection arrives."""
    if visit.status == VisitStatus.ACCEPTED and now >= visit.starts_at:
        visit.status = VisitStatus.COMPLETED
        visit.completed_at = now
        return True
    return False
