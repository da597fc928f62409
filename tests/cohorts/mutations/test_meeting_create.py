from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from cohorts.models import Meeting
from notifications.models import Notification, Status
from tests.cohorts.conftest import gid, pk
from tests.cohorts.factories import MeetingFactory, build_cohort
from tests.conftest import error_codes, top_level_codes
from tests.factories import CoordinatorFactory, SchoolFactory, TeacherFactory

pytestmark = pytest.mark.django_db

CREATE = """
mutation Create($input: MeetingCreateInput!) {
  meetingCreate(input: $input) {
    meeting {
      id kind title when { startsAt endsAt timeZone date startTime endDate endTime minutes }
      location videoUrl strictTiming status agendaMinutes overrunMinutes
      agenda { position title minutes protocol { name } facilitator { fullName } }
      invitees { fullName }
    }
    warnings { code message count }
    errors { field message code }
  }
}
"""
NOW = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)


def create(api, cohort, *, date="2026-10-13", startTime="15:30:00", minutes=75, **extra):
    when = {"date": date, "startTime": startTime, "minutes": minutes}
    variables = {"input": {"cohortId": gid(cohort), "kind": "BLUE_GROUP", "when": when, **extra}}
    return api.post_graphql(CREATE, variables)


@time_machine.travel(NOW, tick=False)
def test_local_time_at_the_school_is_stored_in_utc_and_shown_both_ways(api_for, network, leader):
    result = create(api_for(leader), network.cohort, location="Library")

    payload = result["data"]["meetingCreate"]
    assert payload["errors"] == []
    meeting = payload["meeting"]
    # Chicago is UTC-5 in October (daylight time).
    assert meeting["when"] == {
        "startsAt": "2026-10-13T20:30:00+00:00",
        "endsAt": "2026-10-13T21:45:00+00:00",
        "timeZone": "America/Chicago",
        "date": "2026-10-13",
        "startTime": "15:30:00",
        "endDate": "2026-10-13",
        "endTime": "16:45:00",
        "minutes": 75,
    }
    assert (meeting["kind"], meeting["title"], meeting["status"]) == (
        "BLUE_GROUP",
        "Group of 5",
        "UPCOMING",
    )
    assert payload["warnings"] == []


@time_machine.travel(NOW, tick=False)
def test_the_group_gets_a_reminder_24_hours_before(api_for, network, leader):
    result = create(api_for(leader), network.cohort, location="Library")

    meeting_id = pk(result["data"]["meetingCreate"]["meeting"]["id"])
    reminders = Notification.objects.filter(kind="MEETING_TOMORROW")
    # The group of 5: the leader and the four blue dots, nobody else.
    assert {n.recipient_id for n in reminders} == {leader.pk, *(b.person_id for b in network.blues)}
    reminder = reminders.get(recipient=leader)
    assert reminder.key == f"meeting:{meeting_id}:tomorrow:{leader.pk}"
    assert reminder.due_at == datetime(2026, 10, 12, 20, 30, tzinfo=UTC)
    assert reminder.status == Status.PENDING
    assert reminder.title == "Tomorrow: Group of 5"
    assert reminder.body == (
        "Tuesday 13 October, 3:30 PM (75 min), Library. Group of 5 (leader and blue dots)."
    )
    assert (reminder.target_type, reminder.target_id) == ("Meeting", gid(Meeting(pk=meeting_id)))


@time_machine.travel(NOW, tick=False)
def test_a_whole_group_meeting_reminds_all_thirteen(api_for, network, leader):
    create(api_for(leader), network.cohort, kind="WHOLE_GROUP")

    assert Notification.objects.filter(kind="MEETING_TOMORROW").count() == 13


@time_machine.travel(NOW, tick=False)
def test_a_meeting_held_before_the_app_can_be_recorded_without_reminders(api_for, network, leader):
    result = create(api_for(leader), network.cohort, date="2026-09-15")

    assert result["data"]["meetingCreate"]["meeting"]["status"] == "HELD"
    assert not Notification.objects.filter(kind="MEETING_TOMORROW").exists()


@time_machine.travel(NOW, tick=False)
def test_a_time_skipped_by_the_clock_change_is_refused(api_for, network, leader):
    # Clocks in Chicago jump from 2:00 to 3:00 on 8 March 2026.
    result = create(api_for(leader), network.cohort, date="2027-03-14", startTime="02:30:00")

    assert result["data"]["meetingCreate"]["errors"] == [
        {
            "field": "when.startTime",
            "message": "02:30 does not exist on 14 March 2027 in America/Chicago: the clocks "
            "change that night.",
            "code": "INVALID_TIME",
        }
    ]
    assert not Meeting.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_an_agenda_can_start_from_a_template(api_for, network, leader):
    result = create(api_for(leader), network.cohort, templateKey="group-of-5-launch")

    meeting = result["data"]["meetingCreate"]["meeting"]
    assert [item["title"] for item in meeting["agenda"]][:2] == [
        "Welcome and check-in",
        "Setting norms",
    ]
    assert meeting["agenda"][1]["protocol"] == {"name": "Setting group norms"}
    assert meeting["agendaMinutes"] == 70


@time_machine.travel(NOW, tick=False)
def test_a_template_longer_than_the_meeting_is_saved_with_a_warning(api_for, network, leader):
    result = create(api_for(leader), network.cohort, templateKey="group-of-5-launch", minutes=60)

    payload = result["data"]["meetingCreate"]
    assert payload["errors"] == []
    assert payload["meeting"]["overrunMinutes"] == 10
    assert payload["warnings"] == [
        {
            "code": "AGENDA_OVERRUNS_MEETING",
            "message": "The agenda adds up to 70 minutes: 10 over the 60-minute meeting.",
            "count": 10,
        }
    ]


@time_machine.travel(NOW, tick=False)
def test_with_strict_timing_an_overrunning_template_is_refused(api_for, network, leader):
    result = create(
        api_for(leader),
        network.cohort,
        templateKey="group-of-5-launch",
        minutes=60,
        strictTiming=True,
    )

    payload = result["data"]["meetingCreate"]
    assert error_codes(payload) == ["AGENDA_OVERRUNS_MEETING"]
    assert not Meeting.objects.exists()
    assert not Notification.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_an_agenda_can_be_copied_from_a_previous_meeting_without_its_notes(
    api_for, network, leader
):
    from tests.cohorts.factories import AgendaItemFactory

    previous = MeetingFactory(cohort=network.cohort, starts_at=NOW - timedelta(days=20))
    AgendaItemFactory(meeting=previous, title="Norms", minutes=10, notes="Private notes")
    AgendaItemFactory(
        meeting=previous, title="Data", minutes=20, facilitator=network.yellows[0].person
    )

    result = create(api_for(leader), network.cohort, copyAgendaFromMeetingId=gid(previous))

    agenda = result["data"]["meetingCreate"]["meeting"]["agenda"]
    assert [(i["title"], i["minutes"]) for i in agenda] == [("Norms", 10), ("Data", 20)]
    # A yellow dot is not part of the group of 5: the copy has no facilitator for that item.
    assert agenda[1]["facilitator"] is None
    assert (
        not Meeting.objects.get(pk=pk(result["data"]["meetingCreate"]["meeting"]["id"]))
        .agenda_items.exclude(notes="")
        .exists()
    )


@time_machine.travel(NOW, tick=False)
def test_invitees_are_reminded_too(api_for, network, leader):
    principal = TeacherFactory(school=network.school)

    result = create(
        api_for(leader),
        network.cohort,
        kind="OTHER",
        title="Planning with the principal",
        inviteeIds=[gid(principal), gid(principal)],
    )

    payload = result["data"]["meetingCreate"]
    assert payload["errors"] == []
    assert payload["meeting"]["invitees"] == [{"fullName": principal.full_name}]
    assert set(Notification.objects.values_list("recipient_id", flat=True)) == {
        leader.pk,
        principal.pk,
    }
    invitation = Notification.objects.get(recipient=principal, kind="INVITATION")
    assert invitation.due_at == NOW
    assert invitation.body == (
        f"{leader.full_name} invited you to Planning with the principal, "
        "Tuesday 13 October, 3:30 PM."
    )
    meeting = Meeting.objects.get()
    assert (invitation.target_type, invitation.target_id) == ("Meeting", gid(meeting))
    # Every later change re-syncs the meeting's reminders; the invitation must survive it.
    assert Notification.objects.get(recipient=principal, kind="MEETING_TOMORROW").status == (
        Status.PENDING
    )
    assert invitation.status == Status.PENDING


@time_machine.travel(NOW, tick=False)
def test_an_invitee_taken_off_the_list_loses_the_unsent_invitation(api_for, network, leader):
    principal = TeacherFactory(school=network.school)
    api = api_for(leader)
    result = create(api, network.cohort, kind="OTHER", title="Plan", inviteeIds=[gid(principal)])
    meeting_id = result["data"]["meetingCreate"]["meeting"]["id"]

    api.data(
        "mutation U($input: MeetingUpdateInput!) { meetingUpdate(input: $input) {"
        " errors { code } } }",
        {"input": {"meetingId": meeting_id, "inviteeIds": []}},
    )

    invitation = Notification.objects.get(recipient=principal, kind="INVITATION")
    assert invitation.status == Status.CANCELLED


@time_machine.travel(NOW, tick=False)
def test_invitees_come_from_the_school_or_its_district(staff, api_for, network):
    coordinator = CoordinatorFactory(coordinated_district=network.school.district)
    stranger = TeacherFactory(school=SchoolFactory())
    api = api_for(staff)  # staff see everyone, so the rule is the service's

    ok = create(api, network.cohort, inviteeIds=[gid(coordinator)])
    refused = create(api, network.cohort, inviteeIds=[gid(stranger)])

    assert ok["data"]["meetingCreate"]["errors"] == []
    assert refused["data"]["meetingCreate"]["errors"][0]["code"] == "NOT_IN_SCHOOL"
    assert Meeting.objects.count() == 1


@time_machine.travel(NOW, tick=False)
def test_a_leader_cannot_invite_people_they_cannot_see(api_for, network, leader):
    elsewhere = TeacherFactory(school=SchoolFactory(district=network.school.district))

    result = create(api_for(leader), network.cohort, inviteeIds=[gid(elsewhere)])

    assert result["data"]["meetingCreate"]["errors"] == [
        {"field": "inviteeIds.0", "message": "No Person with this id.", "code": "NOT_FOUND"}
    ]


@pytest.mark.parametrize(
    ("extra", "field", "code"),
    [
        ({"minutes": 2}, "when.minutes", "INVALID"),
        ({"minutes": 601}, "when.minutes", "INVALID"),
        ({"kind": "OTHER"}, "title", "REQUIRED"),
        ({"videoUrl": "javascript:alert(1)"}, "videoUrl", "INVALID"),
        ({"templateKey": "nope"}, "templateKey", "NOT_FOUND"),
        ({"date": "9999-12-31", "startTime": "23:30:00"}, "when.date", "INVALID"),
        ({"date": "0001-01-01"}, "when.date", "INVALID"),
    ],
)
@time_machine.travel(NOW, tick=False)
def test_bad_input_is_refused_and_nothing_is_written(api_for, network, leader, extra, field, code):
    result = create(api_for(leader), network.cohort, **extra)

    errors = result["data"]["meetingCreate"]["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [(field, code)]
    assert not Meeting.objects.exists()
    assert not Notification.objects.exists()


def test_a_blue_dot_cannot_plan_meetings(api_for, network):
    assert top_level_codes(create(api_for(network.blues[0].person), network.cohort)) == [
        "FORBIDDEN"
    ]


def test_a_leader_outside_the_cohort_gets_not_found(api_for, network):
    other = build_cohort(school=network.school, blues=0, yellows=0)
    leader = other.leader.person

    result = create(api_for(leader), network.cohort)

    assert error_codes(result["data"]["meetingCreate"]) == ["NOT_FOUND"]


def test_the_date_helper_is_what_the_school_sees():
    from zoneinfo import ZoneInfo

    from cohorts.services.meetings import local_to_utc

    autumn = local_to_utc(
        date(2026, 11, 1),
        datetime.min.time().replace(hour=1, minute=30),
        ZoneInfo("America/Chicago"),
    )
    # 1:30 happens twice that night; the first (daylight time) is meant.
    assert autumn == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)


@time_machine.travel(NOW, tick=False)
def test_a_meeting_across_the_fall_back_night_shows_elapsed_minutes_and_the_wall_clock(
    api_for, network, leader
):
    # Given a meeting at 00:30 on the night Chicago's clocks go back (02:00 CDT -> 01:00 CST)
    result = create(
        api_for(leader), network.cohort, date="2026-11-01", startTime="00:30:00", minutes=120
    )

    # Then it lasts 120 minutes and ends at 01:30 standard time on the school's clock
    when = result["data"]["meetingCreate"]["meeting"]["when"]
    assert (when["startsAt"], when["endsAt"]) == (
        "2026-11-01T05:30:00+00:00",
        "2026-11-01T07:30:00+00:00",
    )
    assert (when["startTime"], when["endTime"], when["minutes"]) == ("00:30:00", "01:30:00", 120)


@time_machine.travel(NOW, tick=False)
def test_a_repeated_wall_clock_time_means_its_first_occurrence(api_for, network, leader):
    result = create(api_for(leader), network.cohort, date="2026-11-01", startTime="01:30:00")

    when = result["data"]["meetingCreate"]["meeting"]["when"]
    assert when["startsAt"] == "2026-11-01T06:30:00+00:00"  # 01:30 CDT, before the clocks go back
