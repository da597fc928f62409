"""Photos of student work and artifacts, attached to a question, a visit, a reflection sheet
or (the room photo of) a seating-chart tool.

Who may add one: the host of a question; the host and visitors of a visit or of a reflection
sheet's visit (not after the visit was declined or cancelled); the owner of a seating-chart
tool, whose new room photo replaces the old one. Who may delete one: whoever added it and the
host (owner) of what it is attached to.

The upload is read with a byte cap and re-encoded (`images`) before anything is written, and
who may attach it is checked before the file is even read. See `photo_files` for how no file
outlives a failed upload.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from observations.errors import ObservationError

from .. import images, photo_files
from ..models import (
    Photo,
    ReflectionSheet,
    StudentLearningQuestion,
    Tool,
    Visit,
    VisitParticipant,
)
from ..tool_kinds import ToolKind
from .common import CLOSED, lock_visit, now_or
from .events import visit_changed

MAX_PHOTOS_PER_ITEM = 20
MAX_CAPTION = 300


@dataclass(frozen=True)
class _Target:
    """What a photo is attached to: the Photo field, the input field naming it, the object."""

    field: str
    input_field: str
    obj: Visit | StudentLearningQuestion | ReflectionSheet | Tool


def _target(*, visit, slq, reflection_sheet, tool) -> _Target:
    given = [
        _Target(field, input_field, obj)
        for field, input_field, obj in (
            ("visit", "visitId", visit),
            ("slq", "slqId", slq),
            ("reflection_sheet", "reflectionSheetId", reflection_sheet),
            ("tool", "toolId", tool),
        )
        if obj is not None
    ]
    if len(given) != 1:
        raise ValidationError(
            "Attach the photo to exactly one question, visit, reflection sheet or tool.",
            code=ObservationError.INVALID,
        )
    return given[0]


def _refuse(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _is_participant(visit_id: int, actor) -> bool:
    return VisitParticipant.objects.filter(visit_id=visit_id, person=actor).exists()


def _check_may_attach(actor, target: _Target) -> None:
    """Typed refusals for who may add a photo where; the caller can already see the object."""
    obj = target.obj
    if isinstance(obj, Visit | ReflectionSheet):
        visit = obj if isinstance(obj, Visit) else obj.visit
        if not _is_participant(visit.pk, actor):
            raise _refuse(
                target.input_field,
                "Only the host and visitors of this visit can add photos.",
                ObservationError.NOT_VISIT_PARTICIPANT,
            )
        if visit.status in CLOSED:
            raise _refuse(
                target.input_field, "This visit was called off.", ObservationError.VISIT_CLOSED
            )
    elif isinstance(obj, StudentLearningQuestion):
        if obj.host_id != actor.pk:
            raise _refuse(
                target.input_field,
                "Only the host teacher can add photos to their question.",
                ObservationError.NOT_SLQ_HOST,
            )
    elif isinstance(obj, Tool):
        if obj.owner_id is None or obj.owner_id != actor.pk:
            raise _refuse(
                target.input_field,
                "Only the tool's owner can add its room photo; copy it instead.",
                ObservationError.NOT_TOOL_OWNER,
            )
        if obj.kind != ToolKind.SEATING_CHART:
            raise _refuse(
                target.input_field,
                "Only a seating-chart tool has a room photo.",
                ObservationError.NOT_SEATING_CHART,
            )


def _locked(target: _Target) -> _Target:
    """The target re-read under a row lock, so limits and states hold under concurrency."""
    obj = target.obj
    fresh: Visit | StudentLearningQuestion | ReflectionSheet | Tool
    if isinstance(obj, Visit):
        fresh = lock_visit(obj)
    elif isinstance(obj, ReflectionSheet):
        lock_visit(obj.visit)
        fresh = ReflectionSheet.objects.select_related("visit").get(pk=obj.pk)
    else:
        fresh = type(obj).objects.select_for_update().get(pk=obj.pk)
    return _Target(target.field, target.input_field, fresh)


def _sanitized(upload) -> images.SanitizedImage:
    if not hasattr(upload, "read"):
        raise _refuse(
            "file",
            "Send the photo as a file (a multipart request).",
            ObservationError.UNSUPPORTED_IMAGE,
        )
    max_bytes = min(images.DEFAULT_MAX_BYTES, settings.UPLOAD_LIMITS["max_file_bytes"])
    try:
        if hasattr(upload, "seek"):
            upload.seek(0)
        data = images.read_upload(upload, max_bytes=max_bytes)
        return images.sanitize_image(data, max_bytes=max_bytes)
    except ValidationError as error:
        raise ValidationError({"file": error}) from error


def _visit_of(target: _Target) -> Visit | None:
    if isinstance(target.obj, Visit):
        return target.obj
    if isinstance(target.obj, ReflectionSheet):
        return target.obj.visit
    return None


def _visit_photos_changed(visit: Visit, actor) -> None:
    visit = lock_visit(visit)
    visit.revision += 1
    visit.save(update_fields=["revision", "updated_at"])
    visit_changed(visit, "PHOTOS_CHANGED", actor=actor)


def photo_upload(
    *,
    actor,
    upload,
    caption: str | None = None,
    visit: Visit | None = None,
    slq: StudentLearningQuestion | None = None,
    reflection_sheet: ReflectionSheet | None = None,
    tool: Tool | None = None,
    now: datetime | None = None,
) -> Photo:
    """Add a photo. `upload` is a file object (an uploaded file); exactly one of `visit`,
    `slq`, `reflection_sheet` and `tool` says where it goes."""
    now = now_or(now)
    target = _target(visit=visit, slq=slq, reflection_sheet=reflection_sheet, tool=tool)
    caption = (caption or "").strip()
    if len(caption) > MAX_CAPTION:
        raise _refuse("caption", f"At most {MAX_CAPTION} characters.", ObservationError.INVALID)
    # Who may attach it is known before the file is read: refuse early, decode nothing.
    _check_may_attach(actor, target)
    sanitized = _sanitized(upload)

    with transaction.atomic():
        target = _locked(target)
        _check_may_attach(actor, target)
        siblings = Photo.objects.filter(**{target.field: target.obj})
        replaced = list(siblings) if isinstance(target.obj, Tool) else []
        if not replaced and siblings.count() >= MAX_PHOTOS_PER_ITEM:
            raise _refuse(
                target.input_field,
                f"At most {MAX_PHOTOS_PER_ITEM} photos; delete one first.",
                ObservationError.TOO_MANY_PHOTOS,
            )
        image_name, thumbnail_name = photo_files.store(sanitized)
        try:
            with transaction.atomic():
                photo = Photo.objects.create(
                    **{target.field: target.obj},
                    uploaded_by=actor,
                    caption=caption,
                    image=image_name,
                    thumbnail=thumbnail_name,
                    width=sanitized.width,
                    height=sanitized.height,
                    thumbnail_width=sanitized.thumbnail_width,
                    thumbnail_height=sanitized.thumbnail_height,
                    created_at=now,
                )
                for old in replaced:  # a tool has one room photo: the new one replaces it
                    _delete_row(old)
                visit_of_target = _visit_of(target)
                if visit_of_target is not None:
                    _visit_photos_changed(visit_of_target, actor)
        except BaseException:
            photo_files.delete([image_name, thumbnail_name])
            raise
    return photo


def photo_owner_id(photo: Photo) -> int | None:
    """The host (or tool owner) of what the photo is attached to."""
    if photo.visit is not None:
        return photo.visit.host_id
    if photo.reflection_sheet is not None:
        return photo.reflection_sheet.host_id
    if photo.slq is not None:
        return photo.slq.host_id
    if photo.tool is not None:
        return photo.tool.owner_id
    return None


def may_delete(actor, photo: Photo) -> bool:
    if actor is None or not actor.is_authenticated:
        return False
    return actor.pk in (photo.uploaded_by_id, photo_owner_id(photo))


def _delete_row(photo: Photo) -> None:
    names = [name for name in (photo.image.name, photo.thumbnail.name) if name]
    photo.delete()
    photo_files.delete_on_commit(names)


@transaction.atomic
def photo_delete(*, actor, photo: Photo) -> None:
    """Delete a photo you added, or one attached to your class, question or tool. The files
    are deleted once the deletion commits."""
    photo = (
        Photo.objects.select_for_update(of=("self",))
        .select_related("visit", "reflection_sheet__visit", "slq", "tool")
        .get(pk=photo.pk)
    )
    if not may_delete(actor, photo):
        raise _refuse(
            "photoId",
            "Only who added the photo, or the host it belongs to, can delete it.",
            ObservationError.NOT_PHOTO_OWNER,
        )
    visit = photo.visit or (photo.reflection_sheet.visit if photo.reflection_sheet else None)
    _delete_row(photo)
    if visit is not None:
        _visit_photos_changed(visit, actor)
