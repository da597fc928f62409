"""Who is in a cohort: adding, inviting, replacing, changing roles, leaving.

A membership is never edited into another role or person: it is ended and a new one started,
so the history stays true. Links of an ended membership end with it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from backend.accounts.services.invitations import invitation_create
from backend.audit.models import Action
from backend.audit.services import audit_record

from ..models import BlueYellowLink, Cohort, CohortInvitation, Membership, Role
from .cohorts import cohort_leader_set
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
from .reminders import cohort_reminders_sync, member_notify

PEER_ROLES = (Role.BLUE, Role.YELLOW)


def ensure_not_member(*, cohort: Cohort, person, field: str = "personId") -> None:
    if Membership.objects.filter(cohort=cohort, person=person, ended_at__isnull=True).exists():
        raise field_error(field, f"{person.full_name} is already in this cohort.", "ALREADY_MEMBER")


def ensure_peer_role(role: str, *, field: str = "role") -> Role:
    if role not in PEER_ROLES:
        raise field_error(
            field, "Peers are blue or yellow dots; hand over leadership instead.", "INVALID"
        )
    return Role(role)


def ensure_role_room(cohort: Cohort, role: str, *, field: str = "role") -> None:
    """With strict targets on, refuse a dot beyond the target. The cohort row is locked first
    so two leaders adding at once cannot both squeeze in."""
    if not cohort.enforce_targets:
        return
    cohort = lock_cohort(cohort)
    target = cohort.target_blue_count if role == Role.BLUE else cohort.target_yellow_count
    count = Membership.objects.filter(cohort=cohort, role=role, ended_at__isnull=True).count()
    if count >= target:
        label = Role(role).label.lower()
        raise field_error(
            field,
            f"This cohort is set to at most {target} {label}s and has {count}.",
            "ROLE_LIMIT_EXCEEDED",
        )


def ensure_current(membership: Membership, *, field: str = "membershipId") -> None:
    if membership.ended_at is not None:
        raise field_error(field, "This person is no longer in the cohort.", "NOT_A_MEMBER")


def _fulfil_invitations(membership: Membership) -> None:
    CohortInvitation.objects.filter(
        cohort_id=membership.cohort_id,
        invitation__accepted_user_id=membership.person_id,
        membership__isnull=True,
    ).update(membership=membership)


@transaction.atomic
def membership_add(*, actor, cohort: Cohort, person, role: str, blue: Membership | None = None):
    """Add a teacher of the school as a blue or yellow dot; a yellow dot may be assigned to
    a blue dot at once."""
    ensure_can_change(actor, cohort)
    role = ensure_peer_role(role)
    ensure_can_join(cohort=cohort, person=person)
    ensure_not_member(cohort=cohort, person=person)
    ensure_role_room(cohort, role)
    if blue is not None and role != Role.YELLOW:
        raise field_error(
            "blueMembershipId", "Only yellow dots are assigned to a blue dot.", "INVALID"
        )
    membership = start_membership(cohort=cohort, person=person, role=role, now=timezone.now())
    if blue is not None:
        from .assignments import link_create

        link_create(yellow=membership, blue=blue)
    _fulfil_invitations(membership)
    cohort_reminders_sync(cohort.pk)
    member_notify(membership, headline="You joined")
    audit_record(
        actor=actor,
        action=Action.MEMBER_ADDED,
        target=membership,
        details={"cohort_id": cohort.pk, "person_id": person.pk, "role": role},
    )
    cohort_changed(cohort.pk, "MEMBER_ADDED", membership_id=membership.pk)
    return membership


@transaction.atomic
def membership_role_change(*, actor, membership: Membership, role: str) -> Membership:
    """Make a blue dot yellow or a yellow dot blue. Their visit assignments end; the old
    membership stays in the history."""
    cohort = membership.cohort
    ensure_can_change(actor, cohort)
    ensure_current(membership)
    if membership.role == Role.LEADER:
        raise field_error(
            "membershipId", "Hand the cohort to a new leader instead.", "LEADER_MUST_HAND_OVER"
        )
    role = ensure_peer_role(role)
    if role == membership.role:
        return membership
    ensure_role_room(cohort, role)
    now = timezone.now()
    if not end_membership(membership, now=now):
        raise field_error("membershipId", "This person is no longer in the cohort.", "NOT_A_MEMBER")
    successor = start_membership(cohort=cohort, person=membership.person, role=role, now=now)
    cohort_reminders_sync(cohort.pk)
    member_notify(successor, headline="Your role changed")
    audit_record(
        actor=actor,
        action=Action.ROLE_CHANGED,
        target=successor,
        details={
            "cohort_id": cohort.pk,
            "person_id": successor.person_id,
            "from": membership.role,
            "to": role,
        },
    )
    cohort_changed(cohort.pk, "ROLE_CHANGED", membership_id=successor.pk)
    return successor


@transaction.atomic
def membership_end(*, actor, membership: Membership) -> Membership:
    """A peer leaves (they may do it themselves) or the leader removes them. History stays."""
    cohort = membership.cohort
    if not (is_manager(actor, cohort) or membership.person_id == actor.pk):
        raise PermissionDenied("Only the cohort's leader can remove someone.")
    ensure_open(cohort)
    ensure_current(membership)
    if membership.role == Role.LEADER:
        raise field_error(
            "membershipId",
            "A cohort needs a leader: hand it over before leaving.",
            "LEADER_MUST_HAND_OVER",
        )
    if not end_membership(membership, now=timezone.now()):
        raise field_error("membershipId", "This person is no longer in the cohort.", "NOT_A_MEMBER")
    cohort_reminders_sync(cohort.pk)
    audit_record(
        actor=actor,
        action=Action.MEMBER_REMOVED,
        target=membership,
        details={
            "cohort_id": cohort.pk,
            "person_id": membership.person_id,
            "by_self": membership.person_id == actor.pk,
        },
    )
    cohort_changed(cohort.pk, "MEMBER_LEFT", membership_id=membership.pk)
    return membership


@transaction.atomic
def membership_replace(*, actor, membership: Membership, person) -> Membership:
    """Someone takes over a place: same role, same visit assignments, new person. The one who
    left keeps their history. Replacing the leader hands the cohort over."""
    cohort = membership.cohort
    ensure_can_change(actor, cohort)
    ensure_current(membership)
    if membership.role == Role.LEADER:
        return cohort_leader_set(actor=actor, cohort=cohort, person=person)
    ensure_can_join(cohort=cohort, person=person)
    ensure_not_member(cohort=cohort, person=person)
    links = list(
        BlueYellowLink.objects.filter(
            Q(blue_id=membership.pk) | Q(yellow_id=membership.pk), ended_at__isnull=True
        )
    )
    now = timezone.now()
    if not end_membership(membership, now=now):
        raise field_error("membershipId", "This person is no longer in the cohort.", "NOT_A_MEMBER")
    successor = start_membership(cohort=cohort, person=person, role=membership.role, now=now)
    with refused_as_typed_errors(links=True):
        BlueYellowLink.objects.bulk_create(
            BlueYellowLink(
                cohort=cohort,
                blue_id=successor.pk if link.blue_id == membership.pk else link.blue_id,
                yellow_id=successor.pk if link.yellow_id == membership.pk else link.yellow_id,
                started_at=now,
            )
            for link in links
        )
    _fulfil_invitations(successor)
    cohort_reminders_sync(cohort.pk)
    member_notify(successor, headline="You joined")
    audit_record(
        actor=actor,
        action=Action.MEMBER_REMOVED,
        target=membership,
        details={"cohort_id": cohort.pk, "person_id": membership.person_id, "replaced": True},
    )
    audit_record(
        actor=actor,
        action=Action.MEMBER_ADDED,
        target=successor,
        details={"cohort_id": cohort.pk, "person_id": person.pk, "role": successor.role},
    )
    cohort_changed(cohort.pk, "MEMBER_REPLACED", membership_id=successor.pk)
    return successor


@transaction.atomic
def cohort_peer_invite(*, actor, cohort: Cohort, email: str, full_name: str, role: str):
    """Invite a teacher who has no account yet: they get the school's e-mail invitation, and
    the cohort remembers the role meant for them until the leader adds them."""
    ensure_can_change(actor, cohort)
    role = ensure_peer_role(role)
    email, full_name = (email or "").strip(), (full_name or "").strip()
    try:
        EmailValidator()(email)
    except ValidationError as exc:
        raise field_error("email", "Enter an e-mail address.", "INVALID") from exc
    if len(full_name) > 200:
        raise field_error("fullName", "Keep the name under 200 characters.", "INVALID")
    invitation, _code = invitation_create(
        inviter=actor, email=email, full_name=full_name, school=cohort.school
    )
    cohort_invitation = CohortInvitation.objects.create(
        cohort=cohort, invitation=invitation, role=role, invited_by=actor
    )
    cohort_changed(cohort.pk, "MEMBER_INVITED")
    return cohort_invitation
