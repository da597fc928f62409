"""Student Learning Questions."""

import graphene
from graphene_django import DjangoObjectType

from backend.accounts.graphql.types import PersonType
from backend.graphql.selection import asks_for
from backend.graphql.types import CountableConnection

from ... import selectors
from ...models import StudentLearningQuestion
from .photos import photo_prefetch, photos_field, photos_of
from .visibility import viewer_of, visible_link, visible_link_prefetches


class StudentLearningQuestionType(DjangoObjectType):
    """A host teacher's question about their students' learning, crafted with a visiting peer.
    Seen by the host, the peer who helped craft it and the visitors of visits that use it."""

    area_of_focus = graphene.String(required=True, description="The area of interest.")
    question = graphene.String(required=True, description="The question itself.")
    host = graphene.Field(PersonType, required=True, description="The teacher who asks it.")
    crafted_with = graphene.Field(PersonType, description="The peer who helped craft it.")
    is_retired = graphene.Boolean(
        required=True,
        description="True once replaced or not kept after a cycle: new visits need a current one.",
    )
    retired_at = graphene.DateTime(description="When it was retired.")
    replaces = graphene.Field(
        lambda: StudentLearningQuestionType, description="The question this one replaced."
    )
    replaced_by = graphene.Field(
        lambda: StudentLearningQuestionType, description="The question that replaced this one."
    )
    created_at = graphene.DateTime(required=True, description="When it was written.")
    updated_at = graphene.DateTime(required=True, description="When it was last edited.")
    photos = photos_field("the question (e.g. the student work that prompted it)")

    class Meta:
        model = StudentLearningQuestion
        name = "StudentLearningQuestion"
        interfaces = (graphene.relay.Node,)
        fields = ("id",)
        connection_class = CountableConnection

    @classmethod
    def get_queryset(cls, queryset, info):
        return (
            selectors.slqs_visible_to(viewer_of(info), queryset)
            .select_related("host__school", "crafted_with__school")
            .prefetch_related(
                *([photo_prefetch(info)] if asks_for(info, "photos") else []),
                *visible_link_prefetches(info, cls._links(info)),
            )
        )

    @staticmethod
    def _links(info) -> dict:
        visible = selectors.slqs_visible_to(viewer_of(info)).select_related(
            "host__school", "crafted_with__school"
        )
        return {"replaces": ("replaces", visible), "replacedBy": ("replaced_by", visible)}

    @staticmethod
    def resolve_photos(root, info):
        return photos_of(root, info, slq=root)

    @staticmethod
    def resolve_is_retired(root, info):
        return root.is_retired

    @staticmethod
    def resolve_replaces(root, info):
        if root.replaces_id is None:
            return None
        return visible_link(
            root,
            "replaces",
            lambda: selectors.slqs_visible_to(viewer_of(info)).filter(pk=root.replaces_id).first(),
        )

    @staticmethod
    def resolve_replaced_by(root, info):
        return visible_link(
            root,
            "replaced_by",
            lambda: selectors.slqs_visible_to(viewer_of(info)).filter(replaces_id=root.pk).first(),
        )
