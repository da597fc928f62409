"""photoDelete through the real /graphql/ endpoint: who may delete a photo, and its files go."""

import pytest

from observations.models import Photo
from tests.conftest import error_codes
from tests.observations.conftest import gid
from tests.observations.factories import visit as make_visit
from tests.observations.pictures import fetch, phone_jpeg, stored_files, upload

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.observations.urls")]

DELETE = """
mutation Delete($input: PhotoDeleteInput!) {
  photoDelete(input: $input) { deletedPhotoId errors { field code message } }
}
"""


@pytest.fixture
def visit(host, visitor, cohort, slq, tool):
    return make_visit(host=host, visitor=visitor, cohort=cohort, slq=slq, tool=tool)


def nothing_stored(media_root) -> bool:
    return Photo.objects.count() == 0 and stored_files(media_root) == []


def _photo(api_for, visitor, visit) -> dict:
    return upload(api_for(visitor), phone_jpeg(), visitId=gid("Visit", visit))["photo"]


def test_the_uploader_deletes_a_photo_and_its_files(
    api_for, visitor, visit, media_root, client, django_capture_on_commit_callbacks
):
    photo = _photo(api_for, visitor, visit)

    with django_capture_on_commit_callbacks(execute=True):
        result = api_for(visitor).data(DELETE, {"input": {"photoId": photo["id"]}})

    assert result["photoDelete"] == {"deletedPhotoId": photo["id"], "errors": []}
    assert nothing_stored(media_root)
    assert fetch(client, photo["url"])[0].status_code == 404


def test_the_host_deletes_a_visitors_photo_from_their_class(api_for, host, visitor, visit):
    photo = _photo(api_for, visitor, visit)

    result = api_for(host).data(DELETE, {"input": {"photoId": photo["id"]}})

    assert result["photoDelete"]["errors"] == []
    assert Photo.objects.count() == 0


def test_another_visitor_cannot_delete_the_hosts_photo(api_for, host, visit, school):
    from observations.models import VisitParticipant, VisitRole
    from tests.factories import TeacherFactory

    second = TeacherFactory(school=school)
    VisitParticipant.objects.create(
        visit=visit,
        person=second,
        role=VisitRole.VISITOR,
        starts_at=visit.starts_at,
        ends_at=visit.ends_at,
    )
    photo = upload(api_for(host), phone_jpeg(), visitId=gid("Visit", visit))["photo"]

    result = api_for(second).data(DELETE, {"input": {"photoId": photo["id"]}})

    assert [(e["field"], e["code"]) for e in result["photoDelete"]["errors"]] == [
        ("photoId", "NOT_PHOTO_OWNER")
    ]
    assert Photo.objects.count() == 1


def test_a_photo_you_cannot_see_is_not_found(api_for, visitor, visit, outsider):
    photo = _photo(api_for, visitor, visit)

    result = api_for(outsider).data(DELETE, {"input": {"photoId": photo["id"]}})

    assert error_codes(result["photoDelete"]) == ["NOT_FOUND"]
    assert Photo.objects.count() == 1
