from datetime import timedelta

import pytest
from django.utils import timezone

from cohorts.models import Attendance, Membership
from tests.cohorts.conftest import gid
from tests.cohorts.factories import MeetingFactory
from tests.conftest import error_codes, top_level_codes
from tests.factories import TeacherFactory

pytestmark = pytest.mark.django_db

RECORD = """
mutation Record($input: MeetingRecordInput!) {
  meetingRecord(input: $input) {
    meeting { status notes attendance { person { fullName } status } }
    errors { field message code }
  }
}
"""


def record(api, meeting, **extra):
    return api.post_graphql(RECORD, {"input": {"meetingId": gid(meeting), **extra}})


@pytest.fixture
def held(network):
    return MeetingFactory(
        cohort=network.cohort, kind="BLUE_GROUP", starts_at=timezone.now() - timedelta(hours=2)
    )


def test_after_the_meeting_the_leader_records_attendance_and_notes(api_for, network, leader, held):
    blue = network.blues[0].person

    result = record(
        api_for(leader),
        held,
        notes="  Norms agreed.  ",
        attendance=[
            {"personId": gid(leader), "status": "PRESENT"},
            {"personId": gid(blue), "status": "EXCUSED"},
        ],
    )

    payload = result["data"]["meetingRecord"]
    assert payload["errors"] == []
    assert payload["meeting"]["status"] == "HELD"
    assert payload["meeting"]["notes"] == "Norms agreed."
    assert {(a["person"]["fullName"], a["status"]) for a in payload["meeting"]["attendance"]} == {
        (leader.full_name, "PRESENT"),
        (blue.full_name, "EXCUSED"),
    }


def test_recording_again_corrects_without_duplicates(api_for, network, leader, held):
    api = api_for(leader)
    blue = network.blues[0].person
    record(api, held, attendance=[{"personId": gid(blue), "status": "ABSENT"}])

    record(api, held, attendance=[{"personId": gid(blue), "status": "PRESENT"}])

    assert list(Attendance.objects.values_list("status", flat=True)) == ["PRESENT"]


def test_someone_who_left_since_can_still_be_marked(api_for, network, leader, held):
    blue = network.blues[0]
    Membership.objects.filter(pk=blue.pk).update(
        started_at=held.starts_at - timedelta(days=30), ended_at=timezone.now()
    )

    result = record(
        api_for(leader), held, attendance=[{"personId": gid(blue.person), "status": "PRESENT"}]
    )

    assert result["data"]["meetingRecord"]["errors"] == []


def test_only_the_meetings_people_can_be_marked(api_for, network, leader, held):
    yellow = network.yellows[0].person  # not in the group of 5
    teacher = TeacherFactory(school=leader.school)

    result = record(
        api_for(leader),
        held,
        attendance=[
            {"personId": gid(leader), "status": "PRESENT"},
            {"personId": gid(yellow), "status": "PRESENT"},
            {"personId": gid(teacher), "status": "PRESENT"},
        ],
    )

    errors = result["data"]["meetingRecord"]["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [
        ("attendance.1.personId", "NOT_A_MEMBER"),
        ("attendance.2.personId", "NOT_A_MEMBER"),
    ]
    assert not Attendance.objects.exists()


def test_attendance_waits_for_the_meeting_to_start(api_for, network, leader):
    upcoming = MeetingFactory(cohort=network.cohort)

    result = record(
        api_for(leader), upcoming, attendance=[{"personId": gid(leader), "status": "PRESENT"}]
    )

    assert error_codes(result["data"]["meetingRecord"]) == ["MEETING_NOT_STARTED"]


def test_a_peer_cannot_record(api_for, network, held):
    assert top_level_codes(record(api_for(network.blues[0].person), held, notes="x")) == [
        "FORBIDDEN"
    ]


def test_outsiders_cannot_find_it(api_for, held):
    from tests.factories import LeaderFactory

    result = record(api_for(LeaderFactory(school=held.cohort.school)), held, notes="x")

    assert error_codes(result["data"]["meetingRecord"]) == ["NOT_FOUND"]
