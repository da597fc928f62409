"""Creating, configuring, archiving a cohort, and who leads it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from backend.audit.models import Action
from backend.audit.services import audit_record

from ..models import Cohort, Meeting, Membership, Role, validate_school_year
from .common import (
    end_membership,
    ensure_can_change,
    ensure_can_join,
    ensure_open,
    field_error,
    is_manager,
    lock_cohort,
    refused_as_typed_errors,
    start_membership,
)
from .events import cohort_changed
from .reminders import cohort_reminders_sync, meeting_reminders_sync, member_notify

MAX_BLUE_TARGET = 50
MAX_YELLOW_TARGET = 200


def _coordinates(actor, school) -> bool:
    return actor.is_staff or (
        actor.coordinated_district_id is not None
        and actor.coordinated_district_id == school.district_id
    )


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise field_error("name", "Give the cohort a name.", "REQUIRED")
    if len(name) > 120:
        raise field_error("name", "Keep the name under 120 characters.", "INVALID")
    return name


def _clean_school_year(value: str) -> str:
    value = (value or "").strip()
    try:
        validate_school_year(value)
    except ValidationError as exc:
        raise ValidationError({"schoolYear": exc}) from exc
    return value


def _clean_target(value: int, *, field: str, maximum: int) -> int:
    if value is None or value < 0 or value > maximum:
        raise field_error(field, f"Choose a number from 0 to {maximum}.", "INVALID")
    return value


def ensure_can_lead(*, cohort_school, person, field: str = "leaderId") -> None:
    if person.school_id != cohort_school.pk:
        raise field_error(
            field, f"{person.full_name} does not teach at {cohort_school}.", "NOT_IN_SCHOOL"
        )
    if not person.is_teacher_leader:
        raise field_error(
            field, f"{person.full_name} is not a teacher leader.", "NOT_A_TEACHER_LEADER"
        )
    if not person.is_active:
        raise field_error(field, f"{person.full_name}'s account is closed.", "INVALID")


@transaction.atomic
def cohort_create(
    *,
    actor,
    school,
    name: str,
    school_year: str,
    leader=None,
    target_blue_count: int = 4,
    target_yellow_count: int = 8,
    enforce_targets: bool = False,
) -> Cohort:
    """A teacher leader creates a cohort at their school and leads it; a coordinator (or
    staff) creates one for a school of their district and may name its leader."""
    if _coordinates(actor, school):
        pass
    elif actor.is_teacher_leader and actor.school_id == school.pk:
        if leader is not None and leader.pk != actor.pk:
            raise field_error("leaderId", "You lead the cohorts you create.", "INVALID")
        leader = actor
    else:
        raise PermissionDenied("Only the school's teacher leaders and coordinators create cohorts.")
    name = _clean_name(name)
    school_year = _clean_school_year(school_year)
    target_blue_count = _clean_target(
        target_blue_count, field="targetBlueCount", maximum=MAX_BLUE_TARGET
    )
    target_yellow_count = _clean_target(
        target_yellow_count, field="targetYellowCount", maximum=MAX_YELLOW_TARGET
    )
    if leader is not None:
        ensure_can_lead(cohort_school=school, person=leader)
    with refused_as_typed_errors():
        cohort = Cohort.objects.create(
            school=school,
            name=name,
            school_year=school_year,
            target_blue_count=target_blue_count,
            target_yellow_count=target_yellow_count,
            enforce_targets=enforce_targets,
            created_by=actor,
        )
    if leader is not None:
        membership = start_membership(
            cohort=cohort, person=leader, role=Role.LEADER, now=timezone.now()
        )
        if leader.pk != actor.pk:
            member_notify(membership, headline="You lead a new cohort")
    return cohort


@transaction.atomic
def cohort_update(
    *,
    actor,
    cohort: Cohort,
    name=None,
    school_year=None,
    target_blue_count=None,
    target_yellow_count=None,
    enforce_targets=None,
) -> Cohort:
    """Rename or reconfigure. Turning strict targets on is refused while the cohort is over."""
    ensure_can_change(actor, cohort)
    cohort = lock_cohort(cohort)
    if name is not None:
        cohort.name = _clean_name(name)
    if school_year is not None:
        cohort.school_year = _clean_school_year(school_year)
    if target_blue_count is not None:
        cohort.target_blue_count = _clean_target(
            target_blue_count, field="targetBlueCount", maximum=MAX_BLUE_TARGET
        )
    if target_yellow_count is not None:
        cohort.target_yellow_count = _clean_target(
            target_yellow_count, field="targetYellowCount", maximum=MAX_YELLOW_TARGET
        )
    if enforce_targets is not None:
        cohort.enforce_targets = enforce_targets
    if cohort.enforce_targets:
        current = Membership.objects.filter(cohort=cohort, ended_at__isnull=True)
        for role, target, field in (
            (Role.BLUE, cohort.target_blue_count, "targetBlueCount"),
            (Role.YELLOW, cohort.target_yellow_count, "targetYellowCount"),
        ):
            count = current.filter(role=role).count()
            if count > target:
                raise field_error(
                    field,
                    f"The cohort already has {count} {role.label.lower()}s: more than {target}.",
                    "ROLE_LIMIT_EXCEEDED",
                )
    with refused_as_typed_errors():
        cohort.save()
    cohort_changed(cohort.pk, "COHORT_UPDATED")
    return cohort


@transaction.atomic
def cohort_archive(*, actor, cohort: Cohort) -> Cohort:
    """Close a cohort at the end of its year: read only from now on, upcoming meetings
    cancelled. Its history and agendas stay."""
    ensure_can_change(actor, cohort)
    now = timezone.now()
    Cohort.objects.filter(pk=cohort.pk, archived_at__isnull=True).update(archived_at=now)
    cohort.archived_at = now
    upcoming = Meeting.objects.filter(
        cohort=cohort, cancelled_at__isnull=True, starts_at__gt=now
    ).select_related("cohort__school")
    for meeting in upcoming:
        meeting.cancelled_at = now
        meeting.save(update_fields=["cancelled_at", "updated_at"])
        meeting_reminders_sync(meeting, now=now)
    cohort_changed(cohort.pk, "COHORT_ARCHIVED")
    return cohort


@transaction.atomic
def cohort_leader_set(*, actor, cohort: Cohort, person) -> Membership:
    """Hand the cohort to a teacher leader of its school (the leader, a coordinator of the
    district or staff may). The previous leader leaves; if the new one was a peer in the
    cohort, that place ends and their yellow dots show up as unassigned."""
    if not (is_manager(actor, cohort) or _coordinates(actor, cohort.school)):
        raise PermissionDenied("Only the leader or a coordinator can hand a cohort over.")
    ensure_open(cohort)
    ensure_can_lead(cohort_school=cohort.school, person=person, field="personId")
    now = timezone.now()
    current = list(
        Membership.objects.filter(cohort=cohort, ended_at__isnull=True, role=Role.LEADER)
    )
    if current and current[0].person_id == person.pk:
        return current[0]
    for membership in current:
        # A conditional update: if another hand-over ended it first, our insert below meets
        # the one-leader constraint and becomes ROLE_LIMIT_EXCEEDED.
        end_membership(membership, now=now)
    previous = Membership.objects.filter(cohort=cohort, person=person, ended_at__isnull=True)
    for membership in previous:
        end_membership(membership, now=now)
    ensure_can_join(cohort=cohort, person=person)
    leader = start_membership(cohort=cohort, person=person, role=Role.LEADER, now=now)
    audit_record(
        actor=actor,
        action=Action.ROLE_CHANGED,
        target=leader,
        details={
            "cohort_id": cohort.pk,
            "person_id": person.pk,
            "to": Role.LEADER,
            "previous_leader_id": current[0].person_id if current else None,
        },
    )
    cohort_reminders_sync(cohort.pk)
    member_notify(leader, headline="You now lead")
    cohort_changed(cohort.pk, "LEADER_CHANGED", membership_id=leader.pk)
    return leader
