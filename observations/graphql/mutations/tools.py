import graphene

from backend.graphql.mutations import BaseMutation
from backend.graphql.permissions import SignedIn, Teacher
from observations.errors import ObservationError as Codes

from ...models import Sharing
from ...services.tools import UNSET, tool_copy, tool_create, tool_update
from .. import json_text
from ..enums import ToolKind, ToolSharing
from ..errors import ObservationError
from ..loaders import load_slq, load_tool, optional
from ..types.tools import ToolType


def _definition(text: str):
    return json_text.load(text, field="definition", code=Codes.INVALID_TOOL_DEFINITION)


def _value(enum_member, default=None):
    return enum_member.value if enum_member is not None else default


class CreateToolInput(graphene.InputObjectType):
    """A new data-collection tool."""

    kind = graphene.Field(ToolKind, required=True, description="What it records.")
    name = graphene.String(required=True, description="Its name.")
    description = graphene.String(description="How to use it.")
    definition = graphene.String(
        required=True,
        description="The definition for the kind (see ToolKind) as a JSON text, snake_case keys.",
    )
    sharing = graphene.Field(ToolSharing, description="Who can see it; PRIVATE by default.")
    slq_id = graphene.ID(description="The Student Learning Question it is crafted for.")


class CreateTool(BaseMutation):
    """Craft a data-collection tool. Definition problems come back per field
    (`definition.categories.2.label`) with code INVALID_TOOL_DEFINITION."""

    tool = graphene.Field(ToolType, description="The new tool.")

    class Arguments:
        input = CreateToolInput(required=True, description="The tool.")

    class Meta:
        permission = Teacher
        error_type = ObservationError

    @classmethod
    def perform(cls, info, input):
        tool = tool_create(
            actor=info.context.user,
            kind=input.kind.value,
            name=input.name,
            description=input.description or "",
            definition=_definition(input.definition),
            sharing=_value(input.sharing, Sharing.PRIVATE),
            slq=optional(load_slq, info, input.slq_id),
        )
        return {"tool": tool}


class UpdateToolInput(graphene.InputObjectType):
    """Changes to your tool; omitted fields stay."""

    tool_id = graphene.ID(required=True, description="The tool to change.")
    name = graphene.String(description="Its name.")
    description = graphene.String(description="How to use it.")
    definition = graphene.String(description="A new definition for its kind, as a JSON text.")
    sharing = graphene.Field(ToolSharing, description="Who can see it.")
    slq_id = graphene.ID(description="The Student Learning Question it is crafted for.")


class UpdateTool(BaseMutation):
    """Adapt your tool. Its definition is fixed once data was collected with it (TOOL_IN_USE):
    copy it instead."""

    tool = graphene.Field(ToolType, description="The changed tool.")

    class Arguments:
        input = UpdateToolInput(required=True, description="The changes.")

    class Meta:
        permission = SignedIn
        error_type = ObservationError

    @classmethod
    def perform(cls, info, input):
        tool = tool_update(
            actor=info.context.user,
            tool=load_tool(info, input.tool_id),
            name=input.name,
            description=input.description,
            definition=_definition(input.definition) if input.definition is not None else UNSET,
            sharing=_value(input.sharing),
            slq=load_slq(info, input.slq_id) if input.slq_id else UNSET,
        )
        return {"tool": tool}


class CopyToolInput(graphene.InputObjectType):
    """Which tool to copy, and how to set up the copy."""

    tool_id = graphene.ID(required=True, description="A tool you can see (e.g. a library one).")
    name = graphene.String(description="The copy's name; the original's by default.")
    sharing = graphene.Field(ToolSharing, description="Who can see the copy; PRIVATE by default.")
    slq_id = graphene.ID(description="The Student Learning Question the copy is for.")


class CopyTool(BaseMutation):
    """Make your own copy of a tool to adapt it."""

    tool = graphene.Field(ToolType, description="The copy.")

    class Arguments:
        input = CopyToolInput(required=True, description="What to copy.")

    class Meta:
        permission = Teacher
        error_type = ObservationError

    @classmethod
    def perform(cls, info, input):
        tool = tool_copy(
            actor=info.context.user,
            source=load_tool(info, input.tool_id),
            name=input.name,
            sharing=_value(input.sharing, Sharing.PRIVATE),
            slq=optional(load_slq, info, input.slq_id),
        )
        return {"tool": tool}
