import graphene
from django.core.exceptions import ValidationError

from backend.graphql.mutations import BaseMutation
from backend.graphql.permissions import SignedIn, Teacher
from observations.errors import ObservationError as Codes

from ...models import Sharing
from ...services.tools import UNSET, tool_copy, tool_create, tool_update
from ...tool_kinds import ToolKind as Kind
from ...tool_kinds import to_api_path
from ..enums import ToolSharing
from ..errors import ObservationError
from ..loaders import load_slq, load_tool, optional
from ..types.tool_data import ToolDefinitionInput, api_field, one_of
from ..types.tools import ToolType


def _definition(value, *, kind: str | None = None) -> tuple[Kind, dict]:
    """The kind and stored form of a ToolDefinitionInput, which sets exactly one kind's field
    (and, for an existing tool, its own kind's)."""
    chosen = one_of(value)
    if len(chosen) != 1:
        raise ValidationError(
            {
                "definition": ValidationError(
                    "Set exactly one field of the definition, the one of the tool's kind "
                    "(%(count)d set).",
                    code=Codes.INVALID_TOOL_DEFINITION,
                    params={"count": len(chosen)},
                )
            }
        )
    (chosen_kind, stored), *_ = chosen
    if kind is not None and chosen_kind != kind:
        raise ValidationError(
            {
                f"definition.{api_field(chosen_kind)}": ValidationError(
                    "This is a %(kind)s tool: send definition.%(field)s (copy a tool to change "
                    "its kind).",
                    code=Codes.INVALID_TOOL_DEFINITION,
                    params={"kind": Kind(kind).label, "field": api_field(Kind(kind))},
                )
            }
        )
    return chosen_kind, stored


def _definition_paths(exc: ValidationError, kind: Kind) -> ValidationError:
    """The service's `definition.<stored path>` as the input's `definition.<kind>.<camelCase>`."""
    if not hasattr(exc, "error_dict"):
        return exc
    renamed = {}
    for key, problems in exc.error_dict.items():
        # `definition` itself (TOOL_IN_USE) stays: it is about the tool, not a field.
        if key.startswith("definition."):
            key = f"definition.{api_field(kind)}.{to_api_path(key.removeprefix('definition.'))}"
        renamed[key] = problems
    return ValidationError(renamed)


def _value(enum_member, default=None):
    return enum_member.value if enum_member is not None else default


class ToolCreateInput(graphene.InputObjectType):
    """A new data-collection tool."""

    name = graphene.String(required=True, description="Its name.")
    description = graphene.String(description="How to use it.")
    definition = graphene.Field(
        ToolDefinitionInput,
        required=True,
        description="Its definition; the one field set says the tool's kind.",
    )
    sharing = graphene.Field(ToolSharing, description="Who can see it; PRIVATE by default.")
    slq_id = graphene.ID(description="The Student Learning Question it is crafted for.")


class ToolCreate(BaseMutation):
    """Craft a data-collection tool. Definition problems come back per field
    (`definition.tally.categories.2.label`) with code INVALID_TOOL_DEFINITION."""

    tool = graphene.Field(ToolType, description="The new tool.")

    class Arguments:
        input = ToolCreateInput(required=True, description="The tool.")

    class Meta:
        permission = Teacher
        error_type = ObservationError

    @classmethod
    def perform(cls, info, input):
        kind, definition = _definition(input.definition)
        try:
            tool = tool_create(
                actor=info.context.user,
                kind=kind.value,
                name=input.name,
                description=input.description or "",
                definition=definition,
                sharing=_value(input.sharing, Sharing.PRIVATE),
                slq=optional(load_slq, info, input.slq_id),
            )
        except ValidationError as exc:
            raise _definition_paths(exc, kind) from exc
        return {"tool": tool}


class ToolUpdateInput(graphene.InputObjectType):
    """Changes to your tool; omitted fields stay."""

    tool_id = graphene.ID(required=True, description="The tool to change.")
    name = graphene.String(description="Its name.")
    description = graphene.String(description="How to use it.")
    definition = graphene.Field(
        ToolDefinitionInput,
        description="A new definition, with the field of the tool's kind set (the kind stays).",
    )
    sharing = graphene.Field(ToolSharing, description="Who can see it.")
    slq_id = graphene.ID(description="The Student Learning Question it is crafted for.")


class ToolUpdate(BaseMutation):
    """Adapt your tool. Its definition is fixed once data was collected with it (TOOL_IN_USE):
    copy it instead."""

    tool = graphene.Field(ToolType, description="The changed tool.")

    class Arguments:
        input = ToolUpdateInput(required=True, description="The changes.")

    class Meta:
        permission = SignedIn
        error_type = ObservationError

    @classmethod
    def perform(cls, info, input):
        tool = load_tool(info, input.tool_id)
        kind, definition = (
            _definition(input.definition, kind=tool.kind)
            if input.definition is not None
            else (Kind(tool.kind), UNSET)
        )
        try:
            tool = tool_update(
                actor=info.context.user,
                tool=tool,
                name=input.name,
                description=input.description,
                definition=definition,
                sharing=_value(input.sharing),
                slq=load_slq(info, input.slq_id) if input.slq_id else UNSET,
            )
        except ValidationError as exc:
            raise _definition_paths(exc, kind) from exc
        return {"tool": tool}


class ToolCopyInput(graphene.InputObjectType):
    """Which tool to copy, and how to set up the copy."""

    tool_id = graphene.ID(required=True, description="A tool you can see (e.g. a library one).")
    name = graphene.String(description="The copy's name; the original's by default.")
    sharing = graphene.Field(ToolSharing, description="Who can see the copy; PRIVATE by default.")
    slq_id = graphene.ID(description="The Student Learning Question the copy is for.")


class ToolCopy(BaseMutation):
    """Make your own copy of a tool to adapt it."""

    tool = graphene.Field(ToolType, description="The copy.")

    class Arguments:
        input = ToolCopyInput(required=True, description="What to copy.")

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
