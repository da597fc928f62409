"""Where photo files live, and how none is left behind without its row.

Files go to Django's default storage (MEDIA_ROOT on one server) under random names in
`observations/photos/`, sharded by their first two hex digits; nothing of the phone's file
name is kept, and MEDIA_URL never serves them (only `views.photo_file`, behind a signed link).

A file is written only after the photo was validated and re-encoded, just before its row, and
three nets make sure no file outlives a row that was never committed:
1. `services.photos.photo_upload` deletes what it wrote when anything fails inside it;
2. `files_written_in()` wraps the mutation's transaction: when it ends (rolled back, refused
   or failed at commit) every file written inside that no committed row names is deleted;
3. `sweep_unreferenced` (`manage.py sweep_photo_files`, daily) deletes old files no row names,
   for a process that died between writing and committing.
A deleted photo's files are deleted after its row's deletion commits (`delete_on_commit`).
"""

from __future__ import annotations

import contextvars
import logging
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .images import SanitizedImage

logger = logging.getLogger(__name__)

DIRECTORY = "observations/photos"

# Files written by the current mutation (see files_written_in); None outside one.
_written: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "observations_photo_files_written", default=None
)


def _random_name(extension: str) -> str:
    token = secrets.token_hex(16)
    return f"{DIRECTORY}/{token[:2]}/{token}.{extension}"


def store(sanitized: SanitizedImage) -> tuple[str, str]:
    """Write the picture and its thumbnail; returns their storage names."""
    names: list[str] = []
    try:
        for content in (sanitized.content, sanitized.thumbnail):
            name = default_storage.save(_random_name(sanitized.extension), ContentFile(content))
            names.append(name)
            ledger = _written.get()
            if ledger is not None:
                ledger.append(name)
    except BaseException:
        delete(names)
        raise
    return names[0], names[1]


def delete(names: Iterable[str]) -> None:
    """Delete files, logging (not raising) what cannot be deleted: the sweep catches it."""
    for name in names:
        if not name:
            continue
        try:
            default_storage.delete(name)
        except Exception:
            logger.exception("Could not delete photo file %s", name)


def delete_on_commit(names: Iterable[str]) -> None:
    """Delete files once the current transaction commits (their row is gone for good)."""
    names = list(names)
    transaction.on_commit(lambda: delete(names))


def referenced(names: Iterable[str]) -> set[str]:
    """Those of `names` that a photo row names (as its picture or thumbnail)."""
    from .models import Photo

    names = list(names)
    if not names:
        return set()
    rows = Photo.objects.filter(Q(image__in=names) | Q(thumbnail__in=names))
    found: set[str] = set()
    for image, thumbnail in rows.values_list("image", "thumbnail"):
        found.update((image, thumbnail))
    return found


@contextmanager
def files_written_in() -> Iterator[list[str]]:
    """Around a mutation's transaction: afterwards, delete the files written inside that no
    row names (the transaction rolled back, was refused, or failed to commit)."""
    ledger: list[str] = []
    token = _written.set(ledger)
    try:
        yield ledger
    finally:
        _written.reset(token)
        if ledger:
            try:
                kept = referenced(ledger)
            except Exception:
                # The database is unreachable (the reason the commit failed, perhaps): keep
                # the files rather than guess; the sweep deletes them if no row names them.
                logger.exception("Could not check photo files after a failed upload")
            else:
                delete(name for name in ledger if name not in kept)


def _walk(directory: str) -> Iterator[str]:
    try:
        folders, files = default_storage.listdir(directory)
    except FileNotFoundError:
        return
    for file_name in files:
        yield f"{directory}/{file_name}"
    for folder in folders:
        yield from _walk(f"{directory}/{folder}")


def sweep_unreferenced(*, older_than: timedelta, now: datetime | None = None) -> int:
    """Delete files in the photo directory that no row names and that are older than
    `older_than` (younger ones may belong to an upload that is still committing)."""
    now = now or timezone.now()
    candidates = [
        name
        for name in _walk(DIRECTORY)
        if default_storage.get_modified_time(name) < now - older_than
    ]
    deleted = 0
    for start in range(0, len(candidates), 500):
        batch = candidates[start : start + 500]
        kept = referenced(batch)
        orphans = [name for name in batch if name not in kept]
        delete(orphans)
        deleted += len(orphans)
    return deleted
