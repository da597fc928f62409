"""The printable agenda: a download link from the API, checked again when opened (the shared
behaviour of download links is tested in tests/backend/test_signed_links.py)."""

import base64
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from cohorts.models import Meeting, MeetingInvitee, Membership, Protocol
from cohorts.printable import agenda_token
from tests.cohorts.conftest import gid
from tests.cohorts.factories import AgendaItemFactory, MeetingFactory
from tests.conftest import EXPIRED_ANSWER, NOT_FOUND_ANSWER, link_refusal
from tests.factories import TeacherFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("printable_urls")]

URL = "query($id: ID!) { meeting(id: $id) { printableAgendaUrl } }"
NOW = datetime(2026, 10, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def meeting(network, leader):
    meeting = MeetingFactory(
        cohort=network.cohort,
        kind="BLUE_GROUP",
        title="Group of 5 <script>alert(1)</script>",
        starts_at=datetime(2026, 10, 13, 20, 30, tzinfo=UTC),
        duration_minutes=45,
        notes="Confidential reflections.",
    )
    AgendaItemFactory(
        meeting=meeting,
        position=1,
        title="Norms",
        minutes=25,
        facilitator=leader,
        protocol=Protocol.objects.get(key="setting-norms"),
        materials="Chart paper",
        notes="Item notes",
    )
    AgendaItemFactory(meeting=meeting, position=2, title="Data review", minutes=30)
    return meeting


def link_for(api_for, person, meeting) -> str:
    return api_for(person).data(URL, {"id": gid(meeting)})["meeting"]["printableAgendaUrl"]


def open_link(url: str):
    return Client().get(url.removeprefix("http://testserver"))


@time_machine.travel(NOW, tick=False)
def test_the_leader_prints_a_clean_agenda_with_local_times(api_for, leader, meeting):
    url = link_for(api_for, leader, meeting)

    response = open_link(url)

    assert url.startswith("http://testserver/cohorts/meetings/agenda/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    html = response.content.decode()
    assert "Agenda of a meeting of the group of five (blue dots)" in html
    assert "Tuesday 13 October 2026" in html
    assert "3:30 PM\u20133:55 PM" in html  # the school's time, item by item
    assert "3:55 PM\u20134:25 PM" in html
    assert "Setting group norms" in html and "Chart paper" in html
    assert "The agenda adds up to 55 minutes: 10 over the 45-minute meeting." in html
    assert "Confidential reflections." in html and "Item notes" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    assert "@media print" in html


@time_machine.travel(NOW, tick=False)
def test_someone_outside_the_group_gets_the_agenda_without_notes(api_for, network, meeting):
    yellow = network.yellows[0].person

    html = open_link(link_for(api_for, yellow, meeting)).content.decode()

    assert "Norms" in html
    assert "Confidential reflections." not in html and "Item notes" not in html


@time_machine.travel(NOW, tick=False)
def test_an_invitee_from_outside_the_cohort_gets_it_without_notes(api_for, network, meeting):
    principal = TeacherFactory(school=network.school)
    MeetingInvitee.objects.create(meeting=meeting, person=principal)

    html = open_link(link_for(api_for, principal, meeting)).content.decode()

    assert "Norms" in html and "Confidential reflections." not in html


def test_the_link_expires_after_an_hour(api_for, leader, meeting):
    with time_machine.travel(NOW, tick=False):
        url = link_for(api_for, leader, meeting)

    with time_machine.travel(NOW + timedelta(minutes=59), tick=False):
        assert open_link(url).status_code == 200
    with time_machine.travel(NOW + timedelta(minutes=61), tick=False):
        response = open_link(url)

    assert link_refusal(response) == EXPIRED_ANSWER


def test_an_expired_link_that_was_altered_is_not_found(api_for, leader, meeting):
    with time_machine.travel(NOW, tick=False):
        url = link_for(api_for, leader, meeting)
    token = url.rstrip("/").rsplit("/", 1)[1]
    altered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")

    with time_machine.travel(NOW + timedelta(minutes=61), tick=False):
        response = open_link(url.replace(token, altered))

    assert link_refusal(response) == NOT_FOUND_ANSWER


def test_a_tampered_link_is_not_found(api_for, leader, meeting):
    url = link_for(api_for, leader, meeting)
    token = url.rstrip("/").rsplit("/", 1)[1]

    for tampered in (
        url.replace("/agenda/", "/agenda/x"),
        url.replace(token, token[:-1]),
        url.replace(token, token[1:] + token[0]),
        "/cohorts/meetings/agenda/not-a-token/",
    ):
        assert link_refusal(open_link(tampered)) == NOT_FOUND_ANSWER, tampered


def test_a_link_carries_no_readable_id(api_for, leader, meeting):
    token = link_for(api_for, leader, meeting).rstrip("/").rsplit("/", 1)[1]
    decoded = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))

    assert ":" not in token
    for readable in (b'"m"', b'"u"', f"[{meeting.pk},{leader.pk}]".encode()):
        assert readable not in decoded


def test_a_link_stops_working_when_its_holder_leaves_the_cohort(api_for, network, meeting):
    blue = network.blues[0]
    url = link_for(api_for, blue.person, meeting)
    Membership.objects.filter(pk=blue.pk).update(ended_at=datetime.now(tz=UTC))

    assert link_refusal(open_link(url)) == NOT_FOUND_ANSWER


def test_a_link_stops_working_when_its_holder_is_deactivated(api_for, leader, meeting):
    url = link_for(api_for, leader, meeting)
    leader.is_active = False
    leader.save(update_fields=["is_active"])

    assert link_refusal(open_link(url)) == NOT_FOUND_ANSWER


def test_a_link_to_a_meeting_deleted_since_is_not_found(api_for, leader, meeting):
    url = link_for(api_for, leader, meeting)
    Meeting.objects.filter(pk=meeting.pk).delete()

    assert link_refusal(open_link(url)) == NOT_FOUND_ANSWER


def test_a_genuine_link_made_for_an_outsider_opens_nothing(network, meeting):
    """Even if the server had made them one, the outsider would not get the agenda."""
    outsider = TeacherFactory(school=network.school)
    token = agenda_token(meeting=meeting, viewer=outsider)

    response = open_link(f"/cohorts/meetings/agenda/{token}/")

    assert link_refusal(response) == NOT_FOUND_ANSWER


def test_outsiders_get_no_link(api_for, network, meeting):
    outsider = TeacherFactory(school=network.school)

    assert api_for(outsider).data(URL, {"id": gid(meeting)})["meeting"] is None
