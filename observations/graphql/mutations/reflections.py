import graphene

from backend.graphql.mutations import BaseMutation
from backend.graphql.permissions import SignedIn

from ...services.reflections import reflection_sheet_share, reflection_sheet_write
from ..errors import ObservationError
from ..loaders import load_reflection_sheet, load_visit
from ..types.visits import ReflectionSheetType, VisitType


class ReflectionSheetWriteInput(graphene.InputObjectType):
    """What the reflection protocol concluded."""

    visit_id = graphene.ID(required=True, description="The Visit (or VisitSummary) id.")
    considerations = graphene.String(
        required=True, description="Where students are relative to the aim; what stands out."
    )
    next_steps = graphene.String(required=True, description="What the host will try next.")
    keeps_slq = graphene.Boolean(
        required=True,
        description="True: the host keeps the question for the next cycle. False: it is "
        "retired and the host writes a new one.",
    )


class ReflectionSheetWrite(BaseMutation):
    """Write or revise a visit's reflection sheet (host or visitor, after the visit started).
    It copies the SLQ and the data summary, completes the visit and withdraws the reminder."""

    reflection_sheet = graphene.Field(ReflectionSheetType, description="The sheet.")
    visit = graphene.Field(VisitType, description="The visit after the change.")

    class Arguments:
        input = ReflectionSheetWriteInput(required=True, description="The sheet.")

    class Meta:
        permission = SignedIn
        error_type = ObservationError

    @classmethod
    def perform(cls, info, input):
        visit = load_visit(info, input.visit_id)
        sheet = reflection_sheet_write(
            actor=info.context.user,
            visit=visit,
            considerations=input.considerations,
            next_steps=input.next_steps,
            keeps_slq=input.keeps_slq,
        )
        return {"reflection_sheet": sheet, "visit": sheet.visit}


class ReflectionSheetShareInput(graphene.InputObjectType):
    """Whether the visit's cohort may read the sheet."""

    reflection_sheet_id = graphene.ID(required=True, description="The sheet.")
    shared = graphene.Boolean(required=True, description="True to share, false to stop.")


class ReflectionSheetShare(BaseMutation):
    """Share your reflection sheet with the visit's cohort (leader, blue and yellow dots), or
    stop sharing it (host only). Coordinators never see it."""

    reflection_sheet = graphene.Field(ReflectionSheetType, description="The sheet.")

    class Arguments:
        input = ReflectionSheetShareInput(required=True, description="The choice.")

    class Meta:
        permission = SignedIn
        error_type = ObservationError

    @classmethod
    def perform(cls, info, input):
        sheet = load_reflection_sheet(info, input.reflection_sheet_id)
        sheet = reflection_sheet_share(actor=info.context.user, sheet=sheet, shared=input.shared)
        return {"reflection_sheet": sheet}
