"""Live changes to a cohort, over the WebSocket.

Events are hints with ids, sent after commit by the services. On each one the subscription
reloads the cohort (and the meeting it is about) from the database in a worker thread, with
everything the subscriber's selection needs prefetched, so the fields then resolve from memory.
If the subscriber may no longer see the cohort (they left it), the stream ends.
"""

from __future__ import annotations

import graphene
from channels.db import database_sync_to_async

from backend.accounts.selectors import may_see_email
from backend.graphql.errors import NotFound
from backend.graphql.ids import decode_global_id
from backend.graphql.permissions import SignedIn, requires
from backend.graphql.selection import requested_fields
from backend.live import COHORT_CHANGED, cohort_group

from ..models import Cohort, Meeting
from ..selectors import cohorts_visible_to, meetings_visible_to
from . import enums
from .loading import (
    ViewerCohortRoles,
    cohort_memberships,
    cohort_queryset,
    meeting_queryset,
)
from .types import CohortType, MeetingType


class CohortChangedEvent(graphene.ObjectType):
    """Something changed in a cohort you can see. `cohort` (and `meeting`, for a meeting
    change) are loaded fresh when the event arrives; a client that was offline refetches."""

    kind = graphene.Field(enums.CohortChangeKind, required=True, description="What changed.")
    cohort_id = graphene.ID(required=True, description="Global id of the cohort.")
    membership_id = graphene.ID(description="Global id of the membership concerned, if any.")
    meeting_id = graphene.ID(description="Global id of the meeting concerned, if any.")
    cohort = graphene.Field(CohortType, required=True, description="The cohort as it is now.")
    meeting = graphene.Field(
        MeetingType, description="The meeting concerned as it is now, if the change is about one."
    )


def _cohort_pk(global_id: str) -> int:
    pk = decode_global_id(global_id, "Cohort")
    if pk is None:
        raise NotFound("No Cohort with this id.")
    return pk


def _may_see(user, cohort_pk: int) -> bool:
    return cohorts_visible_to(user, Cohort.objects.filter(pk=cohort_pk)).exists()


def _load_event(context, names: frozenset[str], cohort_pk: int, event: dict):
    """Runs in a worker thread: everything the selection reads is loaded here."""
    user = context.user
    cohort = cohort_queryset(
        cohorts_visible_to(user, Cohort.objects.filter(pk=cohort_pk)), names
    ).first()
    if cohort is None:
        return None
    context.loaders.pop(ViewerCohortRoles, None)
    context.loader(ViewerCohortRoles).get()
    for membership in cohort_memberships(cohort):
        may_see_email(user, membership.person)  # warms the per-person address check
    meeting = None
    if event.get("meeting_id"):
        meeting = meeting_queryset(
            meetings_visible_to(user, Meeting.objects.filter(pk=event["meeting_id"])), names
        ).first()
        if meeting is not None and meeting.cohort_id == cohort.pk:
            # The cohort above carries everything the selection reads; resolving
            # meeting.cohort from the database would run on the event loop.
            meeting.cohort = cohort

    def gid(type_name: str, pk):
        return graphene.relay.Node.to_global_id(type_name, pk) if pk else None

    return CohortChangedEvent(
        kind=event["kind"],
        cohort_id=gid("Cohort", cohort.pk),
        membership_id=gid("Membership", event.get("membership_id")),
        meeting_id=gid("Meeting", event.get("meeting_id")),
        cohort=cohort,
        meeting=meeting,
    )


async def _cohort_events(info, cohort_pk: int, names: frozenset[str]):
    context = info.context
    async for event in context.listen(cohort_group(cohort_pk)):
        if event.get("event") != COHORT_CHANGED:
            continue
        loaded = await database_sync_to_async(_load_event)(context, names, cohort_pk, event)
        if loaded is None:
            return
        yield loaded


class CohortSubscriptionFields(graphene.ObjectType):
    cohort_changed = graphene.Field(
        CohortChangedEvent,
        required=True,
        cohort_id=graphene.ID(required=True, description="Global id of a cohort you can see."),
        description="Fires when the cohort, its members, assignments or meetings change. "
        "Ends if you can no longer see the cohort.",
    )

    @staticmethod
    @requires(SignedIn)
    async def subscribe_cohort_changed(root, info, cohort_id):
        cohort_pk = _cohort_pk(cohort_id)
        if not await database_sync_to_async(_may_see)(info.context.user, cohort_pk):
            raise NotFound("No Cohort with this id.")
        return _cohort_events(info, cohort_pk, requested_fields(info))
