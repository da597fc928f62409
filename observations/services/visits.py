"""Scheduling a visit from a phone: propose, accept, decline, reschedule, cancel, complete.

State machine (anything else is INVALID_TRANSITION):

    PROPOSED --accept (host)------------> ACCEPTED --complete / data / reflection--> COMPLETED
    PROPOSED --decline (host, reason)---> DECLINED
    PROPOSED | ACCEPTED --cancel (either, reason)--> CANCELLED
    PROPOSED | ACCEPTED --reschedule (either, reason)--> same visit, new time:
        moved by a visitor: back to PROPOSED (the host accepts the new time);
        moved by the host: keeps its status (the host chose the time; the visitor is told and
        can cancel with a reason if it does not suit).

A proposal already holds both people's time (PROPOSED counts for double-booking). A host who
recorded a timetable can only be visited while teaching (HOST_NOT_TEACHING); the visitor's own
timetable is not enforced (they may have arranged cover) but drives the suggestions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction

from backend.local_time import NonexistentLocalTime, local_to_utc
from cohorts.models import Cohort, Membership
from observations.errors import ObservationError

from ..models import (
    MAX_CYCLE_NUMBER,
    MAX_VISIT_MINUTES,
    MIN_VISIT_MINUTES,
    StudentLearningQuestion,
    Tool,
    Visit,
    VisitRole,
    VisitStatus,
)
from ..scheduling import ensure_host_teaching
from ..selectors import (
    current_slq_of,
    highest_cycle_number,
    hosts_chosen_tools,
    next_cycle_number,
    shares_cohort,
)
from . import booking, reminders
from .common import (
    CLOSED,
    clean_reason,
    clean_text,
    ensure_teacher,
    ensure_transition,
    lock_cycles_of,
    lock_visit,
    now_or,
    require_host,
    require_participant,
)
from .events import visit_changed

MAX_ROOM_LENGTH = 60
MAX_DAYS_AHEAD = 730
MAX_NOTES_LENGTH = 2000
UNSET = object()


@dataclass(frozen=True)
class VisitTime:
    """When, as the phone says it: a local date and start time at the host's school, and a
    length in minutes."""

    day: date
    start: time
    minutes: int

    def to_range(self, zone, *, now: datetime) -> tuple[datetime, datetime]:
        if not MIN_VISIT_MINUTES <= self.minutes <= MAX_VISIT_MINUTES:
            raise ValidationError(
                {
                    "when.minutes": ValidationError(
                        "A visit lasts %(min)d to %(max)d minutes.",
                        code=ObservationError.INVALID_DURATION,
                        params={"min": MIN_VISIT_MINUTES, "max": MAX_VISIT_MINUTES},
                    )
                }
            )
        today = now.astimezone(zone).date()
        if self.day > today + timedelta(days=MAX_DAYS_AHEAD):
            raise ValidationError(
                {
                    "when.date": ValidationError(
                        "Plan visits at most two years ahead.", code=ObservationError.INVALID
                    )
                }
            )
        if self.day < today - timedelta(days=1):
            raise ValidationError(
                {
                    "when": ValidationError(
                        "Choose a time in the future.", code=ObservationError.STARTS_IN_PAST
                    )
                }
            )
        try:
            starts_at = local_to_utc(self.day, self.start, zone)
        except NonexistentLocalTime as exc:
            raise ValidationError(
                {
                    "when.startTime": ValidationError(
                        "%(time)s does not exist on %(day)s in %(zone)s: the clocks go forward "
                        "then. Choose another time.",
                        code=ObservationError.NONEXISTENT_LOCAL_TIME,
                        params={
                            "time": self.start.strftime("%H:%M"),
                            "day": self.day.isoformat(),
                            "zone": zone.key,
                        },
                    )
                }
            ) from exc
        if starts_at <= now:
            raise ValidationError(
                {
                    "when": ValidationError(
                        "Choose a time in the future.", code=ObservationError.STARTS_IN_PAST
                    )
                }
            )
        return starts_at, starts_at + timedelta(minutes=self.minutes)


def _check_cycle_number(host, cycle_number: int) -> None:
    highest = highest_cycle_number(host)
    allowed = min(highest + 1, MAX_CYCLE_NUMBER)
    if not 1 <= cycle_number <= allowed:
        raise ValidationError(
            {
                "cycleNumber": ValidationError(
                    "Choose a cycle from 1 to %(allowed)d: %(host)s's cycles so far reach "
                    "%(highest)d.",
                    code=ObservationError.INVALID_CYCLE_NUMBER,
                    params={"allowed": allowed, "host": host.full_name, "highest": highest},
                )
            }
        )


def check_slq_for(host, slq: StudentLearningQuestion | None, *, field: str = "slqId") -> None:
    if slq is None:
        return
    if slq.host_id != host.pk:
        raise ValidationError(
            {
                field: ValidationError(
                    "The Student Learning Question must be the host's own.",
                    code=ObservationError.SLQ_NOT_HOSTS,
                )
            }
        )
    if slq.retired_at is not None:
        raise ValidationError(
            {
                field: ValidationError(
                    "This Student Learning Question was replaced; choose the current one.",
                    code=ObservationError.SLQ_RETIRED,
                )
            }
        )


def _current_cohort_ids(person) -> set[int]:
    return set(
        Membership.objects.filter(person=person, ended_at__isnull=True).values_list(
            "cohort_id", flat=True
        )
    )


def _cohort_for(host, visitor, cohort: Cohort | None) -> Cohort | None:
    """The given cohort (both must be current members) or the most recent one they share."""
    shared = _current_cohort_ids(host) & _current_cohort_ids(visitor)
    if cohort is not None:
        if cohort.pk not in shared:
            raise ValidationError(
                {
                    "cohortId": ValidationError(
                        "The host and the visitor must both be members of this cohort.",
                        code=ObservationError.NOT_COHORT_MEMBER,
                    )
                }
            )
        return cohort
    return (
        Cohort.objects.filter(pk__in=shared, archived_at__isnull=True)
        .order_by("-school_year", "-created_at", "-pk")
        .first()
    )


@transaction.atomic
def visit_propose(
    *,
    actor,
    host,
    when: VisitTime,
    cycle_number: int | None = None,
    slq: StudentLearningQuestion | None = None,
    tool: Tool | None = None,
    room: str = "",
    notes: str = "",
    cohort: Cohort | None = None,
    now: datetime | None = None,
) -> Visit:
    """The actor proposes to visit the host's class; the host is asked to accept.

    Left out, `cycle_number` is the host's next (`selectors.next_cycle_number`); for a
    proposer who shares a cohort with the host, `slq` is the host's current question and
    `tool` the tool the host chose for it, when there are ones.
    The host's row is locked while the cycle is derived, so proposals to one host are
    numbered one after another."""
    now = now_or(now)
    ensure_teacher(actor)
    if host.pk == actor.pk:
        raise ValidationError(
            {
                "hostId": ValidationError(
                    "You cannot visit your own class.", code=ObservationError.CANNOT_VISIT_SELF
                )
            }
        )
    if not host.school_id or not host.is_active:
        raise ValidationError(
            {"hostId": ValidationError("No teacher with this id.", code=ObservationError.NOT_FOUND)}
        )
    if cycle_number is None:
        lock_cycles_of(host)
        cycle_number = next_cycle_number(host)
    _check_cycle_number(host, cycle_number)
    # The host's question and chosen tool are for the people of their cohort: a proposal from
    # anyone else gets neither by default (it would hand them the host's content unasked).
    peers = shares_cohort(actor, host)
    if slq is None and peers:
        slq = current_slq_of(host)
    check_slq_for(host, slq)
    if tool is None and peers:
        tool = hosts_chosen_tools(host, slq).first()
    room = clean_text(room, field="room", max_length=MAX_ROOM_LENGTH, required=False)
    notes = clean_text(notes, field="notes", max_length=MAX_NOTES_LENGTH, required=False)
    cohort = _cohort_for(host, actor, cohort)
    starts_at, ends_at = when.to_range(host.school.zone, now=now)
    ensure_host_teaching(host, starts_at, ends_at, host.school.zone)
    people = [host, actor]
    booking.ensure_free(people, starts_at=starts_at, ends_at=ends_at)

    visit = Visit.objects.create(
        host=host,
        proposed_by=actor,
        school_id=host.school_id,
        cohort=cohort,
        slq=slq,
        tool=tool,
        cycle_number=cycle_number,
        starts_at=starts_at,
        ends_at=ends_at,
        room=room,
        notes=notes,
        status=VisitStatus.PROPOSED,
        status_changed_by=actor,
        created_at=now,
    )
    with booking.booking_guard(
        lambda: booking.ensure_free(people, starts_at=starts_at, ends_at=ends_at)
    ):
        booking.book(visit, [(host, VisitRole.HOST), (actor, VisitRole.VISITOR)])
    reminders.visit_proposed(visit, now=now)
    visit_changed(visit, "PROPOSED", actor=actor)
    return visit


def _changed(visit: Visit, actor, fields: list[str]) -> None:
    visit.revision += 1
    visit.status_changed_by = actor
    visit.save(update_fields=[*fields, "revision", "status_changed_by", "updated_at"])


@transaction.atomic
def visit_accept(*, actor, visit: Visit, now: datetime | None = None) -> Visit:
    """The host accepts a proposed visit; reminders are scheduled for everyone."""
    now = now_or(now)
    visit = lock_visit(visit)
    require_host(visit, actor)
    ensure_transition(visit, VisitStatus.ACCEPTED, "accepted")
    if visit.starts_at <= now:
        raise ValidationError(
            "This visit's time has passed; reschedule it instead.",
            code=ObservationError.STARTS_IN_PAST,
        )
    visit.status = VisitStatus.ACCEPTED
    visit.accepted_at = now
    visit.status_reason = ""
    _changed(visit, actor, ["status", "accepted_at", "status_reason"])
    reminders.visit_accepted(visit, now=now)
    visit_changed(visit, "ACCEPTED", actor=actor)
    return visit


def _close(visit: Visit, actor, status: str, reason: str, now: datetime) -> None:
    visit.status = status
    visit.status_reason = reason
    visit.closed_at = now
    _changed(visit, actor, ["status", "status_reason", "closed_at"])
    booking.sync(visit)


@transaction.atomic
def visit_decline(*, actor, visit: Visit, reason: str, now: datetime | None = None) -> Visit:
    """The host declines a proposed visit, saying why."""
    now = now_or(now)
    visit = lock_visit(visit)
    require_host(visit, actor)
    ensure_transition(visit, VisitStatus.DECLINED, "declined")
    _close(visit, actor, VisitStatus.DECLINED, clean_reason(reason), now)
    reminders.visit_declined(visit, now=now)
    visit_changed(visit, "DECLINED", actor=actor)
    return visit


@transaction.atomic
def visit_cancel(
    *, actor, visit: Visit, reason: str, now: datetime | None = None, as_staff: bool = False
) -> Visit:
    """The host or a visitor calls off a proposed or accepted visit, saying why. Staff may do
    it from the admin (`as_staff`)."""
    now = now_or(now)
    visit = lock_visit(visit)
    if not (as_staff and actor.is_staff):
        require_participant(visit, actor)
    ensure_transition(visit, VisitStatus.CANCELLED, "cancelled")
    _close(visit, actor, VisitStatus.CANCELLED, clean_reason(reason), now)
    reminders.visit_cancelled(visit, actor=actor, now=now)
    visit_changed(visit, "CANCELLED", actor=actor)
    return visit


@transaction.atomic
def visit_reschedule(
    *,
    actor,
    visit: Visit,
    when: VisitTime,
    reason: str,
    room: str | None = None,
    now: datetime | None = None,
) -> Visit:
    """Move a proposed or accepted visit. A visitor's move needs the host's acceptance again;
    the host's move keeps the status."""
    now = now_or(now)
    visit = lock_visit(visit)
    role = require_participant(visit, actor)
    if visit.status not in (VisitStatus.PROPOSED, VisitStatus.ACCEPTED):
        ensure_transition(visit, VisitStatus.PROPOSED, "rescheduled")
    reason = clean_reason(reason)
    starts_at, ends_at = when.to_range(visit.school.zone, now=now)
    new_room = (
        visit.room
        if room is None
        else clean_text(room, field="room", max_length=MAX_ROOM_LENGTH, required=False)
    )
    if (starts_at, ends_at, new_room) == (visit.starts_at, visit.ends_at, visit.room):
        raise ValidationError(
            {
                "when": ValidationError(
                    "The visit is already at that time.", code=ObservationError.UNCHANGED
                )
            }
        )
    host = visit.host
    ensure_host_teaching(host, starts_at, ends_at, visit.school.zone)
    people = [p.person for p in visit.participants.select_related("person")]
    booking.ensure_free(people, starts_at=starts_at, ends_at=ends_at, exclude_visit_id=visit.pk)

    visit.starts_at, visit.ends_at, visit.room = starts_at, ends_at, new_room
    visit.status_reason = reason
    fields = ["starts_at", "ends_at", "room", "status_reason"]
    if role == VisitRole.VISITOR and visit.status == VisitStatus.ACCEPTED:
        visit.status = VisitStatus.PROPOSED
        visit.accepted_at = None
        fields += ["status", "accepted_at"]
    _changed(visit, actor, fields)
    with booking.booking_guard(
        lambda: booking.ensure_free(
            people, starts_at=starts_at, ends_at=ends_at, exclude_visit_id=visit.pk
        )
    ):
        booking.sync(visit)
    reminders.visit_rescheduled(visit, actor=actor, now=now)
    visit_changed(visit, "RESCHEDULED", actor=actor)
    return visit


@transaction.atomic
def visit_complete(*, actor, visit: Visit, now: datetime | None = None) -> Visit:
    """Mark an accepted visit as having happened (data or a reflection sheet do it too)."""
    now = now_or(now)
    visit = lock_visit(visit)
    require_participant(visit, actor)
    ensure_transition(visit, VisitStatus.COMPLETED, "completed")
    if now < visit.starts_at:
        raise ValidationError(
            "This visit has not started yet.", code=ObservationError.VISIT_NOT_STARTED
        )
    visit.status = VisitStatus.COMPLETED
    visit.completed_at = now
    _changed(visit, actor, ["status", "completed_at"])
    visit_changed(visit, "COMPLETED", actor=actor)
    return visit


@transaction.atomic
def visit_plan_update(
    *,
    actor,
    visit: Visit,
    slq=UNSET,
    tool=UNSET,
    room=UNSET,
    notes=UNSET,
) -> Visit:
    """Set the visit's SLQ, tool, room or notes (the host and visitors, before or after the
    visit). The tool is fixed once data arrived, the SLQ once the reflection sheet exists."""
    visit = lock_visit(visit)
    require_participant(visit, actor)
    if visit.status in CLOSED:
        raise ValidationError(
            "This visit was %(status)s.",
            code=ObservationError.VISIT_CLOSED,
            params={"status": VisitStatus(visit.status).name.lower()},
        )
    fields = []
    if slq is not UNSET and slq != visit.slq:
        if hasattr(visit, "reflection_sheet"):
            raise ValidationError(
                {
                    "slqId": ValidationError(
                        "The reflection sheet is written; its question cannot change.",
                        code=ObservationError.SLQ_LOCKED,
                    )
                }
            )
        check_slq_for(visit.host, slq)
        visit.slq = slq
        fields.append("slq")
    if tool is not UNSET and tool != visit.tool:
        if visit.entries.exists():
            raise ValidationError(
                {
                    "toolId": ValidationError(
                        "Data was collected with this visit's tool; it cannot change.",
                        code=ObservationError.TOOL_LOCKED,
                    )
                }
            )
        visit.tool = tool
        fields.append("tool")
    if room is not UNSET:
        visit.room = clean_text(room, field="room", max_length=MAX_ROOM_LENGTH, required=False)
        fields.append("room")
    if notes is not UNSET:
        visit.notes = clean_text(notes, field="notes", max_length=MAX_NOTES_LENGTH, required=False)
        fields.append("notes")
    if fields:
        _changed(visit, actor, fields)
        visit_changed(visit, "PLAN_CHANGED", actor=actor)
    return visit
