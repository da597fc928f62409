"""`Meeting.expected`: everyone the meeting is for, with their attendance."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cohorts.models import Attendance, MeetingInvitee, Membership, Role
from tests.cohorts.conftest import gid
from tests.cohorts.factories import MeetingFactory, build_cohort
from tests.factories import SchoolFactory, TeacherFactory

pytestmark = pytest.mark.django_db

EXPECTED = """
query($id: ID!) {
  meeting(id: $id) {
    expected { person { id fullName email } reason role attended status }
  }
}
"""


@pytest.fixture
def network(leader):
    """The cohort, its members in it for a month already."""
    network = build_cohort(leader=leader)
    Membership.objects.filter(cohort=network.cohort).update(
        started_at=timezone.now() - timedelta(days=30)
    )
    return network


def held(network, kind="WHOLE_GROUP", days_ago=2):
    return MeetingFactory(
        cohort=network.cohort, kind=kind, starts_at=timezone.now() - timedelta(days=days_ago)
    )


def expected(api_for, viewer, meeting) -> list[dict] | None:
    found = api_for(viewer).data(EXPECTED, {"id": gid(meeting)})["meeting"]
    return None if found is None else found["expected"]


def by_person(rows) -> dict[str, dict]:
    return {row["person"]["id"]: row for row in rows}


def test_the_whole_group_and_the_invitees_are_expected_before_anything_is_recorded(
    api_for, leader, network
):
    meeting = held(network)
    principal = TeacherFactory(school=network.school, full_name="Pat Principal")
    MeetingInvitee.objects.create(meeting=meeting, person=principal)

    rows = expected(api_for, leader, meeting)

    assert len(rows) == 14
    assert [row["role"] for row in rows[:13]] == ["LEADER"] + ["BLUE"] * 4 + ["YELLOW"] * 8
    assert {row["reason"] for row in rows[:13]} == {"MEMBER"}
    assert rows[13]["person"]["fullName"] == "Pat Principal"
    assert (rows[13]["reason"], rows[13]["role"]) == ("INVITEE", None)
    assert {(row["attended"], row["status"]) for row in rows} == {(None, None)}


def test_recorded_attendance_shows_who_came(api_for, leader, network):
    meeting = held(network)
    came, stayed_away, excused = (m.person for m in network.blues[:3])
    for person, status in ((came, "PRESENT"), (stayed_away, "ABSENT"), (excused, "EXCUSED")):
        Attendance.objects.create(meeting=meeting, person=person, status=status, recorded_by=leader)

    rows = by_person(expected(api_for, leader, meeting))

    assert (rows[gid(came)]["attended"], rows[gid(came)]["status"]) == (True, "PRESENT")
    assert (rows[gid(stayed_away)]["attended"], rows[gid(stayed_away)]["status"]) == (
        False,
        "ABSENT",
    )
    assert (rows[gid(excused)]["attended"], rows[gid(excused)]["status"]) == (False, "EXCUSED")
    assert rows[gid(network.blues[3].person)]["attended"] is None


def test_the_group_of_5_expects_the_leader_and_the_blue_dots(api_for, leader, network):
    meeting = held(network, kind="BLUE_GROUP")

    rows = expected(api_for, leader, meeting)

    assert [row["role"] for row in rows] == ["LEADER"] + ["BLUE"] * 4
    assert gid(network.yellows[0].person) not in by_person(rows)


def test_the_group_as_it_stood_when_the_meeting_started(api_for, leader, network):
    meeting = held(network, days_ago=5)
    left_before, left_after = network.yellows[0], network.yellows[1]
    Membership.objects.filter(pk=left_before.pk).update(
        ended_at=timezone.now() - timedelta(days=10)
    )
    Membership.objects.filter(pk=left_after.pk).update(ended_at=timezone.now() - timedelta(days=1))
    joined_after = Membership.objects.create(
        cohort=network.cohort, person=TeacherFactory(school=network.school), role=Role.YELLOW
    )
    joined_and_came = Membership.objects.create(
        cohort=network.cohort, person=TeacherFactory(school=network.school), role=Role.YELLOW
    )
    Attendance.objects.create(
        meeting=meeting, person=joined_and_came.person, status="PRESENT", recorded_by=leader
    )

    rows = by_person(expected(api_for, leader, meeting))

    assert gid(left_before.person) not in rows
    assert rows[gid(left_after.person)]["reason"] == "MEMBER"
    assert gid(joined_after.person) not in rows
    assert rows[gid(joined_and_came.person)]["reason"] == "MEMBER"
    assert rows[gid(joined_and_came.person)]["attended"] is True


def test_a_meeting_to_come_expects_the_group_as_it_stands(api_for, leader, network):
    meeting = MeetingFactory(cohort=network.cohort, kind="WHOLE_GROUP")
    newcomer = Membership.objects.create(
        cohort=network.cohort, person=TeacherFactory(school=network.school), role=Role.YELLOW
    )
    Membership.objects.filter(pk=network.yellows[0].pk).update(ended_at=timezone.now())

    rows = by_person(expected(api_for, leader, meeting))

    assert gid(newcomer.person) in rows
    assert gid(network.yellows[0].person) not in rows
    assert len(rows) == 13


def test_a_closed_account_is_expected_only_if_its_attendance_was_recorded(api_for, leader, network):
    meeting = held(network)
    gone, gone_but_came = network.yellows[0].person, network.yellows[1].person
    Attendance.objects.create(
        meeting=meeting, person=gone_but_came, status="PRESENT", recorded_by=leader
    )
    for person in (gone, gone_but_came):
        person.is_active = False
        person.save()

    rows = by_person(expected(api_for, leader, meeting))

    assert gid(gone) not in rows
    assert rows[gid(gone_but_came)]["attended"] is True


def test_a_member_sees_who_is_expected_but_not_an_outside_invitees_address(
    api_for, leader, network
):
    meeting = held(network)
    elsewhere = SchoolFactory(district=network.school.district)
    coach = TeacherFactory(school=elsewhere, email="coach@elsewhere.example")
    MeetingInvitee.objects.create(meeting=meeting, person=coach)

    rows = by_person(expected(api_for, network.yellows[0].person, meeting))

    assert rows[gid(coach)]["reason"] == "INVITEE"
    assert rows[gid(coach)]["person"]["email"] is None  # not their school: no address
    assert rows[gid(network.blues[0].person)]["person"]["email"]  # their own school's


def test_someone_who_may_not_see_the_meeting_learns_nobody_expected(api_for, network):
    outsider = TeacherFactory(school=SchoolFactory(district=network.school.district))
    meeting = held(network)

    assert expected(api_for, outsider, meeting) is None
