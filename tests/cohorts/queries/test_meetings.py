"""Who sees a meeting, and who reads its notes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cohorts.models import MeetingInvitee
from tests.cohorts.conftest import gid
from tests.cohorts.factories import AgendaItemFactory, MeetingFactory
from tests.factories import CoordinatorFactory, LeaderFactory, TeacherFactory

pytestmark = pytest.mark.django_db

MEETING = """
query($id: ID!) {
  meeting(id: $id) {
    title cohortName canSeeNotes notes
    cohort { name }
    agenda { title notes }
  }
}
"""


@pytest.fixture
def blue_meeting(network):
    meeting = MeetingFactory(
        cohort=network.cohort,
        kind="BLUE_GROUP",
        notes="Who struggled with the data.",
        starts_at=timezone.now() - timedelta(days=2),
    )
    AgendaItemFactory(meeting=meeting, title="Data review", notes="Item notes")
    return meeting


def seen_by(api_for, person, meeting):
    return api_for(person).data(MEETING, {"id": gid(meeting)})["meeting"]


def test_the_group_of_5_reads_its_notes(api_for, network, blue_meeting):
    seen = seen_by(api_for, network.blues[0].person, blue_meeting)

    assert seen["canSeeNotes"] is True
    assert seen["notes"] == "Who struggled with the data."
    assert seen["agenda"] == [{"title": "Data review", "notes": "Item notes"}]


def test_a_yellow_dot_sees_the_group_of_5_meeting_but_not_its_notes(api_for, network, blue_meeting):
    seen = seen_by(api_for, network.yellows[0].person, blue_meeting)

    assert seen["title"] == blue_meeting.title
    assert (seen["canSeeNotes"], seen["notes"]) == (False, None)
    assert seen["agenda"] == [{"title": "Data review", "notes": None}]


def test_an_invitee_from_outside_sees_the_agenda_but_not_the_notes(api_for, network, blue_meeting):
    principal = TeacherFactory(school=network.school)
    MeetingInvitee.objects.create(meeting=blue_meeting, person=principal)

    seen = seen_by(api_for, principal, blue_meeting)

    assert seen["cohortName"] == network.cohort.name
    assert seen["cohort"] is None  # not a member: the cohort itself stays hidden
    assert (seen["canSeeNotes"], seen["notes"]) == (False, None)
    assert seen["agenda"] == [{"title": "Data review", "notes": None}]


def test_a_yellow_dot_invited_to_the_group_of_5_still_does_not_read_its_notes(
    api_for, network, blue_meeting
):
    yellow = network.yellows[0].person
    MeetingInvitee.objects.create(meeting=blue_meeting, person=yellow)

    assert seen_by(api_for, yellow, blue_meeting)["notes"] is None


def test_an_other_meeting_is_for_the_leader_and_the_members_invited(api_for, network):
    meeting = MeetingFactory(cohort=network.cohort, kind="OTHER", notes="Planning notes")
    invited_yellow = network.yellows[0].person
    principal = TeacherFactory(school=network.school)
    MeetingInvitee.objects.create(meeting=meeting, person=invited_yellow)
    MeetingInvitee.objects.create(meeting=meeting, person=principal)

    assert seen_by(api_for, invited_yellow, meeting)["notes"] == "Planning notes"
    assert seen_by(api_for, principal, meeting)["notes"] is None
    assert seen_by(api_for, network.yellows[1].person, meeting)["notes"] is None


def test_a_coordinator_sees_meetings_but_never_their_notes(api_for, network, blue_meeting):
    coordinator = CoordinatorFactory(coordinated_district=network.school.district)

    seen = seen_by(api_for, coordinator, blue_meeting)

    assert seen["cohort"] == {"name": network.cohort.name}
    assert (seen["canSeeNotes"], seen["notes"]) == (False, None)


def test_outsiders_do_not_see_the_meeting(api_for, network, blue_meeting):
    outsider = LeaderFactory(school=network.school)

    assert api_for(outsider).data(MEETING, {"id": gid(blue_meeting)})["meeting"] is None
    listed = api_for(outsider).data("{ meetings { totalCount } }")
    assert listed["meetings"]["totalCount"] == 0


def test_meetings_list_upcoming_and_past(api_for, network, leader, blue_meeting):
    MeetingFactory(
        cohort=network.cohort, title="Next", starts_at=timezone.now() + timedelta(days=3)
    )
    in_progress = MeetingFactory(
        cohort=network.cohort, title="Now", starts_at=timezone.now() - timedelta(minutes=10)
    )
    api = api_for(leader)

    upcoming = api.data("{ meetings(upcoming: true) { edges { node { title status } } } }")
    past = api.data("{ meetings(upcoming: false) { edges { node { title status } } } }")
    nested = api.data(
        "query($id: ID!) { cohort(id: $id) { meetings(upcoming: true) { title } } }",
        {"id": gid(network.cohort)},
    )

    assert [e["node"] for e in upcoming["meetings"]["edges"]] == [
        {"title": in_progress.title, "status": "IN_PROGRESS"},
        {"title": "Next", "status": "UPCOMING"},
    ]
    assert [e["node"] for e in past["meetings"]["edges"]] == [
        {"title": blue_meeting.title, "status": "HELD"}
    ]
    assert nested["cohort"]["meetings"] == [{"title": "Now"}, {"title": "Next"}]
