"""Pictures of a cohort's map behind expiring download links (the shared behaviour of download
links is tested in tests/backend/test_signed_links.py)."""

import base64
import io
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from PIL import Image

from backend.accounts.models import User
from cohorts.models import Cohort, Membership
from networks import images
from networks.images import TICKET_LIFETIME, ImageTicket
from networks.render import ROLE_FILL
from tests.conftest import EXPIRED_ANSWER, NOT_FOUND_ANSWER, link_refusal, top_level_codes
from tests.factories import TeacherFactory

from ..conftest import at_day, gid

pytestmark = pytest.mark.urls("tests.networks.urls")

IMAGE = """
query Image($cohort: ID!, $format: MapImageFormat, $asOf: Date, $size: Int) {
  networkMapImage(cohortId: $cohort, format: $format, asOf: $asOf, size: $size) {
    url format contentType expiresAt
  }
}
"""


@pytest.fixture
def group(seeder, make_group):
    g = make_group(seeder, blues=2, yellows_per_blue=1, started_at=at_day(-30))
    seeder.visit(g.leader, g.blues[0], starts_at=at_day(-20))
    seeder.save()
    return g


def link(api, cohort, **variables):
    return api.data(IMAGE, {"cohort": gid("Cohort", cohort.pk), **variables})["networkMapImage"]


def test_a_png_link_for_a_member(api_for, group):
    api = api_for(group.yellows[0][0])

    image = link(api, group.cohort, size=512)
    response = api.client.get(image["url"])

    assert image["url"].startswith("http://testserver/networks/maps/")
    assert (image["format"], image["contentType"]) == ("PNG", "image/png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"].startswith("private, max-age=")
    assert response["Referrer-Policy"] == "no-referrer"
    assert re.fullmatch(  # no internal id in the name either
        r'inline; filename="network-map-\d{4}-\d{2}-\d{2}\.png"', response["Content-Disposition"]
    )
    picture = Image.open(io.BytesIO(response.content))
    assert (picture.format, picture.size) == ("PNG", (512, 512))


def test_an_svg_shows_every_dot_in_its_role_colour(api_for, group):
    api = api_for(group.leader)

    response = api.client.get(link(api, group.cohort, format="SVG")["url"])

    assert response["Content-Type"] == "image/svg+xml"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    svg = ET.fromstring(response.content)  # noqa: S314 (our own output)
    circles = svg.iter("{http://www.w3.org/2000/svg}circle")
    fills = sorted((c.get("data-role"), c.get("fill")) for c in circles)
    assert fills == sorted(
        [("LEADER", ROLE_FILL["LEADER"])]
        + [("BLUE", ROLE_FILL["BLUE"])] * 2
        + [("YELLOW", ROLE_FILL["YELLOW"])] * 2
    )
    assert group.leader.full_name.encode() in response.content


def test_as_of_draws_the_map_of_that_day(api_for, group, seeder):
    late = TeacherFactory(school=group.cohort.school, full_name="Late Joiner")
    seeder.member(group.cohort, late, "YELLOW", started_at=timezone.now() - timedelta(days=1))
    seeder.save()
    api = api_for(group.leader)
    three_days_ago = (timezone.now() - timedelta(days=3)).date().isoformat()

    before = api.client.get(link(api, group.cohort, format="SVG", asOf=three_days_ago)["url"])
    now = api.client.get(link(api, group.cohort, format="SVG")["url"])

    assert group.leader.full_name.encode() in before.content
    assert b"Late Joiner" not in before.content
    assert b"Late Joiner" in now.content


def test_links_expire(api_for, group):
    api = api_for(group.leader)
    url = link(api, group.cohort)["url"]

    with time_machine.travel(timezone.now() + TICKET_LIFETIME + timedelta(seconds=5)):
        response = api.client.get(url)
        altered = api.client.get(url[:-3] + ("abc" if not url.endswith("abc") else "xyz"))

    assert link_refusal(response) == EXPIRED_ANSWER
    assert link_refusal(altered) == NOT_FOUND_ANSWER  # expired is said of genuine links only


def test_a_link_stops_working_when_its_signer_loses_access(api_for, group):
    member = group.yellows[0][0]
    api = api_for(member)
    url = link(api, group.cohort)["url"]
    Membership.objects.filter(person=member).update(ended_at=timezone.now())

    assert link_refusal(api.client.get(url)) == NOT_FOUND_ANSWER


def test_a_link_stops_working_when_its_signer_is_deactivated(api_for, group):
    api = api_for(group.leader)
    url = link(api, group.cohort)["url"]
    User.objects.filter(pk=group.leader.pk).update(is_active=False)

    assert link_refusal(api.client.get(url)) == NOT_FOUND_ANSWER


def test_a_link_to_a_cohort_deleted_since_is_not_found(api_for, group):
    api = api_for(group.leader)
    url = link(api, group.cohort)["url"]
    Cohort.objects.filter(pk=group.cohort.pk).delete()

    assert link_refusal(api.client.get(url)) == NOT_FOUND_ANSWER


def test_a_genuine_ticket_for_someone_outside_the_cohort_draws_nothing(group, client):
    """Even if the server had made them one, an outsider would not get the picture."""
    outsider = TeacherFactory()
    ticket = ImageTicket(outsider.pk, group.cohort.pk, "PNG", None, 512)
    token = images.sign_ticket(ticket, expires_at=timezone.now() + TICKET_LIFETIME)

    assert link_refusal(client.get(f"/networks/maps/{token}")) == NOT_FOUND_ANSWER


def test_tampered_links_are_not_found(api_for, group):
    api = api_for(group.leader)
    url = link(api, group.cohort)["url"]

    for tampered in (url[:-3] + "abc", url[:-1], url + "A", "/networks/maps/nonsense"):
        assert link_refusal(api.client.get(tampered)) == NOT_FOUND_ANSWER, tampered
    assert api.client.post(url).status_code == 405


def test_a_link_carries_no_readable_id(api_for, group):
    url = link(api_for(group.leader), group.cohort)["url"]
    token = url.rsplit("/", 1)[1]
    decoded = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))

    assert ":" not in token
    for readable in (b'"u"', b'"c"', b"PNG", f"{group.leader.pk},{group.cohort.pk},".encode()):
        assert readable not in decoded


def test_sizes_are_bounded(api_for, group):
    body = api_for(group.leader).post_graphql(
        IMAGE, {"cohort": gid("Cohort", group.cohort.pk), "size": 10_000}
    )

    assert top_level_codes(body) == ["BAD_USER_INPUT"]


@pytest.mark.urls("backend.urls")
def test_without_the_route_pictures_say_so(api_for, group):
    # Until backend/urls.py includes networks.urls (then this asks for a link and gets one).
    body = api_for(group.leader).post_graphql(IMAGE, {"cohort": gid("Cohort", group.cohort.pk)})

    assert top_level_codes(body) in (["NOT_AVAILABLE"], [])


def test_drawing_is_rate_limited_per_signer(api_for, group, monkeypatch):
    from networks import images

    monkeypatch.setattr(images, "RENDERS_PER_MINUTE", 2)
    api = api_for(group.leader)
    url = link(api, group.cohort, format="SVG")["url"]

    statuses = [api.client.get(url).status_code for _ in range(2)]
    refused = api.client.get(url)

    assert statuses == [200, 200]
    assert link_refusal(refused) == (429, "RATE_LIMITED")
    assert int(refused["Retry-After"]) >= 1
