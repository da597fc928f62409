"""Mutations of the improvement app: plan and move a PDSA cycle, make and link measures,
record data points from the phone, add notes to a chart.

Every object an input names must be the caller's own: another person's cycle, measure or
student learning question is NOT_FOUND on its field, like one that does not exist.
"""

import graphene
from django.core.exceptions import ValidationError

from backend.graphql.ids import MAX_PK, load_node, pk_from_global_id
from backend.graphql.mutations import BaseMutation
from backend.graphql.permissions import Teacher
from observations.models import StudentLearningQuestion

from ..errors import ImprovementError as Codes
from ..services.annotations import annotation_add
from ..services.measures import measure_create, pdsa_measure_link
from ..services.pdsa import pdsa_advance, pdsa_create, pdsa_update
from ..services.points import data_points_record
from .enums import MeasureBetter, PdsaActDecision, PdsaStage
from .errors import ImprovementError
from .types import MeasureType, PdsaType


def _value(enum_value):
    return getattr(enum_value, "value", enum_value)


def _own_slq(person, global_id: str) -> StudentLearningQuestion:
    pk = pk_from_global_id(global_id, "StudentLearningQuestion", field="slqId")
    slq = (
        StudentLearningQuestion.objects.filter(pk=pk, host=person).first()
        if pk.isdigit() and int(pk) < MAX_PK
        else None
    )
    if slq is None:
        raise ValidationError(
            {
                "slq_id": ValidationError(
                    "No StudentLearningQuestion with this id.", code=Codes.NOT_FOUND
                )
            }
        )
    return slq


class PdsaCreateInput(graphene.InputObjectType):
    """The plan of a new cycle."""

    slq_id = graphene.ID(
        required=True, description="Your student learning question the change is meant to serve."
    )
    change_idea = graphene.String(required=True, description="The change you will test.")
    predictions = graphene.String(required=True, description="What you predict will happen.")
    follows_id = graphene.ID(
        description="A cycle of yours that is done and decided to adapt: this is its next cycle."
    )


class PdsaCreate(BaseMutation):
    """Plan a PDSA cycle (any teacher, for their own question). Refusals: NOT_FOUND for a
    question or cycle that is not yours, REQUIRED, INVALID (a next cycle of a cycle not done
    with ADAPT, or that already has one)."""

    pdsa = graphene.Field(PdsaType, description="The new cycle, at PLAN.")

    class Arguments:
        input = PdsaCreateInput(required=True, description="The plan.")

    class Meta:
        permission = Teacher
        error_type = ImprovementError

    @classmethod
    def perform(cls, info, input):
        person = info.context.user
        slq = _own_slq(person, input.slq_id)
        follows = None
        if input.follows_id:
            follows = load_node(info, input.follows_id, PdsaType, field="followsId")
        pdsa = pdsa_create(
            owner=person,
            slq=slq,
            change_idea=input.change_idea,
            predictions=input.predictions,
            follows=follows,
        )
        return {"pdsa": pdsa}


class PdsaUpdateInput(graphene.InputObjectType):
    """Fields of the cycle's current stage to change; leave the others out."""

    pdsa_id = graphene.ID(required=True, description="Your cycle.")
    change_idea = graphene.String(description="Plan: the change you will test.")
    predictions = graphene.String(description="Plan: what you predict.")
    do_started_on = graphene.Date(description="Do: the day the change started (not later).")
    do_ended_on = graphene.Date(description="Do: the day the trial ended (not later).")
    do_notes = graphene.String(description="Do: what happened.")
    study_results = graphene.String(description="Study: the results against the predictions.")
    act_decision = PdsaActDecision(description="Act: adopt, adapt or abandon.")
    act_next = graphene.String(description="Act: what comes next.")


UPDATABLE = (
    "change_idea",
    "predictions",
    "do_started_on",
    "do_ended_on",
    "do_notes",
    "study_results",
    "act_decision",
    "act_next",
)


class PdsaUpdate(BaseMutation):
    """Edit fields of your cycle's current stage; each change is kept as a revision.
    Refusals: NOT_ALLOWED for a field of another stage, REQUIRED, FUTURE_DATE, INVALID_DATES."""

    pdsa = graphene.Field(PdsaType, description="The cycle as it is now.")

    class Arguments:
        input = PdsaUpdateInput(required=True, description="What to change.")

    class Meta:
        permission = Teacher
        error_type = ImprovementError

    @classmethod
    def perform(cls, info, input):
        pdsa = load_node(info, input.pdsa_id, PdsaType, field="pdsaId")
        changes = {
            name: _value(input.get(name)) for name in UPDATABLE if input.get(name) is not None
        }
        return {"pdsa": pdsa_update(owner=info.context.user, pdsa=pdsa, **changes)}


class PdsaAdvanceInput(graphene.InputObjectType):
    """The cycle and the stage it moves to."""

    pdsa_id = graphene.ID(required=True, description="Your cycle.")
    stage = PdsaStage(
        required=True, description="The next stage (naming it makes a resent request harmless)."
    )


class PdsaAdvance(BaseMutation):
    """Move your cycle one stage forward. Refusals: INVALID_TRANSITION (not the next stage, or
    the current one is not written: Study before Act, a decision before Done),
    MEASURE_REQUIRED (Do needs a linked measure)."""

    pdsa = graphene.Field(PdsaType, description="The cycle at its new stage.")

    class Arguments:
        input = PdsaAdvanceInput(required=True, description="Which cycle, to which stage.")

    class Meta:
        permission = Teacher
        error_type = ImprovementError

    @classmethod
    def perform(cls, info, input):
        pdsa = load_node(info, input.pdsa_id, PdsaType, field="pdsaId")
        advanced = pdsa_advance(owner=info.context.user, pdsa=pdsa, to=_value(input.stage))
        return {"pdsa": advanced}


class MeasureCreateInput(graphene.InputObjectType):
    """What you will count about the class."""

    name = graphene.String(required=True, description="What is counted.")
    unit = graphene.String(description="Its unit, e.g. 'students'.")
    how_collected = graphene.String(description="How and when you collect it.")
    better = MeasureBetter(description="Which way is better; UP when left out.")
    baseline_count = graphene.Int(
        description="The first points (before the change) whose median is the centre line."
    )


class MeasureCreate(BaseMutation):
    """Make a measure of your class (any teacher). Refusals: REQUIRED, INVALID."""

    measure = graphene.Field(MeasureType, description="The new measure.")

    class Arguments:
        input = MeasureCreateInput(required=True, description="The measure.")

    class Meta:
        permission = Teacher
        error_type = ImprovementError

    @classmethod
    def perform(cls, info, input):
        measure = measure_create(
            owner=info.context.user,
            name=input.name,
            unit=input.unit or "",
            how_collected=input.how_collected or "",
            better=_value(input.better) or "UP",
            baseline_count=input.baseline_count,
        )
        return {"measure": measure}


class PdsaMeasureLinkInput(graphene.InputObjectType):
    """A cycle and a measure, both yours."""

    pdsa_id = graphene.ID(required=True, description="Your cycle.")
    measure_id = graphene.ID(required=True, description="Your measure.")


class PdsaMeasureLink(BaseMutation):
    """Judge your cycle by your measure (linking twice changes nothing). Refusals: NOT_FOUND,
    INVALID (too many measures)."""

    pdsa = graphene.Field(PdsaType, description="The cycle with its measures.")
    measure = graphene.Field(MeasureType, description="The measure.")

    class Arguments:
        input = PdsaMeasureLinkInput(required=True, description="What to link.")

    class Meta:
        permission = Teacher
        error_type = ImprovementError

    @classmethod
    def perform(cls, info, input):
        pdsa = load_node(info, input.pdsa_id, PdsaType, field="pdsaId")
        measure = load_node(info, input.measure_id, MeasureType, field="measureId")
        pdsa_measure_link(owner=info.context.user, pdsa=pdsa, measure=measure)
        return {"pdsa": pdsa, "measure": measure}


class DataPointInput(graphene.InputObjectType):
    """One value of the measure on a day."""

    client_id = graphene.UUID(
        required=True,
        description="A UUID your phone made for this point: sending it again records nothing new.",
    )
    on = graphene.Date(required=True, description="The day (today or before, at your school).")
    value = graphene.Float(required=True, description="The value counted (a finite number).")
    astronomical = graphene.Boolean(
        description="True when the point is clearly unlike the others (you judge it)."
    )


class DataPointsRecordInput(graphene.InputObjectType):
    """A batch of points for one measure, as the phone queued them."""

    measure_id = graphene.ID(required=True, description="Your measure.")
    points = graphene.List(
        graphene.NonNull(DataPointInput), required=True, description="Up to 200 points."
    )


class DataPointsRecord(BaseMutation):
    """Record points for your measure, all or none; a point already recorded with the same
    client id and values is skipped, so resending a batch is safe. Refusals: CLIENT_ID_CONFLICT
    (same id, other values), FUTURE_DATE, NOT_FINITE, REQUIRED, INVALID."""

    measure = graphene.Field(MeasureType, description="The measure with its run chart.")

    class Arguments:
        input = DataPointsRecordInput(required=True, description="The points.")

    class Meta:
        permission = Teacher
        error_type = ImprovementError

    @classmethod
    def perform(cls, info, input):
        measure = load_node(info, input.measure_id, MeasureType, field="measureId")
        data_points_record(
            owner=info.context.user,
            measure=measure,
            points=[
                {
                    "client_id": point.client_id,
                    "on": point.on,
                    "value": point.value,
                    "astronomical": bool(point.astronomical),
                }
                for point in input.points
            ],
        )
        return {"measure": measure}


class AnnotationAddInput(graphene.InputObjectType):
    """A note for a day of your measure's chart."""

    measure_id = graphene.ID(required=True, description="Your measure.")
    on = graphene.Date(required=True, description="The day it marks (today or before).")
    text = graphene.String(required=True, description="The note, e.g. 'snow day'.")


class AnnotationAdd(BaseMutation):
    """Add a note to your measure's chart. Refusals: FUTURE_DATE, REQUIRED, INVALID."""

    measure = graphene.Field(MeasureType, description="The measure with its run chart.")

    class Arguments:
        input = AnnotationAddInput(required=True, description="The note.")

    class Meta:
        permission = Teacher
        error_type = ImprovementError

    @classmethod
    def perform(cls, info, input):
        measure = load_node(info, input.measure_id, MeasureType, field="measureId")
        annotation_add(owner=info.context.user, measure=measure, on=input.on, text=input.text)
        return {"measure": measure}


class ImprovementMutationFields(graphene.ObjectType):
    pdsa_create = PdsaCreate.Field(description=PdsaCreate.__doc__)
    pdsa_update = PdsaUpdate.Field(description=PdsaUpdate.__doc__)
    pdsa_advance = PdsaAdvance.Field(description=PdsaAdvance.__doc__)
    measure_create = MeasureCreate.Field(description=MeasureCreate.__doc__)
    pdsa_measure_link = PdsaMeasureLink.Field(description=PdsaMeasureLink.__doc__)
    data_points_record = DataPointsRecord.Field(description=DataPointsRecord.__doc__)
    annotation_add = AnnotationAdd.Field(description=AnnotationAdd.__doc__)
