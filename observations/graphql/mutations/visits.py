import graphene

from backend.graphql.mutations import BaseMutation
from backend.graphql.permissions import SignedIn, Teacher

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
from ..loaders import load_cohort, load_slq, load_teacher, load_tool, load_visit, optional
from ..types.visits import VisitType


class VisitTimeInput(graphene.InputObjectType):
    """When a visit happens, as the teacher reads it on the bell schedule: the local date and
    start time at the host's school, and a length. A start time skipped by a daylight-saving
    change is refused (NONEXISTENT_LOCAL_TIME); a repeated one means its first occurrence."""

    date = graphene.Date(required=True, description="The local date at the host's school.")
    start_time = graphene.Time(
        required=True, description="The local start time (no offset) at the host's school."
    )
    minutes = graphene.Int(required=True, description="How long, 10 to 240 minutes.")


def _time(when) -> VisitTime:
    return VisitTime(day=when.date, start=when.start_time, minutes=when.minutes)


class VisitPayloadMixin:
    visit = graphene.Field(VisitType, description="The visit after the change.")


class ProposeVisitInput(graphene.InputObjectType):
    """What you propose: whose class, when, and for which cycle, question and tool."""

    host_id = graphene.ID(required=True, description="The host teacher (Person).")
    when = graphene.Field(VisitTimeInput, required=True, description="When.")
    cycle_number = graphene.Int(
        required=True, description="The host's cycle: 1 up to one more than their latest."
    )
    slq_id = graphene.ID(description="The host's current Student Learning Question.")
    tool_id = graphene.ID(description="The data-collection tool.")
    room = graphene.String(description="The room.")
    notes = graphene.String(description="Notes for the host (visible to the visit's people).")
    cohort_id = graphene.ID(
        description="The cohort the visit counts for; by default the latest you share."
    )


class ProposeVisit(VisitPayloadMixin, BaseMutation):
    """Propose to visit a peer's class. Refused with HOST_NOT_TEACHING when the host's
    timetable has no class then, DOUBLE_BOOKED when either of you has a visit at that time."""

    class Arguments:
        input = ProposeVisitInput(required=True, description="The proposal.")

    class Meta:
        permission = Teacher
        error_type = ObservationError

    @classmethod
    def perform(cls, info, input):
        visit = visit_propose(
            actor=info.context.user,
            host=load_teacher(info, input.host_id, field="hostId"),
            when=_time(input.when),
            cycle_number=input.cycle_number,
            slq=optional(load_slq, info, input.slq_id),
            tool=optional(load_tool, info, input.tool_id),
            room=input.room or "",
            notes=input.notes or "",
            cohort=optional(load_cohort, info, input.cohort_id),
        )
        return {"visit": visit}


class VisitIdInput(graphene.InputObjectType):
    """Which visit."""

    visit_id = graphene.ID(required=True, description="The Visit (or VisitSummary) id.")


class VisitReasonInput(graphene.InputObjectType):
    """Which visit, and why."""

    visit_id = graphene.ID(required=True, description="The Visit (or VisitSummary) id.")
    reason = graphene.String(required=True, description="Why, for the other teacher.")


class AcceptVisit(VisitPayloadMixin, BaseMutation):
    """Accept a visit proposed to your class (host only). Reminders are scheduled."""

    class Arguments:
        input = VisitIdInput(required=True, description="Which visit.")

    class Meta:
        permission = SignedIn
        error_type = ObservationError

    @classmethod
    def perform(cls, info, input):
        visit = load_visit(info, input.visit_id)
        return {"visit": visit_accept(actor=info.context.user, visit=visit)}


class DeclineVisit(VisitPayloadMixin, BaseMutation):
    """Decline a visit proposed to your class (host only), saying why."""

    class Arguments:
        input = VisitReasonInput(required=True, description="Which visit and why.")

    class Meta:
        permission = SignedIn
        error_type = ObservationError

    @classmethod
    def perform(cls, info, input):
        visit = load_visit(info, input.visit_id)
        return {"visit": visit_decline(actor=info.context.user, visit=visit, reason=input.reason)}


class CancelVisit(VisitPayloadMixin, BaseMutation):
    """Cancel a proposed or accepted visit (host or visitor), saying why."""

    class Arguments:
        input = VisitReasonInput(required=True, description="Which visit and why.")

    class Meta:
        permission = SignedIn
        error_type = ObservationError

    @classmethod
    def perform(cls, info, input):
        visit = load_visit(info, input.visit_id)
        return {"visit": visit_cancel(actor=info.context.user, visit=visit, reason=input.reason)}


class RescheduleVisitInput(graphene.InputObjectType):
    """Which visit, its new time, and why."""

    visit_id = graphene.ID(required=True, description="The Visit (or VisitSummary) id.")
    when = graphene.Field(VisitTimeInput, required=True, description="The new time.")
    reason = graphene.String(required=True, description="Why, for the other teacher.")
    room = graphene.String(description="A new room, if it changes too.")


class RescheduleVisit(VisitPayloadMixin, BaseMutation):
    """Move a proposed or accepted visit. Moved by a visitor, it goes back to PROPOSED for the
    host to accept; moved by the host, it keeps its status."""

    class Arguments:
        input = RescheduleVisitInput(required=True, description="The new time.")

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


class CompleteVisit(VisitPayloadMixin, BaseMutation):
    """Mark an accepted visit as having happened (data or a reflection sheet do it too)."""

    class Arguments:
        input = VisitIdInput(required=True, description="Which visit.")

    class Meta:
        permission = SignedIn
        error_type = ObservationError

    @classmethod
    def perform(cls, info, input):
        visit = load_visit(info, input.visit_id)
        return {"visit": visit_complete(actor=info.context.user, visit=visit)}


class UpdateVisitPlanInput(graphene.InputObjectType):
    """The visit's question, tool, room or notes; omitted fields stay."""

    visit_id = graphene.ID(required=True, description="The Visit (or VisitSummary) id.")
    slq_id = graphene.ID(description="The host's current Student Learning Question.")
    tool_id = graphene.ID(description="The data-collection tool.")
    room = graphene.String(description="The room.")
    notes = graphene.String(description="Notes between host and visitors.")


class UpdateVisitPlan(VisitPayloadMixin, BaseMutation):
    """Set what the visit is about (host or visitor). The tool is fixed once data arrived
    (TOOL_LOCKED), the question once the reflection sheet exists (SLQ_LOCKED)."""

    class Arguments:
        input = UpdateVisitPlanInput(required=True, description="The changes.")

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
