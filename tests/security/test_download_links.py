"""Every kind of download link, attacked alike: a token of one kind replayed on every other
kind's URL opens nothing, and every kind refuses with the same answer, so a refusal tells an
attacker nothing about which kind of link, or which case, they hit."""

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from cohorts.models import Role
from cohorts.printable import agenda_token
from improvement import chart_links
from improvement.models import DataPoint, Measure
from networks import downloads, images
from networks.access import Scope, ScopeKind
from observations import photo_links
from observations.models import Photo
from observations.services.calendar_feeds import calendar_feed_get, calendar_feed_secret
from tests.cohorts.factories import MeetingFactory
from tests.conftest import EXPIRED_ANSWER, NOT_FOUND_ANSWER, link_refusal
from tests.factories import TeacherFactory
from tests.observations.conftest import gid
from tests.observations.factories import CohortFactory, MembershipFactory
from tests.observations.factories import visit as make_visit
from tests.observations.pictures import fetch, phone_jpeg, upload

pytestmark = [pytest.mark.django_db, pytest.mark.urls("backend.urls")]

URLS = {
    "photo": "/observations/photos/{}.jpg",
    "agenda": "/cohorts/meetings/agenda/{}/",
    "map-image": "/networks/maps/{}",
    "map-download": "/networks/map-data/{}",
    "calendar": "/observations/calendar/{}.ics",
    "run-chart": "/improvement/charts/{}",
}


@pytest.fixture
def tokens(api_for, school, leader):
    """One working token of every kind, all for the same person (a blue dot)."""
    blue, yellow = TeacherFactory(school=school), TeacherFactory(school=school)
    cohort = CohortFactory(school=school, created_by=leader)
    MembershipFactory(cohort=cohort, person=leader, role=Role.LEADER)
    MembershipFactory(cohort=cohort, person=blue, role=Role.BLUE)
    MembershipFactory(cohort=cohort, person=yellow, role=Role.YELLOW)
    visit = make_visit(host=yellow, visitor=blue, cohort=cohort)
    upload(api_for(blue), phone_jpeg(), visitId=gid("Visit", visit))
    meeting = MeetingFactory(cohort=cohort, kind="WHOLE_GROUP")
    expires = timezone.now() + timedelta(minutes=15)
    return {
        "photo": photo_links.sign(
            photo_id=Photo.objects.get().pk, variant=photo_links.Variant.MAIN, viewer_id=blue.pk
        ),
        "agenda": agenda_token(meeting=meeting, viewer=blue),
        "map-image": images.sign_ticket(
            images.ImageTicket(blue.pk, cohort.pk, "SVG", None, 256), expires_at=expires
        ),
        "map-download": downloads.sign_ticket(
            downloads.DownloadTicket(blue.pk, Scope(ScopeKind.COHORT, cohort.pk), None, False),
            expires_at=expires,
        ),
        "calendar": calendar_feed_secret(calendar_feed_get(person=blue)),
        "run-chart": chart_links.sign(
            chart_links.ChartTicket(
                chart_links.ChartSource.MEASURE,
                _measure_with_points(blue).pk,
                blue.pk,
                chart_links.ChartImageFormat.PNG,
                chart_links.ChartImageSize.PHONE,
            ),
            expires_at=expires,
        ),
    }


def _measure_with_points(owner):
    measure = Measure.objects.create(
        owner=owner,
        name="Exit tickets correct",
        unit="students",
        how_collected="Count",
        better="UP",
    )
    today = timezone.localdate()
    DataPoint.objects.bulk_create(
        DataPoint(measure=measure, client_id=uuid.uuid4(), on=today - timedelta(days=n), value=n)
        for n in range(12)
    )
    return measure


def test_each_token_opens_its_own_kind_and_nothing_else(client, tokens):
    for made, token in tokens.items():
        for kind, url in URLS.items():
            response, _ = fetch(client, url.format(token))
            if kind == made:
                assert response.status_code == 200, (made, response.content[:200])
                assert response["Referrer-Policy"] == "no-referrer"
                assert response["Cache-Control"].startswith("private")
            else:
                assert link_refusal(response) == NOT_FOUND_ANSWER, (made, kind)


def test_every_kind_refuses_with_the_same_bytes(client, tokens):
    """Not found by a bad token, or by a good one of another kind: one body for every kind."""
    bodies = set()
    for kind, url in URLS.items():
        for token in ("nonsense", tokens["photo" if kind != "photo" else "agenda"]):
            response, body = fetch(client, url.format(token))
            assert link_refusal(response) == NOT_FOUND_ANSWER
            bodies.add(body)
    assert len(bodies) == 1


def test_every_expiring_kind_says_expired_alike(client, tokens):
    """The calendar feed does not expire (it is rotated); the other kinds all answer 410 with
    the same body."""
    bodies = set()
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        for kind, url in URLS.items():
            if kind == "calendar":
                continue
            response, body = fetch(client, url.format(tokens[kind]))
            assert link_refusal(response) == EXPIRED_ANSWER, kind
            bodies.add(body)
    assert len(bodies) == 1
