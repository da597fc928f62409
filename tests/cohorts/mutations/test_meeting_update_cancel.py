from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from notifications.models import Notification, Status
from tests.cohorts.conftest import gid
from tests.cohorts.factories import AgendaItemFactory, MeetingFactory
from tests.conftest import error_codes, top_level_codes

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)

CREATE = """
mutation Create($input: MeetingCreateInput!) {
  meetingCreate(input: $input) { meeting { id } errors { code } }
}
"""
UPDATE = """
mutation Update($input: MeetingUpdateInput!) {
  meetingUpdate(input: $input) {
    meeting { when { startsAt date startTime minutes } location videoUrl kind }
    warnings { code }
    errors { field code }
  }
}
"""
CANCEL = """
mutation Cancel($input: MeetingCancelInput!) {
  meetingCancel(input: $input) { meeting { status cancelledAt } errors { code } }
}
"""


# A MeetingFactory meeting at NOW + 5 days is at 07:00 in Chicago; the same time, shorter.
SAME_TIME_45_MINUTES = {"date": "2026-10-06", "startTime": "07:00:00", "minutes": 45}


def planned(api, cohort, kind="WHOLE_GROUP") -> str:
    return api.data(
        CREATE,
        {
            "input": {
                "cohortId": gid(cohort),
                "kind": kind,
                "when": {"date": "2026-10-20", "startTime": "15:30:00", "minutes": 60},
            }
        },
    )["meetingCreate"]["meeting"]["id"]


@time_machine.travel(NOW, tick=False)
def test_rescheduling_moves_every_reminder(api_for, network, leader):
    api = api_for(leader)
    meeting_id = planned(api, network.cohort)

    when = {"date": "2026-10-22", "startTime": "15:30:00", "minutes": 60}
    result = api.data(UPDATE, {"input": {"meetingId": meeting_id, "when": when}})["meetingUpdate"]

    assert result["errors"] == []
    assert result["meeting"]["when"] == {
        "startsAt": "2026-10-22T20:30:00+00:00",
        **when,
    }
    reminders = Notification.objects.filter(kind="MEETING_TOMORROW")
    assert reminders.count() == 13
    assert set(reminders.values_list("due_at", flat=True)) == {
        datetime(2026, 10, 21, 20, 30, tzinfo=UTC)
    }
    assert set(reminders.values_list("status", flat=True)) == {Status.PENDING}


@time_machine.travel(NOW, tick=False)
def test_narrowing_to_the_group_of_5_withdraws_the_yellow_dots_reminders(api_for, network, leader):
    api = api_for(leader)
    meeting_id = planned(api, network.cohort)

    api.data(UPDATE, {"input": {"meetingId": meeting_id, "kind": "BLUE_GROUP"}})

    pending = Notification.objects.filter(kind="MEETING_TOMORROW", status=Status.PENDING)
    assert pending.count() == 5
    assert Notification.objects.filter(status=Status.CANCELLED).count() == 8


@time_machine.travel(NOW, tick=False)
def test_a_new_member_is_reminded_of_upcoming_meetings(api_for, network, leader):
    from tests.factories import TeacherFactory

    api = api_for(leader)
    planned(api, network.cohort)
    newcomer = TeacherFactory(school=leader.school)

    api.data(
        "mutation($input: MembershipAddInput!) "
        "{ membershipAdd(input: $input) { errors { code } } }",
        {"input": {"cohortId": gid(network.cohort), "personId": gid(newcomer), "role": "YELLOW"}},
    )

    assert Notification.objects.filter(
        recipient=newcomer, kind="MEETING_TOMORROW", status=Status.PENDING
    ).exists()


@time_machine.travel(NOW, tick=False)
def test_shortening_a_strict_meeting_below_its_agenda_is_refused(api_for, network, leader):
    meeting = MeetingFactory(
        cohort=network.cohort,
        strict_timing=True,
        duration_minutes=60,
        starts_at=NOW + timedelta(days=5),
    )
    AgendaItemFactory(meeting=meeting, minutes=50)

    result = api_for(leader).data(
        UPDATE, {"input": {"meetingId": gid(meeting), "when": SAME_TIME_45_MINUTES}}
    )["meetingUpdate"]

    assert result["errors"] == [{"field": "when.minutes", "code": "AGENDA_OVERRUNS_MEETING"}]
    meeting.refresh_from_db()
    assert meeting.duration_minutes == 60


@time_machine.travel(NOW, tick=False)
def test_shortening_a_meeting_below_its_agenda_warns(api_for, network, leader):
    meeting = MeetingFactory(
        cohort=network.cohort, duration_minutes=60, starts_at=NOW + timedelta(days=5)
    )
    AgendaItemFactory(meeting=meeting, minutes=50)

    result = api_for(leader).data(
        UPDATE, {"input": {"meetingId": gid(meeting), "when": SAME_TIME_45_MINUTES}}
    )["meetingUpdate"]

    assert result["errors"] == []
    assert result["warnings"] == [{"code": "AGENDA_OVERRUNS_MEETING"}]


@time_machine.travel(NOW, tick=False)
def test_cancelling_withdraws_the_reminders_and_freezes_the_meeting(api_for, network, leader):
    api = api_for(leader)
    meeting_id = planned(api, network.cohort)

    result = api.data(CANCEL, {"input": {"meetingId": meeting_id}})["meetingCancel"]

    assert result["meeting"]["status"] == "CANCELLED"
    assert (
        not Notification.objects.filter(status=Status.PENDING)
        .exclude(kind="COHORT_CHANGED")
        .exists()
    )
    when = {"date": "2026-10-20", "startTime": "15:30:00", "minutes": 30}
    again = api.data(UPDATE, {"input": {"meetingId": meeting_id, "when": when}})
    assert error_codes(again["meetingUpdate"]) == ["MEETING_CANCELLED"]
    listed = api.data("{ meetings { totalCount } }")["meetings"]["totalCount"]
    assert listed == 0
    assert (
        api.data("{ meetings(includeCancelled: true) { totalCount } }")["meetings"]["totalCount"]
        == 1
    )


def test_a_blue_dot_cannot_cancel(api_for, network):
    meeting = MeetingFactory(cohort=network.cohort)

    result = api_for(network.blues[0].person).post_graphql(
        CANCEL, {"input": {"meetingId": gid(meeting)}}
    )

    assert top_level_codes(result) == ["FORBIDDEN"]


def test_outsiders_cannot_find_the_meeting(api_for, network):
    from tests.factories import LeaderFactory

    meeting = MeetingFactory(cohort=network.cohort)

    result = api_for(LeaderFactory(school=network.school)).post_graphql(
        CANCEL, {"input": {"meetingId": gid(meeting)}}
    )

    assert error_codes(result["data"]["meetingCancel"]) == ["NOT_FOUND"]
