"""Whole maps as compact JSON behind expiring download links (`networkMapDownload`); the shared
behaviour of download links is tested in tests/backend/test_signed_links.py."""

import base64
import gzip
import json
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backend.accounts.models import User
from backend.seeding.districts import synthetic_district
from cohorts.models import Membership
from networks import downloads
from networks.access import Scope, ScopeKind
from networks.downloads import FORMAT, TICKET_LIFETIME, DownloadTicket
from tests.conftest import EXPIRED_ANSWER, NOT_FOUND_ANSWER, link_refusal, top_level_codes
from tests.factories import CoordinatorFactory, DistrictFactory, SchoolFactory

from ..conftest import MAP_QUERY, at_day, cohort_scope, district_scope, school_scope

pytestmark = pytest.mark.urls("tests.networks.urls")

DOWNLOAD = """
query Download($scope: NetworkScopeInput!, $asOf: Date, $b: Boolean) {
  networkMapDownload(scope: $scope, asOf: $asOf, withBetweenness: $b) {
    url format contentType expiresAt
  }
}
"""


@pytest.fixture
def frozen():
    """The clock stopped, so that a map and its download have the same `generatedAt`."""
    with time_machine.travel(timezone.now(), tick=False):
        yield


@pytest.fixture
def world(seeder, make_group):
    """District one: cohorts A (school one) and B (school two), with visits inside and across
    them; district two: cohort E."""
    one, two = DistrictFactory(), DistrictFactory()
    s1, s2 = SchoolFactory(district=one), SchoolFactory(district=one)
    a = make_group(seeder, s1, name="A", blues=2, yellows_per_blue=2, started_at=at_day(-30))
    b = make_group(seeder, s2, name="B", blues=2, yellows_per_blue=1, started_at=at_day(-30))
    e = make_group(seeder, SchoolFactory(district=two), name="E", blues=1, yellows_per_blue=1)
    seeder.member(b.cohort, a.yellows[1][1], "YELLOW", started_at=at_day(-20))  # two places
    seeder.visit(a.leader, a.blues[0], starts_at=at_day(-20))
    seeder.visit(a.leader, a.blues[0], starts_at=at_day(-10))
    seeder.visit(a.blues[0], a.yellows[0][0], starts_at=at_day(-9))
    seeder.visit(a.blues[1], b.blues[0], starts_at=at_day(-8))
    seeder.visit(b.leader, b.blues[1], starts_at=at_day(-5))
    seeder.visit(b.blues[1], a.leader, starts_at=at_day(20), status="ACCEPTED")
    seeder.save()
    return SimpleNamespace(
        one=one,
        a=a,
        b=b,
        e=e,
        coordinator=CoordinatorFactory(coordinated_district=one),
        other_coordinator=CoordinatorFactory(coordinated_district=two),
    )


def link(api, scope, **variables) -> dict:
    return api.data(DOWNLOAD, {"scope": scope, **variables})["networkMapDownload"]


def fetch(api, url, encoding="gzip") -> dict:
    response = api.client.get(url, headers={"Accept-Encoding": encoding})
    assert response.status_code == 200, response.content[:300]
    body = response.content
    if response.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return json.loads(body)


def as_rows(document: dict) -> dict:
    """The document back in the shape of the `networkMap` GraphQL answer."""
    nodes, edges = document["nodes"], document["edges"]
    cohorts = document["cohorts"]
    person_ids = nodes["personId"]
    node_rows = []
    for i in range(len(person_ids)):
        row = {
            name: column[i]
            for name, column in nodes.items()
            if name not in ("cohort", "blueDot", "otherPlaces")
        }
        row["cohortId"] = cohorts[nodes["cohort"][i]]["cohortId"]
        blue = nodes["blueDot"][i]
        row["blueDotId"] = None if blue is None else person_ids[blue]
        row["otherPlaces"] = [
            {"cohortId": cohorts[c]["cohortId"], "role": role}
            for c, role in nodes["otherPlaces"][i]
        ]
        node_rows.append(row)
    edge_rows = []
    for j in range(len(edges["visitor"])):
        row = {name: column[j] for name, column in edges.items() if name not in ("visitor", "host")}
        row["visitorId"] = person_ids[edges["visitor"][j]]
        row["hostId"] = person_ids[edges["host"][j]]
        edge_rows.append(row)
    rows = {k: v for k, v in document.items() if k not in ("format", "nodes", "edges")}
    return {**rows, "nodes": node_rows, "edges": edge_rows}


@pytest.mark.parametrize("encoding", ["gzip", "identity"])
def test_the_document_is_the_graphql_map(api_for, world, frozen, encoding):
    api = api_for(world.coordinator)
    scope = district_scope(world.one)
    expected = api.data(MAP_QUERY, {"scope": scope})["networkMap"]

    found = link(api, scope, b=True)
    document = fetch(api, found["url"], encoding)

    assert document["format"] == found["format"] == FORMAT
    assert found["contentType"] == "application/json"
    assert as_rows(document) == expected
    assert len(document["nodes"]["personId"]) == 12  # the yellow dot in A and B is one node
    assert any(row["otherPlaces"] for row in expected["nodes"])
    assert any(row["isCrossCohort"] for row in expected["edges"])


def test_cohort_and_school_maps_and_a_past_date_too(api_for, world, frozen):
    api = api_for(world.coordinator)
    for scope in (cohort_scope(world.a.cohort), school_scope(world.a.cohort.school)):
        for as_of in (None, at_day(-9).date().isoformat()):
            variables = {"scope": scope, "asOf": as_of}
            expected = api.data(MAP_QUERY, variables)["networkMap"]
            document = fetch(api, link(api, scope, asOf=as_of)["url"])
            expected["measures"]["mostConnecting"] = []  # betweenness was not asked for
            for node in expected["nodes"]:
                node["betweenness"] = 0.0
            assert as_rows(document) == expected


def test_gzip_only_for_clients_that_accept_it(api_for, world, frozen):
    api = api_for(world.coordinator)
    url = link(api, district_scope(world.one))["url"]

    zipped = api.client.get(url, headers={"Accept-Encoding": "br, gzip;q=0.8"})
    refused = api.client.get(url, headers={"Accept-Encoding": "gzip;q=0, deflate"})
    plain = api.client.get(url)

    assert zipped["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(zipped.content)) == json.loads(plain.content)
    assert not refused.has_header("Content-Encoding")
    assert not plain.has_header("Content-Encoding")
    assert plain["Content-Type"].startswith("application/json")
    assert plain["Cache-Control"].startswith("private")
    assert "Accept-Encoding" in plain["Vary"]
    compact = json.dumps(json.loads(plain.content), separators=(",", ":"), ensure_ascii=False)
    assert plain.content == compact.encode()


def test_other_districts_coordinators_are_refused(api_for, world):
    api = api_for(world.other_coordinator)

    body = api.post_graphql(DOWNLOAD, {"scope": district_scope(world.one)})
    school = api.post_graphql(DOWNLOAD, {"scope": school_scope(world.a.cohort.school)})
    cohort = api.post_graphql(DOWNLOAD, {"scope": cohort_scope(world.a.cohort)})

    assert body == school == cohort == {"data": {"networkMapDownload": None}}


def test_members_of_other_cohorts_are_refused(api_for, world):
    api = api_for(world.e.blues[0])

    assert api.post_graphql(DOWNLOAD, {"scope": cohort_scope(world.a.cohort)}) == {
        "data": {"networkMapDownload": None}
    }
    own = fetch(api, link(api, cohort_scope(world.e.cohort))["url"])
    assert own["name"] == "E"


def test_members_may_not_download_their_district(api_for, world):
    body = api_for(world.a.blues[0]).post_graphql(DOWNLOAD, {"scope": district_scope(world.one)})

    # A scope too wide for you is null, like one you may not see.
    assert body == {"data": {"networkMapDownload": None}}


def test_anonymous_callers_get_no_link(api, world):
    body = api.post_graphql(DOWNLOAD, {"scope": district_scope(world.one)})

    assert top_level_codes(body) == ["UNAUTHENTICATED"]


def test_a_link_is_refused_once_its_signer_loses_access(api_for, world):
    member = world.a.yellows[0][0]
    api = api_for(member)
    url = link(api, cohort_scope(world.a.cohort))["url"]
    ok = api.client.get(url)
    assert ok.status_code == 200
    assert ok["Referrer-Policy"] == "no-referrer"
    assert ok["Cache-Control"].startswith("private, max-age=")

    Membership.objects.filter(person=member).update(ended_at=timezone.now())

    assert link_refusal(api.client.get(url)) == NOT_FOUND_ANSWER


def test_a_link_is_refused_once_its_signer_is_deactivated(api_for, world):
    api = api_for(world.coordinator)
    url = link(api, district_scope(world.one))["url"]
    User.objects.filter(pk=world.coordinator.pk).update(is_active=False)

    assert link_refusal(api.client.get(url)) == NOT_FOUND_ANSWER


def test_a_genuine_ticket_for_another_districts_coordinator_maps_nothing(world, client):
    """Even if the server had made them one, another district's coordinator gets no map."""
    ticket = DownloadTicket(
        world.other_coordinator.pk, Scope(ScopeKind.DISTRICT, world.one.pk), None, False
    )
    token = downloads.sign_ticket(ticket, expires_at=timezone.now() + TICKET_LIFETIME)

    assert link_refusal(client.get(f"/networks/map-data/{token}")) == NOT_FOUND_ANSWER


def test_links_expire(api_for, world):
    api = api_for(world.coordinator)
    url = link(api, district_scope(world.one))["url"]

    with time_machine.travel(timezone.now() + TICKET_LIFETIME + timedelta(seconds=5)):
        response = api.client.get(url)
        altered = api.client.get(url[:-3] + ("abc" if not url.endswith("abc") else "xyz"))

    assert link_refusal(response) == EXPIRED_ANSWER
    assert link_refusal(altered) == NOT_FOUND_ANSWER  # expired is said of genuine links only


def test_tampered_links_are_not_found(api_for, world):
    api = api_for(world.coordinator)
    url = link(api, district_scope(world.one))["url"]
    image_url = api.data(
        "query I($c: ID!) { networkMapImage(cohortId: $c) { url } }",
        {"c": cohort_scope(world.a.cohort)["cohortId"]},
    )["networkMapImage"]["url"]

    for tampered in (
        url[:-3] + "abc",
        url[:-1],
        "/networks/map-data/nonsense",
        # a picture's ticket is of another kind: it opens no map
        url.rsplit("/", 1)[0] + "/" + image_url.rsplit("/", 1)[1],
    ):
        assert link_refusal(api.client.get(tampered)) == NOT_FOUND_ANSWER, tampered
    assert api.client.post(url).status_code == 405


def test_a_link_carries_no_readable_id(api_for, world):
    url = link(api_for(world.coordinator), district_scope(world.one))["url"]
    token = url.rsplit("/", 1)[1]
    decoded = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))

    assert ":" not in token
    for readable in (b"DISTRICT", b'"u"', f"{world.coordinator.pk},".encode()):
        assert readable not in decoded


def test_downloads_are_rate_limited_per_signer(api_for, world, monkeypatch):
    monkeypatch.setattr(downloads, "DOWNLOADS_PER_MINUTE", 2)
    api = api_for(world.coordinator)
    url = link(api, cohort_scope(world.a.cohort))["url"]

    statuses = [api.client.get(url).status_code for _ in range(2)]
    refused = api.client.get(url)

    assert statuses == [200, 200]
    assert link_refusal(refused) == (429, "RATE_LIMITED")
    assert int(refused["Retry-After"]) >= 1


@pytest.mark.urls("backend.urls")
def test_without_the_route_downloads_say_so(api_for, world):
    body = api_for(world.coordinator).post_graphql(DOWNLOAD, {"scope": district_scope(world.one)})

    assert top_level_codes(body) in (["NOT_AVAILABLE"], [])


QUERY_NOW = datetime(2027, 5, 1, 18, 0, tzinfo=UTC)


def district(cohorts: int, slug: str):
    return synthetic_district(
        slug=slug,
        schools=2,
        cohorts=cohorts,
        teachers=cohorts * 12,
        visits=cohorts * 40,
        now=QUERY_NOW,
        seed=cohorts,
    )


@time_machine.travel(QUERY_NOW, tick=False)
def test_a_download_costs_the_same_queries_for_2_and_10_cohorts(api_for, db):
    counted = []
    for d in (district(2, "small"), district(10, "large")):
        api = api_for(d.coordinator)
        url = link(api, district_scope(d.district), b=True)["url"]
        with CaptureQueriesContext(connection) as captured:
            document = fetch(api, url)
        assert len(document["cohorts"]) == len(d.cohorts)
        counted.append(len(captured.captured_queries))

    assert counted[0] == counted[1] <= 12, counted
