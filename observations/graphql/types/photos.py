"""Photos of student work and artifacts.

A `Photo` is content too: it is seen by whoever may read what it is attached to, and its
pictures are behind signed links made for the viewer that expire (`photo_links`). Lists of
visits, questions, sheets and tools prefetch their photos (`photo_prefetch`), so a list costs
the same number of queries whatever its length.
"""

import graphene
from django.db.models import Prefetch
from graphene_django import DjangoObjectType

from backend.accounts.graphql.types import PersonType
from backend.graphql.errors import ApiErrorCode, PublicError
from backend.signed_links import url_description

from ... import photo_links, selectors
from ...models import Photo
from .visibility import viewer_of


def photo_prefetch(info, lookup: str = "photos") -> Prefetch:
    """Prefetch the photos at `lookup` that the viewer may see, with what PhotoType reads."""
    return Prefetch(lookup, queryset=selectors.photo_list_queryset(viewer_of(info)))


def photos_of(root, info, **owner) -> list:
    """`root`'s photos: prefetched in lists (photo_prefetch), else one query."""
    cache = getattr(root, "_prefetched_objects_cache", {})
    if "photos" in cache:
        return list(cache["photos"])
    return list(selectors.photo_list_queryset(viewer_of(info)).filter(**owner))


def photos_field(what: str):
    return graphene.List(
        graphene.NonNull(lambda: PhotoType),
        required=True,
        description=f"Photos of student work and artifacts attached to {what}, oldest first.",
    )


class PhotoType(DjangoObjectType):
    """A photo of student work or an artifact, attached to a question, a visit, a reflection
    sheet or (the room photo of) a seating-chart tool. Re-encoded as a JPEG from its pixels
    only: no EXIF, GPS position, XMP or comments survive. Seen by whoever may read what it is
    attached to; a tool's room photo by the tool's owner and the people of visits using it.
    The pictures are at links made for you that expire at `linksExpireAt`: ask for the photo
    again after that (the links stay the same for a few minutes, so images cache)."""

    caption = graphene.String(required=True, description="What it shows; may be empty.")
    width = graphene.Int(
        required=True, description="Width of the picture at `url` in pixels (sides <= 2048)."
    )
    height = graphene.Int(required=True, description="Height of the picture at `url` in pixels.")
    thumbnail_width = graphene.Int(
        required=True, description="Width of the thumbnail in pixels (sides <= 320)."
    )
    thumbnail_height = graphene.Int(required=True, description="Height of the thumbnail.")
    url = graphene.String(
        required=True,
        description=url_description(
            "The picture (image/jpeg) at a download link made for you; it works until "
            "`linksExpireAt` and while you may still see the photo."
        ),
    )
    thumbnail_url = graphene.String(
        required=True,
        description=url_description(
            "The thumbnail (image/jpeg) for lists, at a download link like `url`."
        ),
    )
    links_expire_at = graphene.DateTime(
        required=True,
        description="When `url` and `thumbnailUrl` stop working (15 to 20 minutes from now).",
    )
    uploaded_by = graphene.Field(PersonType, required=True, description="Who added it.")
    can_delete = graphene.Boolean(
        required=True,
        description="Whether you may delete it: you added it, or it belongs to your class, "
        "question or tool.",
    )
    created_at = graphene.DateTime(required=True, description="When it was added.")

    class Meta:
        model = Photo
        name = "Photo"
        interfaces = (graphene.relay.Node,)
        fields = ("id",)

    @classmethod
    def get_queryset(cls, queryset, info):
        return selectors.photos_visible_to(viewer_of(info), queryset).select_related(
            "uploaded_by__school", "visit", "slq", "reflection_sheet", "tool"
        )

    @staticmethod
    def _link(root, info, variant):
        try:
            return photo_links.photo_url(
                photo_id=root.pk,
                variant=variant,
                viewer=viewer_of(info),
                request=info.context.request,
            )
        except photo_links.NotRouted as exc:
            raise PublicError(
                "Photos are not available on this server.", code=ApiErrorCode.NOT_AVAILABLE
            ) from exc

    @staticmethod
    def resolve_url(root, info):
        return PhotoType._link(root, info, photo_links.Variant.MAIN)

    @staticmethod
    def resolve_thumbnail_url(root, info):
        return PhotoType._link(root, info, photo_links.Variant.THUMBNAIL)

    @staticmethod
    def resolve_links_expire_at(root, info):
        return photo_links.expires_at()

    @staticmethod
    def resolve_can_delete(root, info):
        from ...services.photos import may_delete

        return may_delete(viewer_of(info), root)
