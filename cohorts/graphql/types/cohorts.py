"""Cohorts, memberships, blue/yellow links and invitations into a cohort."""

from __future__ import annotations

from datetime import datetime, timedelta

import graphene
from django.utils import timezone
from graphene_django import DjangoObjectType

from backend.accounts import scope
from backend.accounts.graphql.types import PersonType, SchoolType
from backend.graphql.types import CountableConnection

from ... import selectors
from ...guidance import cohort_guidance
from ...models import BlueYellowLink, Cohort, CohortInvitation, Membership, Role
from .. import enums
from ..loading import cohort_invitations, cohort_links, cohort_meetings, cohort_memberships
from .guidance import CohortGuidanceType

ROLE_ORDER = {Role.LEADER: 0, Role.BLUE: 1, Role.YELLOW: 2}


def _current(cohort: Cohort) -> list[Membership]:
    members = [m for m in cohort_memberships(cohort) if m.ended_at is None]
    return sorted(members, key=lambda m: (ROLE_ORDER[m.role], m.person.full_name, m.pk))


def _active_at(membership: Membership, instant: datetime) -> bool:
    return membership.started_at <= instant and (
        membership.ended_at is None or membership.ended_at > instant
    )


def _meeting_type():
    from .meetings import MeetingType  # meetings point back at cohorts

    return MeetingType


class CohortType(DjangoObjectType):
    """A learning group: a teacher leader, the blue dots they visit and the yellow dots the
    blue dots visit (4 and 8 by the programme; the school may aim for other sizes)."""

    name = graphene.String(required=True, description="What the group calls itself.")
    school_year = graphene.String(required=True, description="e.g. 2026-2027.")
    school = graphene.Field(SchoolType, required=True, description="The cohort's school.")
    target_blue_count = graphene.Int(
        required=True, description="How many blue dots the leader aims to visit (guidance)."
    )
    target_yellow_count = graphene.Int(
        required=True, description="How many yellow dots the blue dots aim to visit (guidance)."
    )
    enforce_targets = graphene.Boolean(
        required=True,
        description="When true the targets are limits: adding beyond them is refused with "
        "ROLE_LIMIT_EXCEEDED. Off by default.",
    )
    created_at = graphene.DateTime(required=True, description="When the cohort was created.")
    archived_at = graphene.DateTime(description="When it was archived (read only since).")
    leader = graphene.Field(
        lambda: MembershipType, description="The current leader's membership; null if none."
    )
    members = graphene.List(
        graphene.NonNull(lambda: MembershipType),
        required=True,
        role=graphene.Argument(enums.CohortRole, description="Only this role."),
        as_of=graphene.DateTime(
            description="Who was in the cohort at this moment, rather than now (e.g. last "
            "spring's blue dots)."
        ),
        description="Memberships current now (or at `asOf`): leader, blue dots, yellow dots.",
    )
    membership_history = graphene.List(
        graphene.NonNull(lambda: MembershipType),
        required=True,
        description="Every membership there has been, ended ones too, oldest first.",
    )
    links = graphene.List(
        graphene.NonNull(lambda: BlueYellowLinkType),
        required=True,
        include_ended=graphene.Boolean(
            default_value=False, description="Also the assignments that have ended."
        ),
        description="Which blue dot visits which yellow dot.",
    )
    my_membership = graphene.Field(
        lambda: MembershipType, description="Your current place in this cohort; null if none."
    )
    can_manage = graphene.Boolean(
        required=True, description="True if you may change this cohort (its leader, or staff)."
    )
    guidance = graphene.Field(
        CohortGuidanceType,
        required=True,
        description='Advice such as "2 yellow dots still unassigned" or "3 of 4 blue dots".',
    )
    meetings = graphene.List(
        graphene.NonNull(_meeting_type),
        required=True,
        upcoming=graphene.Boolean(
            description="True: only meetings that have not ended; false: only past ones."
        ),
        include_cancelled=graphene.Boolean(
            default_value=True, description="Whether to list cancelled meetings."
        ),
        description="The cohort's meetings, earliest first.",
    )
    pending_invitations = graphene.List(
        graphene.NonNull(lambda: CohortInvitationType),
        required=True,
        description="People invited by e-mail who are not in the cohort yet (the leader, "
        "coordinators and staff see them; empty for others).",
    )

    class Meta:
        model = Cohort
        name = "Cohort"
        interfaces = (graphene.relay.Node,)
        fields = ("id",)
        connection_class = CountableConnection

    @classmethod
    def get_queryset(cls, queryset, info):
        return selectors.cohorts_visible_to(info.context.user, queryset)

    @staticmethod
    def resolve_leader(root: Cohort, info):
        return next((m for m in _current(root) if m.role == Role.LEADER), None)

    @staticmethod
    def resolve_members(root: Cohort, info, role=None, as_of=None):
        if as_of is None:
            members = _current(root)
        else:
            members = sorted(
                (m for m in cohort_memberships(root) if _active_at(m, as_of)),
                key=lambda m: (ROLE_ORDER[m.role], m.person.full_name, m.pk),
            )
        if role is not None:
            members = [m for m in members if m.role == role.value]
        return members

    @staticmethod
    def resolve_membership_history(root: Cohort, info):
        return cohort_memberships(root)

    @staticmethod
    def resolve_links(root: Cohort, info, include_ended=False):
        links = cohort_links(root)
        return links if include_ended else [link for link in links if link.ended_at is None]

    @staticmethod
    def resolve_my_membership(root: Cohort, info):
        user = info.context.user
        return next((m for m in _current(root) if m.person_id == user.pk), None)

    @staticmethod
    def resolve_can_manage(root: Cohort, info):
        user = info.context.user
        if not user.is_authenticated:
            return False
        if user.is_staff:
            return True
        return any(m.person_id == user.pk and m.role == Role.LEADER for m in _current(root))

    @staticmethod
    def resolve_guidance(root: Cohort, info):
        guidance = cohort_guidance(
            target_blue=root.target_blue_count,
            target_yellow=root.target_yellow_count,
            memberships=_current(root),
            links=[link for link in cohort_links(root) if link.ended_at is None],
        )
        return CohortGuidanceType(
            group_size=guidance.group_size,
            target_group_size=guidance.target_group_size,
            blue_count=guidance.blue_count,
            target_blue_count=guidance.target_blue_count,
            yellow_count=guidance.yellow_count,
            target_yellow_count=guidance.target_yellow_count,
            unassigned_yellow_count=guidance.unassigned_yellow_count,
            blue_without_yellow_count=guidance.blue_without_yellow_count,
            is_complete=guidance.is_complete,
            messages=list(guidance.messages),
        )

    @staticmethod
    def resolve_meetings(root: Cohort, info, upcoming=None, include_cancelled=True):
        meetings = cohort_meetings(root)
        if not include_cancelled:
            meetings = [m for m in meetings if m.cancelled_at is None]
        if upcoming is not None:
            now = timezone.now()
            meetings = [m for m in meetings if (m.ends_at > now) == upcoming]
        return meetings

    @staticmethod
    def resolve_pending_invitations(root: Cohort, info):
        user = info.context.user
        allowed = scope.oversees_row(user, root) or any(
            m.person_id == user.pk and m.role == Role.LEADER for m in _current(root)
        )
        if not allowed:
            return []
        return [ci for ci in cohort_invitations(root) if ci.membership_id is None]


class MembershipType(DjangoObjectType):
    """A person's place in a cohort over a period. A change of role or a departure ends it and
    (for a role change) starts another, so the history stays true."""

    person = graphene.Field(PersonType, required=True, description="Who.")
    role = graphene.Field(enums.CohortRole, required=True, description="In which role.")
    cohort = graphene.Field(CohortType, required=True, description="In which cohort.")
    started_at = graphene.DateTime(required=True, description="Since when.")
    ended_at = graphene.DateTime(description="Until when; null while current.")
    is_current = graphene.Boolean(required=True, description="True while it has not ended.")
    visits = graphene.List(
        graphene.NonNull(lambda: MembershipType),
        required=True,
        description="Whom this person visits: the leader visits the blue dots, a blue dot "
        "the yellow dots assigned to them, a yellow dot no one. For an ended membership, "
        "whom they were assigned.",
    )
    visited_by = graphene.Field(
        lambda: MembershipType,
        description="Who visits this person: the leader for a blue dot, the assigned blue dot "
        "for a yellow dot; null for the leader or an unassigned yellow dot.",
    )

    class Meta:
        model = Membership
        name = "Membership"
        interfaces = (graphene.relay.Node,)
        fields = ("id",)

    @classmethod
    def get_queryset(cls, queryset, info):
        return selectors.memberships_visible_to(info.context.user, queryset).select_related(
            "person__school__district"
        )

    @staticmethod
    def resolve_role(root: Membership, info):
        return Role(root.role).value  # a fresh instance may hold the Python enum member

    @staticmethod
    def resolve_is_current(root: Membership, info):
        return root.ended_at is None

    @staticmethod
    def resolve_visits(root: Membership, info):
        cohort = root.cohort
        if root.role == Role.LEADER:
            return [m for m in _current(cohort) if m.role == Role.BLUE] if root.is_current else []
        if root.role != Role.BLUE:
            return []
        by_id = {m.pk: m for m in cohort_memberships(cohort)}
        links = [
            link
            for link in cohort_links(cohort)
            if link.blue_id == root.pk and (link.ended_at is None or not root.is_current)
        ]
        return [by_id[link.yellow_id] for link in links if link.yellow_id in by_id]

    @staticmethod
    def resolve_visited_by(root: Membership, info):
        cohort = root.cohort
        if root.role == Role.BLUE:
            moment = root.ended_at - timedelta(microseconds=1) if root.ended_at else None
            for membership in cohort_memberships(cohort):
                if membership.role != Role.LEADER:
                    continue
                if moment is None and membership.ended_at is None:
                    return membership
                if moment is not None and _active_at(membership, moment):
                    return membership
            return None
        if root.role == Role.YELLOW:
            links = [link for link in cohort_links(cohort) if link.yellow_id == root.pk]
            current = [link for link in links if link.ended_at is None]
            link = (
                current[-1] if current else (links[-1] if links and not root.is_current else None)
            )
            if link is None:
                return None
            return next((m for m in cohort_memberships(cohort) if m.pk == link.blue_id), None)
        return None


class BlueYellowLinkType(DjangoObjectType):
    """A blue dot is to visit a yellow dot (both of the same cohort)."""

    blue = graphene.Field(MembershipType, required=True, description="The visiting blue dot.")
    yellow = graphene.Field(MembershipType, required=True, description="The visited yellow dot.")
    started_at = graphene.DateTime(required=True, description="When the assignment was made.")
    ended_at = graphene.DateTime(description="When it ended; null while current.")
    is_current = graphene.Boolean(required=True, description="True while it has not ended.")

    class Meta:
        model = BlueYellowLink
        name = "BlueYellowLink"
        interfaces = (graphene.relay.Node,)
        fields = ("id",)

    @classmethod
    def get_queryset(cls, queryset, info):
        return selectors.links_visible_to(info.context.user, queryset)

    @staticmethod
    def _membership(root: BlueYellowLink, pk: int) -> Membership:
        by_id = {m.pk: m for m in cohort_memberships(root.cohort)}
        return by_id[pk]

    @staticmethod
    def resolve_blue(root: BlueYellowLink, info):
        return BlueYellowLinkType._membership(root, root.blue_id)

    @staticmethod
    def resolve_yellow(root: BlueYellowLink, info):
        return BlueYellowLinkType._membership(root, root.yellow_id)

    @staticmethod
    def resolve_is_current(root: BlueYellowLink, info):
        return root.ended_at is None


class CohortInvitationType(DjangoObjectType):
    """A peer invited by e-mail into the school, meant for this cohort in a role. Once they
    have accepted, add them with `membershipAdd` (their `person` is then set)."""

    email = graphene.String(required=True, description="Who was invited.")
    full_name = graphene.String(required=True, description="Their name as the inviter gave it.")
    role = graphene.Field(enums.PeerRole, required=True, description="The role meant for them.")
    status = graphene.Field(
        enums.CohortInvitationStatus, required=True, description="Where the invitation stands."
    )
    invited_at = graphene.DateTime(required=True, description="When it was sent.")
    expires_at = graphene.DateTime(required=True, description="When the code stops working.")
    person = graphene.Field(PersonType, description="Their account once they have accepted.")

    class Meta:
        model = CohortInvitation
        name = "CohortInvitation"
        interfaces = (graphene.relay.Node,)
        fields = ("id",)

    @classmethod
    def get_queryset(cls, queryset, info):
        return selectors.cohort_invitations_visible_to(info.context.user, queryset)

    @staticmethod
    def resolve_role(root, info):
        return str(root.role)

    @staticmethod
    def resolve_email(root, info):
        return root.invitation.email

    @staticmethod
    def resolve_full_name(root, info):
        return root.invitation.full_name

    @staticmethod
    def resolve_invited_at(root, info):
        return root.created_at

    @staticmethod
    def resolve_expires_at(root, info):
        return root.invitation.expires_at

    @staticmethod
    def resolve_person(root, info):
        return root.invitation.accepted_user

    @staticmethod
    def resolve_status(root, info):
        invitation = root.invitation
        if root.membership_id is not None:
            return enums.CohortInvitationStatus.ADDED
        if invitation.accepted_at is not None:
            return enums.CohortInvitationStatus.ACCEPTED
        if invitation.revoked_at is not None:
            return enums.CohortInvitationStatus.REVOKED
        if invitation.approval == "AWAITING":  # accounts.models.Approval.AWAITING
            return enums.CohortInvitationStatus.AWAITING_APPROVAL
        if invitation.expires_at <= timezone.now():
            return enums.CohortInvitationStatus.EXPIRED
        return enums.CohortInvitationStatus.OPEN
