"""The photo files behind their signed links: who may fetch them, for how long, and how."""

from datetime import timedelta

import pytest

from observations.models import Photo
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
    assert response["Content-Disposition"].startswith("inline")
    assert "IMG_0001" not in response["Content-Disposition"]
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
        assert response.status_code == 404


def test_a_link_stops_when_its_viewer_may_no_longer_see_the_photo(api_for, visitor, visit, client):
    photo = _photo(api_for, visitor, visit)
    visit.participants.filter(person=visitor).delete()  # no longer in the visit

    response, _ = fetch(client, photo["url"])

    assert response.status_code == 404


def test_a_link_expires(api_for, visitor, visit, client, frozen_time):
    photo = _photo(api_for, visitor, visit)

    frozen_time.shift(timedelta(minutes=14))
    assert fetch(client, photo["url"])[0].status_code == 200

    frozen_time.shift(timedelta(minutes=7))
    response, body = fetch(client, photo["url"])
    assert response.status_code == 403
    assert b"expired" in body


def test_links_are_stable_for_a_few_minutes_so_phones_can_cache(api_for, visitor, visit):
    photo = _photo(api_for, visitor, visit)
    query = "query P($id: ID!) { node(id: $id) { ... on Photo { url linksExpireAt } } }"

    again = api_for(visitor).data(query, {"id": photo["id"]})["node"]

    assert again["url"] == photo["url"]
    assert again["linksExpireAt"] == photo["linksExpireAt"]


def test_a_tampered_link_is_refused(api_for, visitor, visit, client):
    photo = _photo(api_for, visitor, visit)
    url = photo["url"]
    payload, stamp, signature = url.removesuffix(".jpg").rsplit(":", 2)
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")

    for tampered in (
        f"{payload}:{stamp}:{flipped}.jpg",
        f"{payload}:{stamp}.jpg",
        f"{payload[:-2]}xx:{stamp}:{signature}.jpg",
        url.replace(".jpg", ".png"),
    ):
        assert fetch(client, tampered)[0].status_code == 404, tampered


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
