"""photo_upload / photo_delete as services, and how no file outlives its row."""

import io
import os
import time
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from observations import images, photo_files
from observations.models import Photo
from observations.services import photos
from observations.services.photos import photo_delete, photo_upload
from tests.observations.conftest import refused
from tests.observations.factories import visit as make_visit
from tests.observations.pictures import encode, phone_jpeg, picture, stored_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(host, visitor, slq, tool):
    return make_visit(host=host, visitor=visitor, slq=slq, tool=tool)


def jpeg():
    return io.BytesIO(phone_jpeg())


def test_a_photo_is_stored_with_its_sizes_and_random_names(visitor, visit, media_root):
    photo = photo_upload(actor=visitor, upload=jpeg(), visit=visit, caption="  Poster  ")

    assert (photo.caption, photo.width, photo.height) == ("Poster", 40, 60)
    assert (photo.thumbnail_width, photo.thumbnail_height) == (40, 60)
    assert photo.image.name.startswith("observations/photos/")
    assert photo.image.name.endswith(".jpg") and photo.image.name != photo.thumbnail.name
    assert len(stored_files(media_root)) == 2


def test_the_upload_is_read_with_a_byte_cap(visitor, visit, settings, media_root):
    settings.UPLOAD_LIMITS = {**settings.UPLOAD_LIMITS, "max_file_bytes": 1000}
    big = encode(picture((400, 400)), "PNG")
    assert len(big) > 1000

    errors = refused(photo_upload, actor=visitor, upload=io.BytesIO(big), visit=visit)

    assert errors == [("file", "IMAGE_TOO_LARGE")]
    assert stored_files(media_root) == []


def test_a_visit_takes_a_limited_number_of_photos(visitor, visit, monkeypatch, media_root):
    monkeypatch.setattr(photos, "MAX_PHOTOS_PER_ITEM", 2)
    for _ in range(2):
        photo_upload(actor=visitor, upload=jpeg(), visit=visit)

    errors = refused(photo_upload, actor=visitor, upload=jpeg(), visit=visit)

    assert errors == [("visitId", "TOO_MANY_PHOTOS")]
    assert len(stored_files(media_root)) == 4


def test_who_may_attach_is_checked_before_the_file_is_read(outsider, visit, monkeypatch):
    monkeypatch.setattr(images, "read_upload", lambda *a, **k: pytest.fail("read the file"))

    errors = refused(photo_upload, actor=outsider, upload=jpeg(), visit=visit)

    assert errors == [("visitId", "NOT_VISIT_PARTICIPANT")]


def test_the_database_allows_exactly_one_target(visitor, visit, slq):
    fields = {
        "uploaded_by": visitor,
        "image": "x.jpg",
        "thumbnail": "y.jpg",
        "width": 1,
        "height": 1,
        "thumbnail_width": 1,
        "thumbnail_height": 1,
    }
    for targets in ({}, {"visit": visit, "slq": slq}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Photo.objects.create(**fields, **targets)


def test_files_written_in_a_transaction_that_does_not_commit_are_deleted(
    visitor, visit, media_root
):
    sanitized = images.sanitize_image(phone_jpeg())

    # As when the commit fails after photo_upload returned: no row names the files.
    with photo_files.files_written_in():
        photo_files.store(sanitized)
        assert len(stored_files(media_root)) == 2

    assert stored_files(media_root) == []


def test_files_of_a_committed_row_are_kept(visitor, visit, media_root):
    with photo_files.files_written_in():
        photo_upload(actor=visitor, upload=jpeg(), visit=visit)

    assert len(stored_files(media_root)) == 2


def test_a_validation_error_after_writing_deletes_the_files(
    visitor, visit, media_root, monkeypatch
):
    def refuse(*args, **kwargs):
        raise ValidationError("No.", code="INVALID")

    monkeypatch.setattr(photos, "_visit_photos_changed", refuse)

    with pytest.raises(ValidationError):
        photo_upload(actor=visitor, upload=jpeg(), visit=visit)

    assert stored_files(media_root) == []
    assert Photo.objects.count() == 0


def test_deleting_removes_the_files_only_once_committed(
    visitor, visit, media_root, django_capture_on_commit_callbacks
):
    photo = photo_upload(actor=visitor, upload=jpeg(), visit=visit)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        photo_delete(actor=visitor, photo=photo)
    assert len(stored_files(media_root)) == 2  # not yet: the deletion might roll back

    for callback in callbacks:
        callback()
    assert stored_files(media_root) == []


def test_the_sweep_deletes_old_files_no_row_names(visitor, visit, media_root, frozen_time):
    kept = photo_upload(actor=visitor, upload=jpeg(), visit=visit)
    orphan_names = photo_files.store(images.sanitize_image(phone_jpeg()))
    young_names = photo_files.store(images.sanitize_image(phone_jpeg()))
    now = time.time()  # the frozen clock, which the sweep also reads
    old = now - 2 * 24 * 3600
    for name in (*orphan_names, kept.image.name, kept.thumbnail.name):
        os.utime(media_root / name, (old, old))
    for name in young_names:  # one an upload may still be committing
        os.utime(media_root / name, (now, now))

    call_command("sweep_photo_files", hours=24, stdout=io.StringIO())

    left = {str(path.relative_to(media_root)) for path in stored_files(media_root)}
    assert left == {kept.image.name, kept.thumbnail.name, *young_names}


def test_the_sweep_is_harmless_without_a_photo_directory(media_root):
    assert photo_files.sweep_unreferenced(older_than=timedelta(hours=1)) == 0
