"""Data-collection tools."""

import graphene
from graphene_django import DjangoObjectType

from backend.accounts.graphql.types import PersonType
from backend.graphql.selection import asks_for
from backend.graphql.types import CountableConnection

from ... import selectors
from ...models import StudentLearningQuestion, Tool
from ..enums import ToolKind, ToolSharing
from .photos import PhotoType, photo_prefetch, photos_of
from .slqs import StudentLearningQuestionType
from .tool_data import KindData, ToolDefinition, tool_entry_json_schema
from .visibility import viewer_of, visible_link, visible_link_prefetches


class ToolType(DjangoObjectType):
    """A data-collection tool: a kind and its definition. Library tools ship with the app;
    teachers copy and adapt them and share them with their school or district."""

    kind = graphene.Field(ToolKind, required=True, description="What the tool records.")
    name = graphene.String(required=True, description="Its name.")
    description = graphene.String(required=True, description="How to use it; may be empty.")
    definition = graphene.Field(
        ToolDefinition,
        required=True,
        description="The validated definition: the type of the tool's kind.",
    )
    entry_json_schema = graphene.String(
        required=True,
        description="JSON Schema (draft 2020-12, as a JSON text) of an entry for this tool: "
        "its kind's schema narrowed to this tool's keys, for checking on the phone offline.",
    )
    sharing = graphene.Field(ToolSharing, required=True, description="Who can see and copy it.")
    is_library_tool = graphene.Boolean(
        required=True, description="True for the app's starter tools."
    )
    library_key = graphene.String(description="Stable key of a library tool.")
    example_questions = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="Student Learning Questions the tool helps answer.",
    )
    owner = graphene.Field(PersonType, description="Who made it; null for library tools.")
    is_mine = graphene.Boolean(required=True, description="True if you own it (can change it).")
    copied_from = graphene.Field(
        lambda: ToolType, description="The tool it was copied from, if you can see it."
    )
    slq = graphene.Field(
        StudentLearningQuestionType,
        description="The question it was crafted for, if you can see it.",
    )
    created_at = graphene.DateTime(required=True, description="When it was made.")
    updated_at = graphene.DateTime(required=True, description="When it last changed.")
    room_photo = graphene.Field(
        lambda: PhotoType,
        description="A seating-chart tool's photo of the room; shown to its owner and the "
        "people of visits using it (sharing the tool does not share it), else null.",
    )

    class Meta:
        model = Tool
        name = "Tool"
        interfaces = (graphene.relay.Node,)
        fields = ("id",)
        connection_class = CountableConnection

    @classmethod
    def get_queryset(cls, queryset, info):
        return (
            selectors.tools_visible_to(viewer_of(info), queryset)
            .select_related("owner__school")
            .prefetch_related(
                *([photo_prefetch(info)] if asks_for(info, "roomPhoto") else []),
                *visible_link_prefetches(info, cls._links(info)),
            )
        )

    @staticmethod
    def _links(info) -> dict:
        viewer = viewer_of(info)
        return {
            "copiedFrom": (
                "copied_from",
                selectors.tools_visible_to(viewer).select_related("owner__school"),
            ),
            # Through the question's own type: its links and photos come prefetched too.
            "slq": (
                "slq",
                StudentLearningQuestionType.get_queryset(
                    StudentLearningQuestion.objects.all(), info
                ).select_related("host__school__district", "crafted_with__school__district"),
            ),
        }

    @staticmethod
    def resolve_room_photo(root, info):
        photos = photos_of(root, info, tool=root)
        return photos[-1] if photos else None

    @staticmethod
    def resolve_kind(root, info):
        return str(root.kind)

    @staticmethod
    def resolve_definition(root, info):
        return KindData(root.kind, root.definition)

    @staticmethod
    def resolve_entry_json_schema(root, info):
        return tool_entry_json_schema(root.kind, root.definition)

    @staticmethod
    def resolve_sharing(root, info):
        return str(root.sharing)

    @staticmethod
    def resolve_is_library_tool(root, info):
        return root.is_library

    @staticmethod
    def resolve_example_questions(root, info):
        return list(root.example_questions or [])

    @staticmethod
    def resolve_is_mine(root, info):
        return root.owner_id is not None and root.owner_id == viewer_of(info).pk

    @staticmethod
    def resolve_copied_from(root, info):
        if root.copied_from_id is None:
            return None
        return visible_link(
            root,
            "copied_from",
            lambda: (
                selectors.tools_visible_to(viewer_of(info)).filter(pk=root.copied_from_id).first()
            ),
        )

    @staticmethod
    def resolve_slq(root, info):
        if root.slq_id is None:
            return None
        return visible_link(
            root,
            "slq",
            lambda: selectors.slqs_visible_to(viewer_of(info)).filter(pk=root.slq_id).first(),
        )
