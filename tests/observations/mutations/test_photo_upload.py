"""photoUpload through the real /graphql/ endpoint (multipart): what is kept of a photo, what
is refused (storing nothing), and the visits, questions, sheets and tools a photo belongs to."""

import pytest
from PIL import Image

from observations.models import Photo, ReflectionSheet, VisitStatus
from tests.conftest import error_codes, top_level_codes
from tests.observations.conftest import gid
from tests.observations.factories import ToolFactory
from tests.observations.factories import visit as make_visit
from tests.observations.pictures import (
    assert_clean_jpeg,
    encode,
    fetch,
    gif,
    heic,
    phone_jpeg,
    picture,
    png_declaring,
    post_upload,
    stored_files,
    upload,
)

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.observations.urls")]
VISIT_PHOTOS = """
query V($id: ID!) {
  node(id: $id) { ... on Visit { photos { id caption url thumbnailUrl uploadedBy { fullName } } } }
}
"""


@pytest.fixture
def visit(host, visitor, cohort, slq, tool):
    return make_visit(host=host, visitor=visitor, cohort=cohort, slq=slq, tool=tool)


def nothing_stored(media_root) -> bool:
    return Photo.objects.count() == 0 and stored_files(media_root) == []


# --- accepted photos ----------------------------------------------------------------------


def test_a_phone_jpeg_comes_back_without_exif_gps_or_xmp(api_for, visitor, visit, client):
    result = upload(
        api_for(visitor), phone_jpeg(), visitId=gid("Visit", visit), caption="Table 3's poster"
    )

    assert result["errors"] == []
    photo = result["photo"]
    assert photo["caption"] == "Table 3's poster"
    assert photo["uploadedBy"] == {"fullName": "Victor Visitor"}
    # EXIF orientation 6 was applied: stored 60x40, upright 40x60.
    assert (photo["width"], photo["height"]) == (40, 60)
    response, body = fetch(client, photo["url"])
    assert response.status_code == 200
    assert_clean_jpeg(body)
    assert Image.open(__import__("io").BytesIO(body)).size == (40, 60)
    _, thumbnail = fetch(client, photo["thumbnailUrl"])
    assert_clean_jpeg(thumbnail)


def test_the_original_file_name_is_not_kept(api_for, visitor, visit, media_root):
    upload(api_for(visitor), phone_jpeg(), visitId=gid("Visit", visit))

    files = stored_files(media_root)
    assert len(files) == 2  # the picture and its thumbnail
    assert all("IMG_0001" not in str(path) for path in files)
    photo = Photo.objects.get()
    assert {photo.image.name, photo.thumbnail.name} == {
        str(path.relative_to(media_root)) for path in files
    }


def test_heic_from_an_iphone_is_accepted(api_for, host, visit, client):
    result = upload(api_for(host), heic(), visitId=gid("Visit", visit), name="IMG_0002.HEIC")

    assert result["errors"] == []
    response, body = fetch(client, result["photo"]["url"])
    assert response.status_code == 200
    assert_clean_jpeg(body)


def test_png_and_webp_are_accepted(api_for, host, visit):
    for fmt in ("PNG", "WEBP"):
        result = upload(api_for(host), encode(picture(), fmt), visitId=gid("Visit", visit))
        assert result["errors"] == [], fmt


def test_the_visit_lists_its_photos(api_for, host, visitor, visit):
    upload(api_for(visitor), phone_jpeg(), visitId=gid("Visit", visit), caption="First")
    upload(api_for(host), phone_jpeg(), visitId=gid("Visit", visit), caption="Second")

    photos = api_for(host).data(VISIT_PHOTOS, {"id": gid("Visit", visit)})["node"]["photos"]

    assert [p["caption"] for p in photos] == ["First", "Second"]
    assert [p["uploadedBy"]["fullName"] for p in photos] == ["Victor Visitor", "Hana Host"]


def test_adding_a_photo_moves_the_visit_revision(api_for, visitor, visit):
    before = visit.revision

    upload(api_for(visitor), phone_jpeg(), visitId=gid("Visit", visit))

    visit.refresh_from_db()
    assert visit.revision == before + 1


# --- refused photos store nothing ---------------------------------------------------------


def test_a_gif_is_refused_as_unsupported(api_for, visitor, visit, media_root):
    result = upload(api_for(visitor), gif(), visitId=gid("Visit", visit), name="a.gif")

    assert result["photo"] is None
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("file", "UNSUPPORTED_IMAGE")]
    assert nothing_stored(media_root)


def test_a_file_renamed_to_jpg_is_refused(api_for, visitor, visit, media_root):
    result = upload(api_for(visitor), b"<?php system($_GET['c']); ?>", visitId=gid("Visit", visit))

    assert error_codes(result) == ["UNSUPPORTED_IMAGE"]
    assert nothing_stored(media_root)


def test_a_decompression_bomb_is_refused_as_too_large(api_for, visitor, visit, media_root):
    bomb = png_declaring(50_000, 50_000)  # 2.5 billion pixels in under 100 bytes
    assert len(bomb) < 100

    result = upload(api_for(visitor), bomb, visitId=gid("Visit", visit), name="bomb.png")

    assert [(e["field"], e["code"]) for e in result["errors"]] == [("file", "IMAGE_TOO_LARGE")]
    assert "megapixels" in result["errors"][0]["message"]
    assert nothing_stored(media_root)


def test_someone_outside_the_visit_cannot_add_a_photo(api_for, outsider, visit, media_root):
    result = upload(api_for(outsider), phone_jpeg(), visitId=gid("Visit", visit))

    # They cannot even tell the visit exists.
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("visitId", "NOT_FOUND")]
    assert nothing_stored(media_root)


def test_the_cohort_leader_cannot_add_a_photo_to_a_visit_they_only_see(
    api_for, leader, visit, media_root
):
    result = upload(api_for(leader), phone_jpeg(), visitId=gid("VisitSummary", visit))

    assert [(e["field"], e["code"]) for e in result["errors"]] == [
        ("visitId", "NOT_VISIT_PARTICIPANT")
    ]
    assert nothing_stored(media_root)


def test_a_cancelled_visit_takes_no_photos(api_for, host, visitor, media_root):
    cancelled = make_visit(host=host, visitor=visitor, status=VisitStatus.CANCELLED)

    result = upload(api_for(visitor), phone_jpeg(), visitId=gid("Visit", cancelled))

    assert error_codes(result) == ["VISIT_CLOSED"]
    assert nothing_stored(media_root)


def test_exactly_one_place_is_named(api_for, host, visit, slq, media_root):
    none = upload(api_for(host), phone_jpeg())
    two = upload(
        api_for(host),
        phone_jpeg(),
        visitId=gid("Visit", visit),
        slqId=gid("StudentLearningQuestion", slq),
    )

    assert [(e["field"], e["code"]) for e in none["errors"]] == [(None, "INVALID")]
    assert [(e["field"], e["code"]) for e in two["errors"]] == [(None, "INVALID")]
    assert nothing_stored(media_root)


def test_a_long_caption_is_refused(api_for, host, visit, media_root):
    result = upload(api_for(host), phone_jpeg(), visitId=gid("Visit", visit), caption="x" * 301)

    assert [(e["field"], e["code"]) for e in result["errors"]] == [("caption", "INVALID")]
    assert nothing_stored(media_root)


def test_a_file_must_be_a_file_not_a_string(api_for, host, visit, media_root):
    body = api_for(host).post_graphql(
        "mutation U($input: PhotoUploadInput!) { photoUpload(input: $input) "
        "{ errors { field code } } }",
        {"input": {"file": "data:image/jpeg;base64,AAAA", "visitId": gid("Visit", visit)}},
    )

    assert body["data"]["photoUpload"]["errors"] == [{"field": "file", "code": "UNSUPPORTED_IMAGE"}]
    assert nothing_stored(media_root)


def test_signing_in_is_required(api, visit, media_root):
    body = post_upload(api, phone_jpeg(), visitId=gid("Visit", visit)).json()

    assert top_level_codes(body) == ["UNAUTHENTICATED"]
    assert nothing_stored(media_root)


def test_a_failure_after_the_files_were_written_leaves_no_file(
    api_for, visitor, visit, media_root, monkeypatch
):
    from observations import photo_files
    from observations.services import photos

    written = []
    real_store = photo_files.store

    def store(sanitized):
        names = real_store(sanitized)
        written.extend(names)
        assert len(stored_files(media_root)) == 2
        return names

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(photo_files, "store", store)
    monkeypatch.setattr(photos, "_visit_photos_changed", broken)

    response = post_upload(api_for(visitor), phone_jpeg(), visitId=gid("Visit", visit))

    assert top_level_codes(response.json()) == ["INTERNAL_SERVER_ERROR"]
    assert len(written) == 2
    assert nothing_stored(media_root)


# --- questions, reflection sheets and tools -----------------------------------------------


def test_the_host_adds_photos_to_their_question_and_its_visitors_see_them(
    api_for, host, visitor, visit, slq, leader
):
    result = upload(api_for(host), phone_jpeg(), slqId=gid("StudentLearningQuestion", slq))
    query = """query Q($id: ID!) { node(id: $id) {
                 ... on StudentLearningQuestion { photos { id } } } }"""

    assert result["errors"] == []
    seen = api_for(visitor).data(query, {"id": gid("StudentLearningQuestion", slq)})["node"]
    assert seen["photos"] == [{"id": result["photo"]["id"]}]
    assert api_for(leader).data(query, {"id": gid("StudentLearningQuestion", slq)})["node"] is None


def test_only_the_host_adds_photos_to_a_question(api_for, visitor, slq, media_root):
    result = upload(api_for(visitor), phone_jpeg(), slqId=gid("StudentLearningQuestion", slq))

    assert [(e["field"], e["code"]) for e in result["errors"]] == [("slqId", "NOT_SLQ_HOST")]
    assert nothing_stored(media_root)


def sheet_for(visit) -> ReflectionSheet:
    return ReflectionSheet.objects.create(
        visit=visit,
        host=visit.host,
        facilitator=visit.participants.get(role="VISITOR").person,
        cycle_number=1,
        slq=visit.slq,
        slq_area_of_focus="a",
        slq_question="q",
        considerations="c",
        next_steps="n",
        keeps_slq=True,
    )


SHEET_PHOTOS = """query S($id: ID!) { node(id: $id) {
    ... on ReflectionSheet { photos { id url } } } }"""


def test_a_reflection_sheets_photos_follow_its_sharing(api_for, host, visitor, visit, leader):
    sheet = sheet_for(visit)
    result = upload(api_for(visitor), phone_jpeg(), reflectionSheetId=gid("ReflectionSheet", sheet))
    assert result["errors"] == []

    assert api_for(leader).data(SHEET_PHOTOS, {"id": gid("ReflectionSheet", sheet)})["node"] is None

    sheet.shared_with_cohort = True
    sheet.save()
    shared = api_for(leader).data(SHEET_PHOTOS, {"id": gid("ReflectionSheet", sheet)})["node"]
    assert [p["id"] for p in shared["photos"]] == [result["photo"]["id"]]


def test_cohort_members_cannot_add_photos_to_a_shared_sheet(api_for, visit, leader, media_root):
    sheet = sheet_for(visit)
    sheet.shared_with_cohort = True
    sheet.save()

    result = upload(api_for(leader), phone_jpeg(), reflectionSheetId=gid("ReflectionSheet", sheet))

    assert error_codes(result) == ["NOT_VISIT_PARTICIPANT"]
    assert nothing_stored(media_root)


ROOM_PHOTO = """query T($id: ID!) { node(id: $id) { ... on Tool { roomPhoto { id } } } }"""


def test_a_seating_chart_has_one_room_photo_that_sharing_does_not_share(
    api_for, host, visitor, outsider, media_root
):
    chart = ToolFactory(owner=visitor, kind="SEATING_CHART", sharing="SCHOOL")
    make_visit(host=host, visitor=visitor, tool=chart)

    first = upload(api_for(visitor), phone_jpeg(), toolId=gid("Tool", chart))
    second = upload(api_for(visitor), phone_jpeg(), toolId=gid("Tool", chart))

    assert first["errors"] == second["errors"] == []
    assert Photo.objects.count() == 1  # the second replaced the first
    for person in (visitor, host):
        node = api_for(person).data(ROOM_PHOTO, {"id": gid("Tool", chart)})["node"]
        assert node["roomPhoto"] == {"id": second["photo"]["id"]}
    # The outsider sees the shared tool, not the room.
    assert api_for(outsider).data(ROOM_PHOTO, {"id": gid("Tool", chart)})["node"] == {
        "roomPhoto": None
    }


def test_only_a_seating_charts_owner_adds_a_room_photo(api_for, visitor, host, tool, media_root):
    tally = upload(api_for(visitor), phone_jpeg(), toolId=gid("Tool", tool))
    chart = ToolFactory(owner=visitor, kind="SEATING_CHART", sharing="SCHOOL")
    not_owner = upload(api_for(host), phone_jpeg(), toolId=gid("Tool", chart))

    assert error_codes(tally) == ["NOT_SEATING_CHART"]
    assert error_codes(not_owner) == ["NOT_TOOL_OWNER"]
    assert nothing_stored(media_root)
