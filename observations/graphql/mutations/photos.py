import graphene

from backend.graphql.ids import load_node
from backend.graphql.mutations import BaseMutation
from backend.graphql.permissions import SignedIn
from backend.graphql.uploads import Upload

from ... import photo_files
from ...services.photos import photo_delete, photo_upload
from ..errors import ObservationError
from ..loaders import load_reflection_sheet, load_slq, load_tool, load_visit, optional
from ..types.photos import PhotoType


class PhotoUploadInput(graphene.InputObjectType):
    """A photo and where it goes: exactly one of visitId, slqId, reflectionSheetId, toolId."""

    file = Upload(
        required=True,
        description="The photo (JPEG, PNG, WebP or HEIC; at most 15 MB and 50 megapixels), "
        "sent by the GraphQL multipart request specification.",
    )
    visit_id = graphene.ID(description="A visit you host or visit (Visit or VisitSummary id).")
    slq_id = graphene.ID(description="A Student Learning Question of yours.")
    reflection_sheet_id = graphene.ID(description="The reflection sheet of a visit of yours.")
    tool_id = graphene.ID(
        description="A seating-chart tool of yours: the photo of its room (replaces the last)."
    )
    caption = graphene.String(description="What it shows, at most 300 characters.")


class PhotoUpload(BaseMutation):
    """Add a photo of student work or an artifact to a visit, question or reflection sheet,
    or the room photo of a seating-chart tool. Send it as a multipart request (operations,
    map, file). Whatever the phone put in the file (EXIF, GPS position, XMP, comments) is
    removed: only the pixels are kept, upright, as a JPEG. A refused photo stores nothing
    (UNSUPPORTED_IMAGE, IMAGE_TOO_LARGE on `file`)."""

    photo = graphene.Field(PhotoType, description="The photo as stored.")

    class Arguments:
        input = PhotoUploadInput(required=True, description="The photo and where it goes.")

    class Meta:
        permission = SignedIn
        error_type = ObservationError

    @classmethod
    def mutate(cls, root, info, **arguments):
        # Files written inside a transaction that then does not commit are deleted after it.
        with photo_files.files_written_in():
            return super().mutate(root, info, **arguments)

    @classmethod
    def perform(cls, info, input):
        photo = photo_upload(
            actor=info.context.user,
            upload=input.file,
            caption=input.caption,
            visit=optional(load_visit, info, input.visit_id),
            slq=optional(load_slq, info, input.slq_id),
            reflection_sheet=optional(load_reflection_sheet, info, input.reflection_sheet_id),
            tool=optional(load_tool, info, input.tool_id),
        )
        return {"photo": photo}


class PhotoDeleteInput(graphene.InputObjectType):
    """Which photo."""

    photo_id = graphene.ID(required=True, description="The Photo.")


class PhotoDelete(BaseMutation):
    """Delete a photo you added, or one attached to your class, question or tool. Its files
    are deleted too; links to it stop working."""

    deleted_photo_id = graphene.ID(description="The id of the deleted Photo.")

    class Arguments:
        input = PhotoDeleteInput(required=True, description="Which photo.")

    class Meta:
        permission = SignedIn
        error_type = ObservationError

    @classmethod
    def perform(cls, info, input):
        photo = load_node(info, input.photo_id, PhotoType, field="photoId")
        photo_delete(actor=info.context.user, photo=photo)
        return {"deleted_photo_id": input.photo_id}
