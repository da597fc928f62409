"""What every cohort write shares: who may manage a cohort, joining and leaving it (the
membership rows), a meeting's roster, and refusals as typed errors.

Shared here, below cohorts.py, memberships.py, meetings.py and agendas.py, so that none of
those imports another that imports it back."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q

from backend.accounts.models import User
from backend.accounts.services.email_domains import may_join_cohorts_in
from cohorts.errors import CohortError

from ..models import GROUP_ROLES, BlueYellowLink, Cohort, Meeting, MeetingKind, Membership, Role
from ..selectors import meeting_audience


def field_error(field: str, message: str, code: str) -> ValidationError:
    """A refusal about one input field (camelCase, as the mutation's input names it)."""
    return ValidationError({field: ValidationError(message, code=code)})


def is_manager(actor, cohort: Cohort) -> bool:
    """The cohort's current leader, or staff, may change it."""
    if actor is None or not actor.is_authenticated:
        return False
    if actor.is_staff:
        return True
    return cohort.memberships.filter(person=actor, role=Role.LEADER, ended_at__isnull=True).exists()


def ensure_manager(actor, cohort: Cohort) -> None:
    if not is_manager(actor, cohort):
        raise PermissionDenied("Only the cohort's leader can change it.")


def ensure_open(cohort: Cohort) -> None:
    if cohort.archived_at is not None:
        raise ValidationError(
            "This cohort is archived and can no longer change.", code=CohortError.ARCHIVED
        )


def ensure_can_change(actor, cohort: Cohort) -> None:
    ensure_manager(actor, cohort)
    ensure_open(cohort)


def lock_cohort(cohort: Cohort) -> Cohort:
    """Serialise writes that count members (role limits), per cohort."""
    return Cohort.objects.select_for_update().get(pk=cohort.pk)


# --- membership rows and meetings ------------------------------------------------------------


def ensure_can_join(*, cohort: Cohort, person, field: str = "personId") -> None:
    if person.school_id != cohort.school_id:
        raise field_error(
            field,
            f"{person.full_name} does not teach at {cohort.school}.",
            CohortError.NOT_IN_SCHOOL,
        )
    if not person.is_active:
        raise field_error(field, f"{person.full_name}'s account is closed.", CohortError.INVALID)
    # Outside the district's e-mail domains only with a coordinator's approval, whatever path
    # adds them (add, replace, hand-over): sock-puppet accounts must not fill an audience.
    if not may_join_cohorts_in(person=person, district_id=cohort.school.district_id):
        raise field_error(
            field,
            f"{person.full_name}'s address is outside the district's e-mail domains: "
            "a coordinator must approve them first.",
            CohortError.NEEDS_APPROVAL,
        )


def end_membership(membership: Membership, *, now) -> bool:
    """End a membership and its links. False when it had already ended (a concurrent edit)."""
    ended = Membership.objects.filter(pk=membership.pk, ended_at__isnull=True).update(ended_at=now)
    BlueYellowLink.objects.filter(
        Q(blue_id=membership.pk) | Q(yellow_id=membership.pk), ended_at__isnull=True
    ).update(ended_at=now)
    membership.ended_at = now
    return ended == 1


def start_membership(*, cohort: Cohort, person, role: str, now) -> Membership:
    with refused_as_typed_errors():
        return Membership.objects.create(cohort=cohort, person=person, role=role, started_at=now)


def ensure_not_cancelled(meeting: Meeting) -> None:
    if meeting.is_cancelled:
        raise ValidationError("This meeting was cancelled.", code=CohortError.MEETING_CANCELLED)


def meeting_roster(meeting: Meeting) -> dict[int, User]:
    """Everyone who could have attended: the group as it was when the meeting started, the
    group now, and the invitees. Keyed by person id."""
    roles = GROUP_ROLES[MeetingKind(meeting.kind)]
    then = Membership.objects.filter(
        cohort_id=meeting.cohort_id,
        role__in=roles,
        started_at__lte=meeting.starts_at,
    ).exclude(ended_at__lte=meeting.starts_at)
    people = {m.person_id: m.person for m in then.select_related("person")}
    for person in meeting_audience(meeting):
        people.setdefault(person.pk, person)
    return people


# --- database refusals as typed errors -------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    field: str | None
    code: str
    message: str
    # How SQLite names the constraint in its message: the indexed columns, or the check's name.
    sqlite_signature: str


REFUSALS = {
    "one_current_leader_per_cohort": Refusal(
        "personId",
        CohortError.ROLE_LIMIT_EXCEEDED,
        "This cohort already has a leader. Reload: someone may have just changed it.",
        "UNIQUE constraint failed: cohorts_membership.cohort_id",
    ),
    "one_current_membership_per_person": Refusal(
        "personId",
        CohortError.ALREADY_MEMBER,
        "This person is already in the cohort.",
        "UNIQUE constraint failed: cohorts_membership.cohort_id, cohorts_membership.person_id",
    ),
    "one_current_blue_per_yellow": Refusal(
        "yellowMembershipId",
        CohortError.ALREADY_ASSIGNED,
        "This yellow dot was just assigned to a blue dot. Reload and try again.",
        "UNIQUE constraint failed: cohorts_blueyellowlink.yellow_id",
    ),
    "link_blue_is_blue_of_cohort": Refusal(
        "blueMembershipId",
        CohortError.NOT_A_BLUE_DOT,
        "Only a blue dot of the same cohort can visit this yellow dot.",
        "link_blue_is_blue_of_cohort",
    ),
    "link_yellow_is_yellow_of_cohort": Refusal(
        "yellowMembershipId",
        CohortError.NOT_A_YELLOW_DOT,
        "Only a yellow dot of the same cohort can be assigned.",
        "link_yellow_is_yellow_of_cohort",
    ),
    "cohort_name_unique_per_year": Refusal(
        "name",
        CohortError.DUPLICATE_NAME,
        "The school already has a cohort with this name this school year.",
        "UNIQUE constraint failed: cohorts_cohort.school_id, cohorts_cohort.school_year, "
        "cohorts_cohort.name",
    ),
    "protocol_name_unique_per_school": Refusal(
        "name",
        CohortError.DUPLICATE_NAME,
        "Your school already has a protocol with this name.",
        "UNIQUE constraint failed: cohorts_protocol.school_id, cohorts_protocol.name",
    ),
    "attendance_once_per_person": Refusal(
        "attendance",
        CohortError.INVALID,
        "Attendance was just recorded by someone else. Reload and try again.",
        "UNIQUE constraint failed: cohorts_attendance.meeting_id, cohorts_attendance.person_id",
    ),
    "meeting_invitee_once": Refusal(
        "inviteeIds",
        CohortError.INVALID,
        "This person is already invited.",
        "UNIQUE constraint failed: cohorts_meetinginvitee.meeting_id, "
        "cohorts_meetinginvitee.person_id",
    ),
}

_DEFERRED = tuple(name for name in REFUSALS if name.startswith("link_"))
_PG_NAME = re.compile(r'constraint "([^"]+)"')


def refusal_for(exc: IntegrityError) -> Refusal | None:
    cause = exc.__cause__
    diag = getattr(cause, "diag", None)
    name = getattr(diag, "constraint_name", None)
    if name is None:
        match = _PG_NAME.search(str(exc))
        name = match.group(1) if match else None
    if name in REFUSALS:
        return REFUSALS[name]
    message = str(exc)
    for refusal in REFUSALS.values():
        # Exact for unique indexes (their column list ends the message), prefix for checks.
        if message == refusal.sqlite_signature or message.endswith(
            f"failed: {refusal.sqlite_signature}"
        ):
            return refusal
    return None


@contextmanager
def refused_as_typed_errors(*, links: bool = False) -> Iterator[None]:
    """Run writes in a savepoint; a known constraint violation becomes a typed ValidationError.

    `links=True` for writes of blue/yellow links: their composite foreign keys are deferred to
    commit on PostgreSQL, so they are checked here, inside the savepoint, and the person gets a
    typed error rather than a failed commit.
    """
    try:
        with transaction.atomic():
            yield
            if links and connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(f"SET CONSTRAINTS {', '.join(_DEFERRED)} IMMEDIATE")
                    cursor.execute(f"SET CONSTRAINTS {', '.join(_DEFERRED)} DEFERRED")
    except IntegrityError as exc:
        refusal = refusal_for(exc)
        if refusal is None:
            raise
        error = ValidationError(refusal.message, code=refusal.code)
        raise (ValidationError({refusal.field: error}) if refusal.field else error) from exc
