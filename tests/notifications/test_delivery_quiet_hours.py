"""The worker's rounds and quiet hours: what is deferred to the end of a local night."""

from datetime import UTC, datetime, timedelta

import pytest

from notifications.models import Kind, Notification, Status
from tests.factories import CoordinatorFactory, SchoolFactory, TeacherFactory

from .factories import DeviceFactory, NotificationFactory, PreferenceFactory

pytestmark = pytest.mark.django_db


# --- quiet hours --------------------------------------------------------------------------


def at_chicago(*args):
    from zoneinfo import ZoneInfo

    return datetime(*args, tzinfo=ZoneInfo("America/Chicago"))


def test_a_reminder_due_in_quiet_hours_is_pushed_when_they_end(
    teacher, courier, push, time_machine
):
    time_machine.move_to(at_chicago(2026, 5, 12, 22, 30), tick=False)
    DeviceFactory(user=teacher)
    notification = NotificationFactory(recipient=teacher)

    report = courier.deliver_batch()

    assert report.deferred == 1 and push.messages == []
    notification.refresh_from_db()
    assert notification.status == Status.PENDING
    assert notification.due_at == at_chicago(2026, 5, 13, 7, 0)
    assert notification.delivered_at is None and notification.attempts == 0

    time_machine.move_to(at_chicago(2026, 5, 13, 6, 59), tick=False)
    assert courier.deliver_batch().taken == 0
    time_machine.move_to(at_chicago(2026, 5, 13, 7, 0), tick=False)
    assert courier.deliver_batch().sent == 1
    assert len(push.sent) == 1


@pytest.mark.parametrize(
    "evening, morning_utc, hours_later",
    [
        # 8.5 hours on the wall clock either way. Spring forward (8 March 2026): 07:00 CDT is
        # 12:00 UTC, 7.5 real hours after 22:30 CST. Fall back (1 November 2026): 07:00 CST is
        # 13:00 UTC, 9.5 real hours after 22:30 CDT.
        (at_chicago(2026, 3, 7, 22, 30), datetime(2026, 3, 8, 12, 0, tzinfo=UTC), 7.5),
        (at_chicago(2026, 10, 31, 22, 30), datetime(2026, 11, 1, 13, 0, tzinfo=UTC), 9.5),
    ],
    ids=["spring-forward", "fall-back"],
)
def test_quiet_hours_end_at_seven_local_across_a_daylight_saving_change(
    teacher, courier, push, time_machine, evening, morning_utc, hours_later
):
    time_machine.move_to(evening, tick=False)
    DeviceFactory(user=teacher)
    notification = NotificationFactory(recipient=teacher)

    courier.deliver_batch()
    notification.refresh_from_db()

    assert notification.due_at == morning_utc
    assert (morning_utc - evening).total_seconds() == hours_later * 3600
    time_machine.move_to(morning_utc - timedelta(minutes=1), tick=False)
    courier.deliver_batch()
    assert push.messages == []
    time_machine.move_to(morning_utc, tick=False)
    courier.deliver_batch()
    assert len(push.sent) == 1


def test_own_quiet_hours_and_turning_them_off(courier, push, time_machine):
    time_machine.move_to(at_chicago(2026, 5, 12, 19, 30), tick=False)
    early_sleeper, night_owl = TeacherFactory(), TeacherFactory()
    PreferenceFactory(
        user=early_sleeper,
        quiet_hours_start=datetime(2000, 1, 1, 19).time(),
        quiet_hours_end=datetime(2000, 1, 1, 6).time(),
    )
    PreferenceFactory(user=night_owl, quiet_hours_enabled=False)
    for person in (early_sleeper, night_owl):
        DeviceFactory(user=person)
        NotificationFactory(recipient=person)

    courier.deliver_batch()

    assert [m.token for m in push.sent] == [night_owl.devices.get().token]
    assert Notification.objects.get(recipient=early_sleeper).due_at == at_chicago(2026, 5, 13, 6, 0)


def test_each_school_has_its_own_night(courier, push, time_machine):
    # 04:30 UTC: 23:30 in Chicago (quiet), 05:30 in Paris (quiet), 13:30 in Tokyo.
    time_machine.move_to(datetime(2026, 5, 13, 4, 30, tzinfo=UTC), tick=False)
    for zone in ("America/Chicago", "Europe/Paris", "Asia/Tokyo"):
        person = TeacherFactory(school=SchoolFactory(time_zone=zone))
        DeviceFactory(user=person, token=zone)
        NotificationFactory(recipient=person, key=zone)

    courier.deliver_batch()

    assert [m.token for m in push.sent] == ["Asia/Tokyo"]
    assert dict(Notification.objects.values_list("key", "due_at")) == {
        "America/Chicago": datetime(2026, 5, 13, 12, 0, tzinfo=UTC),
        "Europe/Paris": datetime(2026, 5, 13, 5, 0, tzinfo=UTC),
        "Asia/Tokyo": datetime(2026, 5, 13, 4, 30, tzinfo=UTC) - timedelta(minutes=1),
    }


def test_coordinators_follow_their_own_zone_else_their_districts(courier, time_machine):
    # 12:30 UTC: 07:30 in Chicago (day), 05:30 in Los Angeles (quiet until 07:00).
    time_machine.move_to(datetime(2026, 5, 13, 12, 30, tzinfo=UTC), tick=False)
    chicago_school = SchoolFactory(time_zone="America/Chicago")
    by_district = CoordinatorFactory(coordinated_district=chicago_school.district)
    own_zone = CoordinatorFactory(coordinated_district=chicago_school.district)
    PreferenceFactory(user=own_zone, time_zone="America/Los_Angeles")
    for person in (by_district, own_zone):
        DeviceFactory(user=person)
        NotificationFactory(recipient=person)

    report = courier.deliver_batch()

    assert (report.sent, report.deferred) == (1, 1)
    assert Notification.objects.get(recipient=own_zone).due_at == datetime(
        2026, 5, 13, 14, 0, tzinfo=UTC
    )


def test_a_test_notification_ignores_quiet_hours_and_switches(teacher, courier, push, time_machine):
    time_machine.move_to(at_chicago(2026, 5, 12, 23, 0), tick=False)
    DeviceFactory(user=teacher)
    PreferenceFactory(user=teacher, disabled_kinds=["TEST"])
    NotificationFactory(recipient=teacher, kind=Kind.TEST)

    assert courier.deliver_batch().sent == 1
