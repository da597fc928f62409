"""GraphQL types of cohorts, memberships, links, meetings, agendas and protocols.

Every type's `get_queryset` applies the visibility selector, so node lookups and ids in
mutation input never reach what the caller may not see. Nested lists read what the root
resolver prefetched (see `loading.py`).
"""

from .cohorts import BlueYellowLinkType, CohortInvitationType, CohortType, MembershipType
from .guidance import CohortGuidanceType, GuidanceMessageType
from .meetings import AgendaItemType, AttendanceType, MeetingType
from .protocols import (
    AgendaTemplateItemType,
    AgendaTemplateType,
    ProtocolStepType,
    ProtocolType,
    agenda_templates,
)

__all__ = [
    "AgendaItemType",
    "AgendaTemplateItemType",
    "AgendaTemplateType",
    "AttendanceType",
    "BlueYellowLinkType",
    "CohortGuidanceType",
    "CohortInvitationType",
    "CohortType",
    "GuidanceMessageType",
    "MeetingType",
    "MembershipType",
    "ProtocolStepType",
    "ProtocolType",
    "agenda_templates",
]
