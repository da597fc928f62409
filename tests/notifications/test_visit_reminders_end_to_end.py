"""A visit's reminders, end to end: GraphQL mutations write the outbox, the real delivery
code pushes them at the right local moment, with a deep link, respecting quiet hours."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from tests.factories import SchoolFactory, TeacherFactory

pytestmark = pytest.mark.django_db

REGISTER = """
mutation R($input: DeviceRegisterInput!) { deviceRegister(input: $input) { errors { code } } }
"""
PROPOSE = """
mutation P($input: VisitProposeInput!) {
  visitPropose(input: $input) { visit { id status } errors { field code message } }
}
"""
ACT = """
mutation A($id: ID!) { visitAccept(input: {visitId: $id}) { visit { status } errors { code } } }
"""
RESCHEDULE = """
mutation R($input: VisitRescheduleInput!) {
  visitReschedule(input: $input) {
    visit { status when { startsAt } } errors { field code message }
  }
}
"""
CANCEL = """
mutation C($input: VisitCancelInput!) { visitCancel(input: $input) { errors { code } } }
"""
# Monday 2 March 2026, 09:00 in Chicago (CST, UTC-6): a school day, outside quiet hours.
MONDAY_9AM = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


@pytest.fixture
def people(api_for):
    school = SchoolFactory(time_zone="America/Chicago")
    host = TeacherFactory(school=school, full_name="Hana Host")
    visitor = TeacherFactory(school=school, full_name="Victor Visitor")
    phones = {}
    for person, token in ((host, "host-phone"), (visitor, "visitor-phone")):
        phone = api_for(person)
        body = phone.data(REGISTER, {"input": {"token": token, "platform": "IOS"}})
        assert body["deviceRegister"]["errors"] == []
        phones[person.pk] = phone
    return host, visitor, phones


def pushed(push, token):
    return [(m.data.get("kind"), m.data.get("type"), m.data.get("id")) for m in push.sent_to(token)]


def test_a_visits_reminders_follow_it_from_proposal_to_cancellation(people, courier, push):
    host, visitor, phones = people
    with time_machine.travel(MONDAY_9AM, tick=False) as clock:
        proposed = phones[visitor.pk].data(
            PROPOSE,
            {"input": {"hostId": _gid("Person", host), "cycleNumber": 1,
                       "when": {"date": "2026-03-04", "startTime": "10:00:00", "minutes": 45}}},
        )["visitPropose"]  # fmt: skip
        assert proposed["errors"] == []
        visit_id = proposed["visit"]["id"]

        courier.drain()
        assert pushed(push, "host-phone") == [("VISIT_PROPOSED", "Visit", visit_id)]

        phones[host.pk].data(ACT, {"id": visit_id})
        courier.drain()
        assert pushed(push, "visitor-phone") == [("VISIT_ACCEPTED", "Visit", visit_id)]

        # Wednesday 10:00 Chicago is 16:00 UTC; "tomorrow" is due Tuesday 16:00 UTC.
        clock.move_to(datetime(2026, 3, 3, 16, 1, tzinfo=UTC))
        courier.drain()
        assert ("VISIT_TOMORROW", "Visit", visit_id) in pushed(push, "host-phone")
        assert ("VISIT_TOMORROW", "Visit", visit_id) in pushed(push, "visitor-phone")

        # The host moves it a day later: the hour-before reminder moves with it.
        moved = phones[host.pk].data(
            RESCHEDULE,
            {"input": {"visitId": visit_id, "reason": "Assembly",
                       "when": {"date": "2026-03-05", "startTime": "10:00:00", "minutes": 45}}},
        )["visitReschedule"]  # fmt: skip
        assert moved["errors"] == []
        courier.drain()
        assert ("VISIT_RESCHEDULED", "Visit", visit_id) in pushed(push, "visitor-phone")

        clock.move_to(datetime(2026, 3, 4, 15, 30, tzinfo=UTC))  # the old hour-before moment
        courier.drain()
        assert ("VISIT_SOON", "Visit", visit_id) not in pushed(push, "visitor-phone")

        phones[visitor.pk].data(CANCEL, {"input": {"visitId": visit_id, "reason": "Ill"}})
        courier.drain()
        assert ("VISIT_CANCELLED", "Visit", visit_id) in pushed(push, "host-phone")

        sent_before = len(push.messages)
        clock.move_to(datetime(2026, 3, 6, 18, 0, tzinfo=UTC))  # past every former due time
        courier.drain()
        assert len(push.messages) == sent_before, "a cancelled visit must not remind anyone"


def test_a_proposal_made_late_at_night_reaches_the_host_when_quiet_hours_end(people, courier, push):
    host, visitor, phones = people
    # 22:30 in Chicago on Sunday 8 March 2026, the night the clocks go forward (CST -> CDT).
    late = datetime(2026, 3, 8, 4, 30, tzinfo=UTC)
    with time_machine.travel(late, tick=False) as clock:
        phones[visitor.pk].data(
            PROPOSE,
            {"input": {"hostId": _gid("Person", host), "cycleNumber": 1,
                       "when": {"date": "2026-03-10", "startTime": "10:00:00", "minutes": 45}}},
        )  # fmt: skip
        courier.drain()
        assert pushed(push, "host-phone") == []

        # 06:59 CDT (11:59 UTC) is still quiet; 07:00 CDT is 12:00 UTC after the change.
        clock.move_to(datetime(2026, 3, 8, 11, 59, tzinfo=UTC))
        courier.drain()
        assert pushed(push, "host-phone") == []
        clock.move_to(datetime(2026, 3, 8, 12, 0, 30, tzinfo=UTC))
        courier.drain()
        assert [kind for kind, _type, _id in pushed(push, "host-phone")] == ["VISIT_PROPOSED"]


def _gid(type_name, obj):
    from graphql_relay import to_global_id

    return to_global_id(type_name, obj.pk)


def test_the_inbox_has_every_reminder_even_when_push_is_off(people, courier, push):
    host, visitor, phones = people
    phones[host.pk].data(
        "mutation { notificationPreferencesUpdate(input: "
        "{kinds: [{kind: VISIT_PROPOSED, enabled: false}]}) { errors { code } } }"
    )
    with time_machine.travel(MONDAY_9AM + timedelta(minutes=1), tick=False):
        phones[visitor.pk].data(
            PROPOSE,
            {"input": {"hostId": _gid("Person", host), "cycleNumber": 1,
                       "when": {"date": "2026-03-04", "startTime": "10:00:00", "minutes": 45}}},
        )  # fmt: skip
        courier.drain()
        inbox = phones[host.pk].data("{ unreadNotificationCount myNotifications(first: 5) "
                                     "{ edges { node { kind } } } }")  # fmt: skip

    assert pushed(push, "host-phone") == []
    assert inbox["unreadNotificationCount"] == 1
    assert inbox["myNotifications"]["edges"][0]["node"]["kind"] == "VISIT_PROPOSED"
