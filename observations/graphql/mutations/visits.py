import graphene

from backend.graphql.mutations import BaseMutation
from backend.graphql.permissions import SignedIn, Teacher
from backend.graphql.schedule import ScheduleInput

from ...services.visits import (
    UNSET,
    VisitTime,
    visit_accept,
    visit_cancel,
    visit_complete,
    visit_decline,
    visit_plan_update,
    visit_propose,
    visit_reschedule,
)
from ..errors import ObservationError
from ..loaders import (
    load_attachable_tool,
    load_cohort,
    load_slq,
    load_teacher,
    load_tool,
    load_visit,
    optional,
)
from ..types.visits import VisitType


def _time(when) -> VisitTime:
    # A time's offset, if the phone sent one, is dropped: the host's school's zone decides.
    return VisitTime(
        day=when.date, start=when.start_time.replace(tzinfo=None), minutes=when.minutes
    )


class VisitPayloadMixin:
    visit = graphene.Field(VisitType, description="The visit after the change.")


class VisitProposeInput(graphene.InputObjectType):
    """What you propose: whose class, when, and for which cycle, question and tool."""

    host_id = graphene.ID(required=True, description="The host teacher (Person).")
    when = graphene.Field(
        ScheduleInput, required=True, description="When, on the wall clock of the host's school."
    )
    cycle_number = graphene.Int(
        description="The host's cycle: 1 up to one more than their latest. Left out: the host's "
        "next one, i.e. their latest cycle while it is under way (no reflection sheet yet), "
        "else the one after it (1 for a first visit). The returned visit's `cycleNumber` says "
        "which was used."
    )
    slq_id = graphene.ID(
        description="The host's current Student Learning Question. Left out, when you share a "
        "cohort with the host: their current one, if they have one."
    )
    tool_id = graphene.ID(
        description="The data-collection tool: one you can see or, when you share a cohort "
        "with the host, one the host chose for the visit's question (crafted for it and "
        "visible to the host), which you may attach even if you could not see it before. Left "
        "out, when you share a cohort with the host: the host's chosen tool for the question, "
        "if any. Any other id is NOT_FOUND."
    )
    room = graphene.String(description="The room.")
    notes = graphene.String(description="Notes for the host (visible to the visit's people).")
    cohort_id = graphene.ID(
        description="The cohort the visit counts for; by default the latest you share."
    )


class VisitPropose(VisitPayloadMixin, BaseMutation):
    """Propose to visit a peer's class. Refused with HOST_NOT_TEACHING when the host's
    timetable has no class then, DOUBLE_BOOKED when either of you has a visit at that time.
    The cycle, question and tool default to the host's (see the input)."""

    class Arguments:
        input = VisitProposeInput(required=True, description="The proposal.")

    class Meta:
        permission = Teacher
        error_type = ObservationError

    @classmethod
    def perform(cls, info, input):
        actor = info.context.user
        host = load_teacher(info, input.host_id, field="hostId")
        slq = optional(load_slq, info, input.slq_id)
        visit = visit_propose(
            actor=actor,
            host=host,
            when=_time(input.when),
            cycle_number=input.cycle_number,
            slq=slq,
            tool=load_attachable_tool(info, input.tool_id, host=host, slq=slq)
            if input.tool_id
            else None,
            room=input.room or "",
            notes=input.notes or "",
            cohort=optional(load_cohort, info, input.cohort_id),
        )
        return {"visit": visit}


class VisitAcceptInput(graphene.InputObjectType):
    """Which visit to accept."""

    visit_id = graphene.ID(required=True, description="The Visit (or VisitSummary) id.")


class VisitAccept(VisitPayloadMixin, BaseMutation):
    """Accept a visit proposed to your class (host only). Reminders are scheduled."""

    class Arguments:
        input = VisitAcceptInput(required=True, description="Which visit.")

    class Meta:
        permission = SignedIn
        error_type = ObservationError

    @classmethod
    def perform(cls, info, input):
        visit = load_visit(info, input.visit_id)
        return {"visit": visit_accept(actor=info.context.user, visit=visit)}


class VisitDeclineInput(graphene.InputObjectType):
    """Which visit to decline, and why."""

    visit_id = graphene.ID(required=True, description="The Visit (or VisitSummary) id.")
    reason = graphene.String(required=True, description="Why, for the visitor.")


class VisitDecline(VisitPayloadMixin, BaseMutation):
    """Decline a visit proposed to your class (host only), saying why."""

    class Arguments:
        input = VisitDeclineInput(required=True, description="Which visit and why.")

    class Meta:
        permission = SignedIn
        error_type = ObservationError

    @classmethod
    def perform(cls, info, input):
        visit = load_visit(info, input.visit_id)
        return {"visit": visit_decline(actor=info.context.user, visit=visit, reason=input.reason)}


class VisitCancelInput(graphene.InputObjectType):
    """Which visit to cancel, and why."""

    visit_id = graphene.ID(required=True, description="The Visit (or VisitSummary) id.")
    reason = graphene.String(required=True, description="Why, for the other teacher.")


class VisitCancel(VisitPayloadMixin, BaseMutation):
    """Cancel a proposed or accepted visit (host or visitor), saying why."""

    class Arguments:
        input = VisitCancelInput(required=True, description="Which visit and why.")

    class Meta:
        permission = SignedIn
        error_type = ObservationError

    @classmethod
    def perform(cls, info, input):
        visit = load_visit(info, input.visit_id)
        return {"visit": visit_cancel(actor=info.context.user, visit=visit, reason=input.reason)}


class VisitRescheduleInput(graphene.InputObjectType):
    """Which visit, its new time, and why."""

    visit_id = graphene.ID(required=True, description="The Visit (or VisitSummary) id.")
    when = graphene.Field(
        ScheduleInput, required=True, description="The new time, at the host's school."
    )
    reason = graphene.String(required=True, description="Why, for the other teacher.")
    room = graphene.String(description="A new room, if it changes too.")


class VisitReschedule(VisitPayloadMixin, BaseMutation):
    """Move a proposed or accepted visit. Moved by a visitor, it goes back to PROPOSED for the
    host to accept; moved by the host, it keeps its status."""

    class Arguments:
        input = VisitRescheduleInput(required=True, description="The new time.")

    class Meta:
        permission = SignedIn
        error_type = ObservationError

    @classmethod
    def perform(cls, info, input):
        visit = load_visit(info, input.visit_id)
        visit = visit_reschedule(
            actor=info.context.user,
            visit=visit,
            when=_time(input.when),
            reason=input.reason,
            room=input.room,
        )
        return {"visit": visit}


class VisitCompleteInput(graphene.InputObjectType):
    """Which visit happened."""

    visit_id = graphene.ID(required=True, description="The Visit (or VisitSummary) id.")


class VisitComplete(VisitPayloadMixin, BaseMutation):
    """Mark an accepted visit as having happened (data or a reflection sheet do it too)."""

    class Arguments:
        input = VisitCompleteInput(required=True, description="Which visit.")

    class Meta:
        permission = SignedIn
        error_type = ObservationError

    @classmethod
    def perform(cls, info, input):
        visit = load_visit(info, input.visit_id)
        return {"visit": visit_complete(actor=info.context.user, visit=visit)}


class VisitPlanUpdateInput(graphene.InputObjectType):
    """The visit's question, tool, room or notes; omitted fields stay."""

    visit_id = graphene.ID(required=True, description="The Visit (or VisitSummary) id.")
    slq_id = graphene.ID(description="The host's current Student Learning Question.")
    tool_id = graphene.ID(description="The data-collection tool.")
    room = graphene.String(description="The room.")
    notes = graphene.String(description="Notes between host and visitors.")


class VisitPlanUpdate(VisitPayloadMixin, BaseMutation):
    """Set what the visit is about (host or visitor). The tool is fixed once data arrived
    (TOOL_LOCKED), the question once the reflection sheet exists (SLQ_LOCKED)."""

    class Arguments:
        input = VisitPlanUpdateInput(required=True, description="The changes.")

    class Meta:
        permission = SignedIn
        error_type = ObservationError

    @classmethod
    def perform(cls, info, input):
        visit = load_visit(info, input.visit_id)
        visit = visit_plan_update(
            actor=info.context.user,
            visit=visit,
            slq=load_slq(info, input.slq_id) if input.slq_id else UNSET,
            tool=load_tool(info, input.tool_id) if input.tool_id else UNSET,
            room=input.room if input.room is not None else UNSET,
            notes=input.notes if input.notes is not None else UNSET,
        )
        return {"visit": visit}
