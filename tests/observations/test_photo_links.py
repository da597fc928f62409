"""The photo files behind their links: who may fetch them, for how long, and how (the shared
behaviour of download links is tested in tests/backend/test_signed_links.py)."""

import base64
from datetime import timedelta

import pytest

from observations.models import Photo
from observations.services.photos import photo_delete
from tests.conftest import EXPIRED_ANSWER, NOT_FOUND_ANSWER, link_refusal
from tests.observations.conftest import gid
from tests.observations.factories import visit as make_visit
from tests.observations.pictures import fetch, phone_jpeg, upload

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.observations.urls")]


@pytest.fixture
def visit(host, visitor, cohort, slq, tool):
    return make_visit(host=host, visitor=visitor, cohort=cohort, slq=slq, tool=tool)


def test_the_file_is_served_as_a_private_inline_jpeg(api_for, visitor, visit, client):
    photo = upload(api_for(visitor), phone_jpeg(), visitId=gid("Visit", visit))["photo"]

    response, _ = fetch(client, photo["url"])

    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Content-Disposition"] == 'inline; filename="photo.jpg"'
    cache_control = response["Cache-Control"]
    assert cache_control.startswith("private, max-age=")
    assert 15 * 60 <= int(cache_control.rsplit("=", 1)[1]) <= 20 * 60


# --- the links ----------------------------------------------------------------------------


def _photo(api_for, visitor, visit) -> dict:
    return upload(api_for(visitor), phone_jpeg(), visitId=gid("Visit", visit))["photo"]


def test_someone_outside_the_visit_can_neither_see_nor_fetch_it(
    api_for, visitor, visit, outsider, leader, coordinator, staff, client
):
    from observations import photo_links

    photo = _photo(api_for, visitor, visit)
    photo_id = Photo.objects.get().pk

    for person in (outsider, leader, coordinator, staff):
        found = api_for(person).data(
            "query P($id: ID!) { node(id: $id) { id } }", {"id": photo["id"]}
        )
        assert found["node"] is None
        # Even a well-signed link made for them leads nowhere.
        token = photo_links.sign(
            photo_id=photo_id, variant=photo_links.Variant.MAIN, viewer_id=person.pk
        )
        response, _ = fetch(client, f"/observations/photos/{token}.jpg")
        assert link_refusal(response) == NOT_FOUND_ANSWER


def test_a_link_stops_when_its_viewer_may_no_longer_see_the_photo(api_for, visitor, visit, client):
    photo = _photo(api_for, visitor, visit)
    visit.participants.filter(person=visitor).delete()  # no longer in the visit

    response, _ = fetch(client, photo["url"])

    assert link_refusal(response) == NOT_FOUND_ANSWER


def test_a_link_stops_when_its_viewer_is_deactivated(api_for, visitor, visit, client):
    photo = _photo(api_for, visitor, visit)
    visitor.is_active = False
    visitor.save(update_fields=["is_active"])

    response, _ = fetch(client, photo["url"])

    assert link_refusal(response) == NOT_FOUND_ANSWER


def test_a_link_to_a_photo_deleted_since_is_not_found(api_for, visitor, visit, client):
    photo = _photo(api_for, visitor, visit)
    assert fetch(client, photo["thumbnailUrl"])[0].status_code == 200

    photo_delete(actor=visitor, photo=Photo.objects.get())

    for url in (photo["url"], photo["thumbnailUrl"]):
        assert link_refusal(fetch(client, url)[0]) == NOT_FOUND_ANSWER


def test_a_link_expires(api_for, visitor, visit, client, frozen_time):
    photo = _photo(api_for, visitor, visit)

    frozen_time.shift(timedelta(minutes=14))
    assert fetch(client, photo["url"])[0].status_code == 200

    frozen_time.shift(timedelta(minutes=7))
    response, _ = fetch(client, photo["url"])
    assert link_refusal(response) == EXPIRED_ANSWER


def test_an_expired_link_that_was_altered_is_not_found(
    api_for, visitor, visit, client, frozen_time
):
    url = _photo(api_for, visitor, visit)["url"]
    token = url.rsplit("/", 1)[1].removesuffix(".jpg")
    altered = token[:20] + ("A" if token[20] != "A" else "B") + token[21:]

    frozen_time.shift(timedelta(minutes=21))

    response, _ = fetch(client, url.replace(token, altered))
    assert link_refusal(response) == NOT_FOUND_ANSWER


def test_a_link_carries_no_readable_id(api_for, visitor, visit):
    url = _photo(api_for, visitor, visit)["url"]
    token = url.rsplit("/", 1)[1].removesuffix(".jpg")
    decoded = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    photo_id, viewer_id = Photo.objects.get().pk, visitor.pk

    assert ":" not in token  # no Django-signed value (payload:timestamp:signature)
    for readable in (b'"p"', b'"u"', b'"m"', f"[{photo_id},".encode(), f",{viewer_id}]".encode()):
        assert readable not in decoded


def test_links_are_stable_for_a_few_minutes_so_phones_can_cache(api_for, visitor, visit):
    photo = _photo(api_for, visitor, visit)
    query = "query P($id: ID!) { node(id: $id) { ... on Photo { url linksExpireAt } } }"

    again = api_for(visitor).data(query, {"id": photo["id"]})["node"]

    assert again["url"] == photo["url"]
    assert again["linksExpireAt"] == photo["linksExpireAt"]


def test_a_tampered_link_is_refused(api_for, visitor, visit, client):
    photo = _photo(api_for, visitor, visit)
    url = photo["url"]
    token = url.rsplit("/", 1)[1].removesuffix(".jpg")

    def flipped(i: int) -> str:
        return token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1 :]

    for tampered in (
        *(url.replace(token, flipped(i)) for i in (0, 10, 40, len(token) - 2)),
        url.replace(token, token[:-1]),
        url.replace(token, token + "A"),
        url.replace(token, photo["thumbnailUrl"].rsplit("/", 1)[1].removesuffix(".jpg")[::-1]),
        url.replace(".jpg", ".png"),
        url.replace(".jpg", ""),
        "/observations/photos/nonsense.jpg",
    ):
        assert link_refusal(fetch(client, tampered)[0]) == NOT_FOUND_ANSWER, tampered


def test_there_is_no_listing_and_no_media_url(api_for, visitor, visit, client):
    _photo(api_for, visitor, visit)
    name = Photo.objects.get().image.name

    for path in ("/observations/photos/", "/observations/photos", f"/media/{name}", f"/{name}"):
        assert client.get(path).status_code == 404, path


def test_only_get_and_head_are_served(api_for, visitor, visit, client):
    photo = _photo(api_for, visitor, visit)

    assert client.post(photo["url"]).status_code == 405
    head, body = fetch(client, photo["url"], method="head")
    assert (head.status_code, head["Content-Type"], body) == (200, "image/jpeg", b"")
