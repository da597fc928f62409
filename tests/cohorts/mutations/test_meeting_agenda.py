from datetime import timedelta

import pytest
from django.utils import timezone

from cohorts.models import AgendaItem, Protocol
from notifications.models import Kind, Notification, Status
from tests.cohorts.conftest import gid
from tests.cohorts.factories import AgendaItemFactory, MeetingFactory, ProtocolFactory
from tests.conftest import error_codes, top_level_codes
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db

SET = """
mutation Set($input: MeetingAgendaSetInput!) {
  meetingAgendaSet(input: $input) {
    meeting {
      agendaMinutes overrunMinutes
      agenda {
        id position title minutes startOffsetMinutes materials notes
        facilitator { fullName } protocol { name totalMinutes steps { title minutes } }
      }
    }
    warnings { code message count }
    errors { field message code }
  }
}
"""
FROM_TEMPLATE = """
mutation T($input: MeetingAgendaApplyTemplateInput!) {
  meetingAgendaApplyTemplate(input: $input) {
    meeting { agenda { title minutes protocol { name } } }
    warnings { code }
    errors { field code }
  }
}
"""
COPY = """
mutation C($input: MeetingAgendaCopyInput!) {
  meetingAgendaCopy(input: $input) {
    meeting { agenda { title minutes notes facilitator { fullName } } }
    errors { field code }
  }
}
"""


def library(key: str) -> Protocol:
    return Protocol.objects.get(school__isnull=True, key=key)


def agenda_set(api, meeting, items):
    return api.post_graphql(SET, {"input": {"meetingId": gid(meeting), "items": items}})


@pytest.fixture
def meeting(network):
    return MeetingFactory(cohort=network.cohort, duration_minutes=60)


def test_the_leader_writes_an_agenda_with_facilitators_protocols_and_materials(
    api_for, network, leader, meeting
):
    blue = network.blues[0].person
    result = agenda_set(
        api_for(leader),
        meeting,
        [
            {"title": "Check-in", "minutes": 5, "facilitatorId": gid(leader)},
            {
                "title": "Reflection practice",
                "protocolId": gid(library("student-learning-reflection")),
                "facilitatorId": gid(blue),
                "materials": "Reflection sheet",
            },
            {"title": "Scheduling", "minutes": 10},
        ],
    )

    payload = result["data"]["meetingAgendaSet"]
    assert payload["errors"] == []
    agenda = payload["meeting"]["agenda"]
    assert [(i["position"], i["title"], i["minutes"], i["startOffsetMinutes"]) for i in agenda] == [
        (1, "Check-in", 5, 0),
        (2, "Reflection practice", 40, 5),  # the protocol's total
        (3, "Scheduling", 10, 45),
    ]
    assert agenda[1]["facilitator"] == {"fullName": blue.full_name}
    assert agenda[1]["protocol"]["name"] == "Student Learning Reflection protocol"
    assert len(agenda[1]["protocol"]["steps"]) == 8
    assert payload["meeting"]["agendaMinutes"] == 55
    assert payload["warnings"] == []


def test_the_meeting_reminder_carries_the_agenda_and_follows_its_changes(
    api_for, network, leader, meeting
):
    items = [{"title": "Check-in", "minutes": 5}, {"title": "Scheduling", "minutes": 10}]
    agenda_set(api_for(leader), meeting, items)

    reminders = Notification.objects.filter(kind=Kind.MEETING_TOMORROW, status=Status.PENDING)
    assert reminders.count() == 13  # the whole group
    body = reminders.get(recipient=leader).body
    assert body.endswith("Agenda: Check-in (5 min); Scheduling (10 min).")

    many = [{"title": f"Item {n}", "minutes": 5} for n in range(1, 9)]
    agenda_set(api_for(leader), meeting, many)

    body = reminders.get(recipient=leader).body
    assert "Item 6 (5 min); +2 more." in body
    assert "Check-in" not in body and "Item 7" not in body
    assert reminders.count() == 13


def test_a_template_agenda_reaches_the_reminder(api_for, leader, meeting):
    result = api_for(leader).post_graphql(
        FROM_TEMPLATE,
        {
            "input": {
                "meetingId": gid(meeting),
                "templateKey": "group-of-13-looking-at-student-work",
            }
        },
    )

    first = result["data"]["meetingAgendaApplyTemplate"]["meeting"]["agenda"][0]
    reminder = Notification.objects.get(kind=Kind.MEETING_TOMORROW, recipient=leader)
    assert f"Agenda: {first['title']} ({first['minutes']} min)" in reminder.body


def test_items_are_kept_reordered_and_removed_by_id(api_for, leader, meeting):
    first = AgendaItemFactory(meeting=meeting, position=1, title="A", notes="taken")
    second = AgendaItemFactory(meeting=meeting, position=2, title="B")
    AgendaItemFactory(meeting=meeting, position=3, title="C")

    result = agenda_set(
        api_for(leader),
        meeting,
        [
            {"id": gid(second), "title": "B", "minutes": 10},
            {"title": "New", "minutes": 5},
            {"id": gid(first), "title": "A again", "minutes": 10},
        ],
    )

    agenda = result["data"]["meetingAgendaSet"]["meeting"]["agenda"]
    assert [i["title"] for i in agenda] == ["B", "New", "A again"]
    assert agenda[0]["id"] == gid(second) and agenda[2]["id"] == gid(first)
    assert agenda[2]["notes"] == "taken"  # notes left out are kept
    assert AgendaItem.objects.filter(meeting=meeting).count() == 3


def test_an_overrunning_agenda_is_saved_with_a_warning(api_for, leader, meeting):
    result = agenda_set(
        api_for(leader),
        meeting,
        [{"title": "Long", "minutes": 50}, {"title": "More", "minutes": 25}],
    )

    payload = result["data"]["meetingAgendaSet"]
    assert payload["errors"] == []
    assert payload["meeting"]["overrunMinutes"] == 15
    assert payload["warnings"] == [
        {
            "code": "AGENDA_OVERRUNS_MEETING",
            "message": "The agenda adds up to 75 minutes: 15 over the 60-minute meeting.",
            "count": 15,
        }
    ]


def test_with_strict_timing_an_overrunning_agenda_is_refused_and_nothing_changes(
    api_for, leader, meeting
):
    meeting.strict_timing = True
    meeting.save()
    AgendaItemFactory(meeting=meeting, title="Kept", minutes=30)

    result = agenda_set(
        api_for(leader),
        meeting,
        [{"title": "Long", "minutes": 50}, {"title": "More", "minutes": 25}],
    )

    assert result["data"]["meetingAgendaSet"]["errors"] == [
        {
            "field": "items",
            "message": "The agenda adds up to 75 minutes: 15 over the 60-minute meeting.",
            "code": "AGENDA_OVERRUNS_MEETING",
        }
    ]
    assert list(AgendaItem.objects.values_list("title", flat=True)) == ["Kept"]


def test_every_bad_item_is_reported_with_its_path(api_for, network, leader, meeting):
    yellow = network.yellows[0].person  # in the group of 13: a fine facilitator

    result = agenda_set(
        api_for(leader),
        meeting,
        [
            {"title": " ", "minutes": 5},
            {"title": "Too long", "minutes": 700},
            {"title": "Guest", "minutes": 5, "facilitatorId": gid(yellow)},
            {"title": "No time"},
        ],
    )

    errors = result["data"]["meetingAgendaSet"]["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [
        ("items.0.title", "REQUIRED"),
        ("items.1.minutes", "INVALID"),
        ("items.3.minutes", "REQUIRED"),
    ]


def test_a_facilitator_must_be_in_the_meetings_group(api_for, network, leader):
    blue_meeting = MeetingFactory(cohort=network.cohort, kind="BLUE_GROUP")
    yellow = network.yellows[0].person

    result = agenda_set(
        api_for(leader), blue_meeting, [{"title": "X", "minutes": 5, "facilitatorId": gid(yellow)}]
    )

    assert result["data"]["meetingAgendaSet"]["errors"] == [
        {
            "field": "items.0.facilitatorId",
            "message": f"{yellow.full_name} is not in this meeting's group or invited.",
            "code": "NOT_A_MEMBER",
        }
    ]


def test_another_schools_protocol_cannot_be_used(api_for, staff, meeting):
    other = ProtocolFactory(school=SchoolFactory())

    result = agenda_set(api_for(staff), meeting, [{"title": "X", "protocolId": gid(other)}])

    assert result["data"]["meetingAgendaSet"]["errors"] == [
        {
            "field": "items.0.protocolId",
            "message": "This protocol belongs to another school.",
            "code": "NOT_FOUND",
        }
    ]


def test_an_item_of_another_meeting_is_not_found(api_for, network, leader, meeting):
    elsewhere = AgendaItemFactory(meeting=MeetingFactory(cohort=network.cohort))

    result = agenda_set(
        api_for(leader), meeting, [{"id": gid(elsewhere), "title": "X", "minutes": 5}]
    )

    assert error_codes(result["data"]["meetingAgendaSet"]) == ["NOT_FOUND"]
    assert AgendaItem.objects.get(pk=elsewhere.pk).meeting == elsewhere.meeting


def test_a_template_replaces_the_agenda(api_for, leader, meeting):
    AgendaItemFactory(meeting=meeting, title="Old")

    result = api_for(leader).data(
        FROM_TEMPLATE,
        {
            "input": {
                "meetingId": gid(meeting),
                "templateKey": "group-of-13-looking-at-student-work",
            }
        },
    )["meetingAgendaApplyTemplate"]

    titles = [item["title"] for item in result["meeting"]["agenda"]]
    assert "Old" not in titles
    assert result["meeting"]["agenda"][1]["protocol"] == {
        "name": "Looking at Student Work protocol"
    }
    assert result["warnings"] == [{"code": "AGENDA_OVERRUNS_MEETING"}]  # 80 of 60 minutes


def test_copying_keeps_timings_and_drops_notes(api_for, network, leader, meeting):
    earlier = MeetingFactory(cohort=network.cohort, starts_at=timezone.now() - timedelta(days=9))
    AgendaItemFactory(
        meeting=earlier,
        title="Norms",
        minutes=10,
        notes="who said what",
        facilitator=network.blues[0].person,
    )

    result = api_for(leader).data(
        COPY, {"input": {"meetingId": gid(meeting), "fromMeetingId": gid(earlier)}}
    )["meetingAgendaCopy"]

    assert result["meeting"]["agenda"] == [
        {
            "title": "Norms",
            "minutes": 10,
            "notes": "",
            "facilitator": {"fullName": network.blues[0].person.full_name},
        }
    ]


def test_a_meeting_cannot_copy_itself(api_for, leader, meeting):
    result = api_for(leader).data(
        COPY, {"input": {"meetingId": gid(meeting), "fromMeetingId": gid(meeting)}}
    )

    assert result["meetingAgendaCopy"]["errors"] == [{"field": "fromMeetingId", "code": "INVALID"}]


def test_a_peer_cannot_edit_the_agenda(api_for, network, meeting):
    result = agenda_set(api_for(network.blues[0].person), meeting, [{"title": "X", "minutes": 1}])

    assert top_level_codes(result) == ["FORBIDDEN"]


def test_a_teacher_outside_cannot_edit_or_see_it(api_for, meeting):
    from tests.factories import LeaderFactory

    outsider = LeaderFactory(school=meeting.cohort.school)

    result = agenda_set(api_for(outsider), meeting, [{"title": "X", "minutes": 1}])

    assert error_codes(result["data"]["meetingAgendaSet"]) == ["NOT_FOUND"]
