"""The cohorts app's mutations, one class each, grouped by what they change."""

import graphene

from .cohorts import CohortArchive, CohortCreate, CohortLeaderSet, CohortUpdate
from .meetings import (
    MeetingAgendaApplyTemplate,
    MeetingAgendaCopy,
    MeetingAgendaSet,
    MeetingCancel,
    MeetingCreate,
    MeetingRecord,
    MeetingUpdate,
)
from .members_add import CohortMembersAdd
from .memberships import (
    CohortPeerInvite,
    MembershipAdd,
    MembershipEnd,
    MembershipReplace,
    MembershipRoleChange,
    YellowDotAssign,
    YellowDotUnassign,
)
from .protocols import ProtocolCreate, ProtocolUpdate

MUTATIONS = (
    CohortCreate,
    CohortUpdate,
    CohortArchive,
    CohortLeaderSet,
    MembershipAdd,
    MembershipRoleChange,
    MembershipReplace,
    MembershipEnd,
    CohortPeerInvite,
    CohortMembersAdd,
    YellowDotAssign,
    YellowDotUnassign,
    MeetingCreate,
    MeetingUpdate,
    MeetingCancel,
    MeetingAgendaSet,
    MeetingAgendaApplyTemplate,
    MeetingAgendaCopy,
    MeetingRecord,
    ProtocolCreate,
    ProtocolUpdate,
)


def _field_name(mutation) -> str:
    name = mutation.__name__
    return name[0].lower() + name[1:]


CohortMutationFields = type(
    "CohortMutationFields",
    (graphene.ObjectType,),
    {
        _field_name(m): m.Field(
            description=m.__doc__, deprecation_reason=getattr(m, "deprecation_reason", None)
        )
        for m in MUTATIONS
    },
)
