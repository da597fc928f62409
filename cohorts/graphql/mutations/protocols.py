"""A school's own protocols."""

import graphene

from backend.accounts.graphql.types import SchoolType
from backend.graphql.ids import load_node
from backend.graphql.mutations import BaseMutation
from backend.graphql.permissions import TeacherLeader

from ...services.common import field_error
from ...services.protocols import StepData, protocol_create, protocol_update
from ..errors import CohortError
from ..types import ProtocolType


class ProtocolStepInput(graphene.InputObjectType):
    """One timed step."""

    title = graphene.String(required=True, description="What happens.")
    minutes = graphene.Int(required=True, description="How long it takes (0 to 240).")
    guidance = graphene.String(description="How to facilitate it.")


def _steps(steps) -> list[StepData] | None:
    if steps is None:
        return None
    return [StepData(step.title, step.minutes, step.guidance or "") for step in steps]


class ProtocolCreateInput(graphene.InputObjectType):
    """A protocol for your school."""

    school_id = graphene.ID(description="Defaults to your school.")
    name = graphene.String(required=True, description="Unique within the school.")
    purpose = graphene.String(description="What it is for.")
    steps = graphene.List(
        graphene.NonNull(ProtocolStepInput), required=True, description="The steps, in order."
    )


class ProtocolCreate(BaseMutation):
    """Add a protocol for your school beside the programme's library (teacher leaders)."""

    protocol = graphene.Field(ProtocolType, description="The new protocol.")

    class Arguments:
        input = ProtocolCreateInput(required=True, description="The protocol.")

    class Meta:
        permission = TeacherLeader
        error_type = CohortError

    @classmethod
    def perform(cls, info, input):
        user = info.context.user
        if input.school_id:
            school = load_node(info, input.school_id, SchoolType, field="schoolId")
        elif user.school_id:
            school = user.school
        else:
            raise field_error("schoolId", "Choose the school.", "REQUIRED")
        protocol = protocol_create(
            actor=user,
            school=school,
            name=input.name,
            purpose=input.purpose or "",
            steps=_steps(input.steps),
        )
        return {"protocol": protocol}


class ProtocolUpdateInput(graphene.InputObjectType):
    """What to change; fields left out stay as they are."""

    protocol_id = graphene.ID(required=True, description="One of your school's protocols.")
    name = graphene.String(description="A new name.")
    purpose = graphene.String(description="A new purpose.")
    steps = graphene.List(
        graphene.NonNull(ProtocolStepInput), description="The steps from now on (replaces them)."
    )


class ProtocolUpdate(BaseMutation):
    """Change one of your school's protocols; the programme's library is read only."""

    protocol = graphene.Field(ProtocolType, description="The protocol as it is now.")

    class Arguments:
        input = ProtocolUpdateInput(required=True, description="What to change.")

    class Meta:
        permission = TeacherLeader
        error_type = CohortError

    @classmethod
    def perform(cls, info, input):
        protocol = protocol_update(
            actor=info.context.user,
            protocol=load_node(info, input.protocol_id, ProtocolType, field="protocolId"),
            name=input.name,
            purpose=input.purpose,
            steps=_steps(input.steps),
        )
        return {"protocol": protocol}
