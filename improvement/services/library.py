"""Sharing a test of change in the improvement library (design §3).

`pdsa_publish` freezes the cycle into a snapshot (`improvement.snapshot`: students
pseudonymised, chosen photos copied) and makes it a live entry for the teachers of the owner's
school or district; `pdsa_unpublish` hides it (its questions stay, for the owner). Publishing
again after unpublishing makes a new entry with a new snapshot; the database keeps one live
entry per cycle.
"""

from __future__ import annotations

import contextlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from observations.models import Photo

from .. import snapshot as snapshots
from ..errors import ImprovementError as Codes
from ..models import LibraryEntry, LibraryScope, Pdsa, Stage
from .common import ensure_owner

PHOTO_LIMIT = 6
"""Photos one entry may carry (a few pictures of student work tell the story)."""
SHAREABLE_STAGES = frozenset({Stage.ACT, Stage.DONE})


def _error(field: str, message: str, code) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _chosen_photos(owner, pdsa: Pdsa, photo_ids: list[int]) -> list[Photo]:
    """The photos the owner attached to the cycle's question, in the order chosen; any other
    id (another question's, someone else's, none) is NOT_FOUND."""
    wanted = list(dict.fromkeys(photo_ids))
    if len(wanted) > PHOTO_LIMIT:
        raise _error("photo_ids", f"Choose at most {PHOTO_LIMIT} photos.", Codes.INVALID)
    found = {
        photo.pk: photo
        for photo in Photo.objects.filter(pk__in=wanted, slq_id=pdsa.slq_id, uploaded_by=owner)
    }
    # Every id that is not one is named (a phone shows each), hidden or missing alike.
    errors = {
        f"photo_ids.{index}": ValidationError("No Photo with this id.", code=Codes.NOT_FOUND)
        for index, pk in enumerate(photo_ids)
        if pk not in found
    }
    if errors:
        raise ValidationError(errors)
    return [found[pk] for pk in wanted]


def _copy_files(copies: list[snapshots.PhotoCopy]) -> list[str]:
    """Copy each chosen photo's file to its new name; on any failure delete what was written."""
    written: list[str] = []
    try:
        for copy in copies:
            with default_storage.open(copy.source, "rb") as handle:
                data = handle.read()
            name = default_storage.save(copy.target, ContentFile(data))
            written.append(name)
            if name != copy.target:  # 128 random bits: never, but never silently either
                raise RuntimeError(f"storage renamed {copy.target} to {name}")
    except FileNotFoundError as exc:
        delete_files(written)
        raise _error(
            "photo_ids", "A chosen photo's file is missing: choose another.", Codes.INVALID
        ) from exc
    except BaseException:
        delete_files(written)
        raise
    return written


def delete_files(names: list[str]) -> None:
    for name in names:
        with contextlib.suppress(OSError):
            default_storage.delete(name)


def pdsa_publish(
    *,
    actor,
    pdsa: Pdsa,
    scope: str,
    commit_to_answer: bool,
    photo_ids: list[int] | None = None,
) -> LibraryEntry:
    """Share `pdsa` with the teachers of the owner's school (SCHOOL) or district (DISTRICT).

    Refusals: NOT_FOUND (not your cycle), RESULTS_REQUIRED (not at ACT or DONE: only a test of
    change with its results is shared), COMMITMENT_REQUIRED (without the promise to answer
    colleagues' questions), ALREADY_PUBLISHED (a live entry exists: unpublish it first),
    NOT_FOUND on photoIds (not a photo you attached to the cycle's question), INVALID."""
    ensure_owner(actor, pdsa, field="pdsa_id", what="Pdsa")
    stage = getattr(pdsa.stage, "value", pdsa.stage)
    if stage not in SHAREABLE_STAGES:
        raise _error(
            "pdsa_id",
            "Only a tested change with its results can be shared: finish the Study stage and "
            "move the cycle to Act first.",
            Codes.RESULTS_REQUIRED,
        )
    if not commit_to_answer:
        raise _error(
            "commit_to_answer",
            "Sharing comes with answering colleagues' questions about it: commit to answer.",
            Codes.COMMITMENT_REQUIRED,
        )
    if scope not in LibraryScope.values:
        raise _error("scope", "Choose SCHOOL or DISTRICT.", Codes.INVALID)
    school = actor.school
    if school is None:
        raise _error("pdsa_id", "Only a teacher of a school can share.", Codes.NOT_ALLOWED)
    photos = _chosen_photos(actor, pdsa, list(photo_ids or []))
    built = snapshots.build(pdsa, photos)
    now = timezone.now()
    written = _copy_files(built.copies)
    try:
        with transaction.atomic():
            Pdsa.objects.select_for_update().filter(pk=pdsa.pk).first()
            if LibraryEntry.objects.filter(pdsa=pdsa, unpublished_at__isnull=True).exists():
                raise _error(
                    "pdsa_id",
                    "This cycle is already in the library: unpublish it to share a new version.",
                    Codes.ALREADY_PUBLISHED,
                )
            try:
                with transaction.atomic():
                    entry = LibraryEntry.objects.create(
                        pdsa=pdsa,
                        owner=actor,
                        scope=scope,
                        school=school if scope == LibraryScope.SCHOOL else None,
                        district_id=school.district_id if scope == LibraryScope.DISTRICT else None,
                        snapshot=built.content,
                        committed_to_answer_at=now,
                        published_at=now,
                    )
            except IntegrityError as exc:  # a concurrent publish of the same cycle won
                raise _error(
                    "pdsa_id",
                    "This cycle is already in the library: unpublish it to share a new version.",
                    Codes.ALREADY_PUBLISHED,
                ) from exc
    except BaseException:
        delete_files(written)
        raise
    # Should the caller's transaction roll back after this, the copies stay behind unnamed
    # (a few hundred kB each); refusals and failures inside this function delete them.
    return entry


@transaction.atomic
def pdsa_unpublish(*, actor, entry: LibraryEntry) -> LibraryEntry:
    """Hide the entry from the library (its owner keeps it and its questions). Unpublishing
    an entry already hidden changes nothing (a resent request is harmless).
    Refusals: NOT_FOUND (not your entry)."""
    ensure_owner(actor, entry, field="library_entry_id", what="LibraryEntry")
    entry = LibraryEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.unpublished_at is None:
        entry.unpublished_at = max(timezone.now(), entry.published_at)
        entry.save(update_fields=["unpublished_at"])
    return entry
