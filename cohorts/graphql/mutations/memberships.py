"""Who is in a cohort, in which role, and which blue dot visits which yellow dot."""

import graphene

from backend.accounts.graphql.types import PersonType
from backend.graphql.ids import load_node
from backend.graphql.mutations import BaseMutation
from backend.graphql.permissions import SignedIn, TeacherLeader

from ...services.assignments import yellow_dot_assign, yellow_dot_unassign
from ...services.memberships import (
    cohort_peer_invite,
    membership_add,
    membership_end,
    membership_replace,
    membership_role_change,
)
from .. import enums
from ..errors import CohortError
from ..types import BlueYellowLinkType, CohortInvitationType, CohortType, MembershipType
from .common import enum_value, optional_node, reload_cohort


class MembershipAddInput(graphene.InputObjectType):
    """A teacher of the cohort's school to add, and as what."""

    cohort_id = graphene.ID(required=True, description="The cohort.")
    person_id = graphene.ID(required=True, description="A teacher of the cohort's school.")
    role = graphene.Field(enums.PeerRole, required=True, description="Blue or yellow dot.")
    blue_membership_id = graphene.ID(
        description="For a yellow dot: the blue dot's membership that will visit them."
    )


class MembershipAdd(BaseMutation):
    """Add a teacher of the school to a cohort as a blue or yellow dot (leader only). The
    programme's 4 blue and 8 yellow are guidance (see `Cohort.guidance`); only strict targets
    refuse more, with ROLE_LIMIT_EXCEEDED."""

    membership = graphene.Field(MembershipType, description="The new membership.")
    cohort = graphene.Field(CohortType, description="The cohort as it is now.")

    class Arguments:
        input = MembershipAddInput(required=True, description="Who, where and as what.")

    class Meta:
        permission = TeacherLeader
        error_type = CohortError

    @classmethod
    def perform(cls, info, input):
        cohort = load_node(info, input.cohort_id, CohortType, field="cohortId")
        membership = membership_add(
            actor=info.context.user,
            cohort=cohort,
            person=load_node(info, input.person_id, PersonType, field="personId"),
            role=enum_value(input.role),
            blue=optional_node(
                info, input.blue_membership_id, MembershipType, field="blueMembershipId"
            ),
        )
        return {"membership": membership, "cohort": reload_cohort(info, cohort.pk)}


class MembershipRoleChangeInput(graphene.InputObjectType):
    """Whose role to change, and to what."""

    membership_id = graphene.ID(required=True, description="The peer's current membership.")
    role = graphene.Field(enums.PeerRole, required=True, description="The new role.")


class MembershipRoleChange(BaseMutation):
    """Make a blue dot a yellow dot or the other way round (leader only). Their visit
    assignments end; the old membership stays in the history."""

    membership = graphene.Field(MembershipType, description="The new membership.")
    cohort = graphene.Field(CohortType, description="The cohort as it is now.")

    class Arguments:
        input = MembershipRoleChangeInput(required=True, description="Who and the new role.")

    class Meta:
        permission = TeacherLeader
        error_type = CohortError

    @classmethod
    def perform(cls, info, input):
        membership = membership_role_change(
            actor=info.context.user,
            membership=load_node(info, input.membership_id, MembershipType, field="membershipId"),
            role=enum_value(input.role),
        )
        return {"membership": membership, "cohort": reload_cohort(info, membership.cohort_id)}


class MembershipReplaceInput(graphene.InputObjectType):
    """Whose place is taken, and by whom."""

    membership_id = graphene.ID(required=True, description="The membership that ends.")
    person_id = graphene.ID(required=True, description="The teacher who takes the place.")


class MembershipReplace(BaseMutation):
    """Someone takes over a place: same role and visit assignments, new person (leader only).
    The person replaced keeps their history. Replacing the leader hands the cohort over."""

    membership = graphene.Field(MembershipType, description="The successor's membership.")
    cohort = graphene.Field(CohortType, description="The cohort as it is now.")

    class Arguments:
        input = MembershipReplaceInput(required=True, description="Who leaves and who comes.")

    class Meta:
        permission = TeacherLeader
        error_type = CohortError

    @classmethod
    def perform(cls, info, input):
        membership = membership_replace(
            actor=info.context.user,
            membership=load_node(info, input.membership_id, MembershipType, field="membershipId"),
            person=load_node(info, input.person_id, PersonType, field="personId"),
        )
        return {"membership": membership, "cohort": reload_cohort(info, membership.cohort_id)}


class MembershipEndInput(graphene.InputObjectType):
    """Whose membership ends."""

    membership_id = graphene.ID(required=True, description="The membership to end.")


class MembershipEnd(BaseMutation):
    """A peer leaves the cohort (they may do this themselves) or the leader removes them.
    Their assignments end; history keeps them. The leader hands over instead of leaving."""

    membership = graphene.Field(MembershipType, description="The ended membership.")
    cohort = graphene.Field(
        CohortType, description="The cohort as it is now; null if you just left it."
    )

    class Arguments:
        input = MembershipEndInput(required=True, description="Which membership.")

    class Meta:
        permission = SignedIn
        error_type = CohortError

    @classmethod
    def perform(cls, info, input):
        membership = membership_end(
            actor=info.context.user,
            membership=load_node(info, input.membership_id, MembershipType, field="membershipId"),
        )
        cohort = reload_cohort(info, membership.cohort_id)
        return {"membership": membership if cohort else None, "cohort": cohort}


class CohortPeerInviteInput(graphene.InputObjectType):
    """A teacher without an account yet, invited into the school for this cohort."""

    cohort_id = graphene.ID(required=True, description="The cohort.")
    email = graphene.String(required=True, description="Where the one-time code is sent.")
    full_name = graphene.String(description="Their name, if known.")
    role = graphene.Field(enums.PeerRole, required=True, description="The role meant for them.")


class CohortPeerInvite(BaseMutation):
    """Invite a peer by e-mail (leader only). They receive the school's invitation code; once
    they accept, the invitation shows ACCEPTED with their account and you add them with
    `membershipAdd`. Refuses an address of an account you see (ALREADY_EXISTS):
    `cohortMembersAdd` adds that person instead."""

    deprecation_reason = (
        "Use cohortMembersAdd: it invites by e-mail too, adds someone whose address already "
        "has an account, and takes the whole list in one call."
    )

    invitation = graphene.Field(CohortInvitationType, description="The invitation sent.")
    cohort = graphene.Field(CohortType, description="The cohort as it is now.")

    class Arguments:
        input = CohortPeerInviteInput(required=True, description="Who and as what.")

    class Meta:
        permission = TeacherLeader
        error_type = CohortError

    @classmethod
    def perform(cls, info, input):
        cohort = load_node(info, input.cohort_id, CohortType, field="cohortId")
        invitation = cohort_peer_invite(
            actor=info.context.user,
            cohort=cohort,
            email=input.email,
            full_name=input.full_name or "",
            role=enum_value(input.role),
        )
        return {"invitation": invitation, "cohort": reload_cohort(info, cohort.pk)}


class YellowDotAssignInput(graphene.InputObjectType):
    """Which yellow dot a blue dot will visit."""

    yellow_membership_id = graphene.ID(required=True, description="The yellow dot.")
    blue_membership_id = graphene.ID(
        required=True, description="The blue dot of the same cohort who will visit."
    )


class YellowDotAssign(BaseMutation):
    """Assign a yellow dot to the blue dot who will visit them, or move them to another blue
    dot (leader only). The database refuses a blue dot of another cohort."""

    link = graphene.Field(BlueYellowLinkType, description="The assignment.")
    cohort = graphene.Field(CohortType, description="The cohort as it is now.")

    class Arguments:
        input = YellowDotAssignInput(required=True, description="Yellow and blue dot.")

    class Meta:
        permission = TeacherLeader
        error_type = CohortError

    @classmethod
    def perform(cls, info, input):
        link = yellow_dot_assign(
            actor=info.context.user,
            yellow=load_node(
                info, input.yellow_membership_id, MembershipType, field="yellowMembershipId"
            ),
            blue=load_node(
                info, input.blue_membership_id, MembershipType, field="blueMembershipId"
            ),
        )
        return {"link": link, "cohort": reload_cohort(info, link.cohort_id)}


class YellowDotUnassignInput(graphene.InputObjectType):
    """Which yellow dot no longer has a blue dot."""

    yellow_membership_id = graphene.ID(required=True, description="The yellow dot.")


class YellowDotUnassign(BaseMutation):
    """End a yellow dot's assignment (leader only); they show as unassigned in the guidance."""

    cohort = graphene.Field(CohortType, description="The cohort as it is now.")

    class Arguments:
        input = YellowDotUnassignInput(required=True, description="Which yellow dot.")

    class Meta:
        permission = TeacherLeader
        error_type = CohortError

    @classmethod
    def perform(cls, info, input):
        yellow = yellow_dot_unassign(
            actor=info.context.user,
            yellow=load_node(
                info, input.yellow_membership_id, MembershipType, field="yellowMembershipId"
            ),
        )
        return {"cohort": reload_cohort(info, yellow.cohort_id)}
