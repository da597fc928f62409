"""The worker's rounds with the memory back-end: what is pushed, skipped, deferred, retried,
recorded, and what happens when a worker dies or overruns its lease."""

from datetime import UTC, datetime, timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.cache import cache
from django.db import OperationalError
from graphql_relay import to_global_id

from notifications.delivery import (
    REASON_INACTIVE,
    REASON_KIND_OFF,
    REASON_LEASE_EXPIRED,
    REASON_NO_DEVICE,
    Courier,
    replacement_tag,
)
from notifications.models import Kind, Notification, Status
from notifications.presence import presence_key
from notifications.push import MemoryBackend, PushOutcome, TokenKind
from tests.factories import CoordinatorFactory, SchoolFactory, TeacherFactory

from .factories import DeviceFactory, NotificationFactory, PreferenceFactory

pytestmark = pytest.mark.django_db


def status_of(notification) -> str:
    notification.refresh_from_db()
    return notification.status


# --- pushing ------------------------------------------------------------------------------


def test_a_due_notification_is_pushed_to_every_active_device(teacher, courier, push, school_day):
    phone = DeviceFactory(user=teacher, token="phone")
    tablet = DeviceFactory(user=teacher, token="tablet", token_kind="fid")
    DeviceFactory(user=teacher, token="old-phone", active=False)
    notification = NotificationFactory(
        recipient=teacher, key="visit:5:tomorrow:user:1", target_id="VmlzaXQ6NQ=="
    )

    report = courier.deliver_batch()

    assert (report.claimed, report.sent, report.messages) == (1, 1, 2)
    assert [m.token for m in push.sent] == [phone.token, tablet.token]
    message = push.sent[0]
    assert (message.title, message.body) == (
        "Visit tomorrow",
        "You visit Room 12 tomorrow at 9:00.",
    )
    assert message.data == {
        "type": "Visit",
        "id": "VmlzaXQ6NQ==",
        "kind": "VISIT_TOMORROW",
        "notificationId": to_global_id("Notification", notification.pk),
    }
    assert message.tag == "visit:5:tomorrow:user:1"
    assert message.thread_id == "Visit:VmlzaXQ6NQ=="
    assert push.sent[1].token_kind is TokenKind.FID
    notification.refresh_from_db()
    assert notification.status == Status.SENT
    assert notification.sent_at == notification.delivered_at == school_day
    assert notification.attempts == 1
    assert (notification.claimed_by, notification.claimed_until) == ("", None)
    assert notification.last_error == ""


def test_reminders_not_yet_due_wait(teacher, courier, push, school_day):
    DeviceFactory(user=teacher)
    later = NotificationFactory(recipient=teacher, due_at=school_day + timedelta(seconds=1))

    assert courier.deliver_batch().taken == 0
    assert push.messages == [] and status_of(later) == Status.PENDING


def test_rounds_take_the_oldest_first_and_at_most_a_batch(teacher, push, school_day):
    DeviceFactory(user=teacher)
    for minutes, key in ((3, "b"), (9, "a"), (1, "c")):
        NotificationFactory(
            recipient=teacher, key=key, due_at=school_day - timedelta(minutes=minutes)
        )
    courier = Courier(push, batch_size=2)

    first = courier.deliver_batch()
    second = courier.deliver_batch()

    assert (first.taken, first.full, second.taken, second.full) == (2, True, 1, False)
    assert [m.tag for m in push.sent] == ["a", "b", "c"]


def test_long_keys_get_a_short_stable_tag():
    key = "survey:123:closing:administration:456:user:" + "9" * 80

    assert len(replacement_tag(key).encode()) <= 64
    assert replacement_tag(key) == replacement_tag(key) != replacement_tag(key + "0")
    assert replacement_tag("visit:1") == "visit:1"


# --- inbox only ---------------------------------------------------------------------------


def test_a_kind_turned_off_goes_to_the_inbox_without_a_push(teacher, courier, push, school_day):
    DeviceFactory(user=teacher)
    PreferenceFactory(user=teacher, disabled_kinds=["VISIT_TOMORROW"])
    notification = NotificationFactory(recipient=teacher)
    other_kind = NotificationFactory(recipient=teacher, kind=Kind.SURVEY_OPENED)

    report = courier.deliver_batch()

    assert (report.skipped, report.sent) == (1, 1)
    assert [m.data["kind"] for m in push.sent] == ["SURVEY_OPENED"]
    notification.refresh_from_db()
    assert notification.status == Status.SKIPPED
    assert notification.last_error == REASON_KIND_OFF
    assert notification.delivered_at == school_day
    assert status_of(other_kind) == Status.SENT


def test_without_a_device_a_notification_is_inbox_only(teacher, courier, push, school_day):
    DeviceFactory(user=teacher, active=False)
    notification = NotificationFactory(recipient=teacher)

    courier.deliver_batch()

    notification.refresh_from_db()
    assert (notification.status, notification.last_error) == (Status.SKIPPED, REASON_NO_DEVICE)
    assert notification.delivered_at == school_day
    assert push.messages == []


def test_a_deactivated_account_gets_nothing_pushed(courier, push, school_day):
    person = TeacherFactory(is_active=False)
    DeviceFactory(user=person)
    notification = NotificationFactory(recipient=person)

    courier.deliver_batch()

    assert status_of(notification) == Status.SKIPPED
    assert notification.last_error == REASON_INACTIVE
    assert push.messages == []


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


# --- failures -----------------------------------------------------------------------------


def test_unregistered_and_invalid_tokens_are_deactivated(courier, push, school_day):
    teacher = TeacherFactory()
    gone = DeviceFactory(user=teacher, token="uninstalled")
    alive = DeviceFactory(user=teacher, token="alive")
    only_bad = DeviceFactory(token="malformed")
    push.set_outcome("uninstalled", PushOutcome.UNREGISTERED, error="UNREGISTERED")
    push.set_outcome("malformed", PushOutcome.INVALID_TOKEN, error="not a valid FCM token")
    partly = NotificationFactory(recipient=teacher)
    nowhere = NotificationFactory(recipient=only_bad.user)

    report = courier.deliver_batch()

    assert report.tokens_deactivated == 2
    gone.refresh_from_db()
    only_bad.refresh_from_db()
    alive.refresh_from_db()
    assert (gone.active, gone.deactivation_reason, gone.deactivated_at) == (
        False,
        "UNREGISTERED",
        school_day,
    )
    assert not only_bad.active and alive.active
    partly.refresh_from_db()
    assert partly.status == Status.SENT and "UNREGISTERED" in partly.last_error
    nowhere.refresh_from_db()
    assert nowhere.status == Status.SKIPPED
    assert nowhere.last_error.startswith("No device accepted it: not a valid FCM token")
    assert nowhere.delivered_at == school_day

    courier.deliver_batch()
    NotificationFactory(recipient=teacher)
    courier.deliver_batch()
    assert [m.token for m in push.messages].count("uninstalled") == 1


def test_transient_failures_are_retried_later_with_backoff_then_fail(
    teacher, push, school_day, time_machine
):
    DeviceFactory(user=teacher, token="flaky")
    push.set_outcome("flaky", PushOutcome.TRANSIENT, error="INTERNAL [HTTP 500]")
    notification = NotificationFactory(recipient=teacher)
    courier = Courier(push, max_attempts=3, retry_seconds=60, random=lambda: 1.0)

    report = courier.deliver_batch()

    assert report.retrying == 1
    notification.refresh_from_db()
    assert notification.status == Status.PENDING
    assert notification.attempts == 1
    assert notification.due_at == school_day + timedelta(seconds=60)
    assert notification.last_error == "INTERNAL [HTTP 500]"
    assert notification.delivered_at == school_day  # in the inbox while the push waits

    time_machine.shift(timedelta(seconds=60))
    courier.deliver_batch()
    notification.refresh_from_db()
    assert notification.due_at == school_day + timedelta(seconds=60 + 120)

    time_machine.shift(timedelta(seconds=120))
    report = courier.deliver_batch()
    notification.refresh_from_db()
    assert report.failed == 1
    assert (notification.status, notification.attempts) == (Status.FAILED, 3)
    assert notification.last_error == "INTERNAL [HTTP 500]"
    assert len(push.messages) == 3


def test_retry_after_from_fcm_is_honoured(teacher, push, school_day):
    DeviceFactory(user=teacher, token="busy")
    push.set_outcome("busy", PushOutcome.TRANSIENT, error="QUOTA_EXCEEDED", retry_after=900)
    notification = NotificationFactory(recipient=teacher)

    Courier(push, retry_seconds=10, random=lambda: 0.0).deliver_batch()

    notification.refresh_from_db()
    assert notification.due_at == school_day + timedelta(seconds=900)


def test_a_transient_failure_that_recovers_is_sent(teacher, push, school_day, time_machine):
    DeviceFactory(user=teacher, token="flaky")
    push.set_outcome("flaky", PushOutcome.TRANSIENT, times=1)
    notification = NotificationFactory(recipient=teacher)
    courier = Courier(push, retry_seconds=30)

    courier.deliver_batch()
    time_machine.shift(timedelta(seconds=31))
    courier.deliver_batch()

    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Status.SENT, 2)
    assert notification.delivered_at == school_day  # entered the inbox once


def test_a_permanent_failure_is_recorded_with_its_reason(teacher, courier, push, school_day):
    DeviceFactory(user=teacher, token="t")
    push.set_outcome("t", PushOutcome.FAILED, error="INVALID_ARGUMENT: bad payload")
    notification = NotificationFactory(recipient=teacher)

    assert courier.deliver_batch().failed == 1

    notification.refresh_from_db()
    assert notification.status == Status.FAILED
    assert notification.last_error == "INVALID_ARGUMENT: bad payload"
    assert teacher.devices.get().active  # the token is not blamed


class ExplodingBackend(MemoryBackend):
    def send(self, messages):
        raise ConnectionError("proxy down")


def test_a_back_end_that_raises_does_not_strand_the_batch(teacher, school_day):
    DeviceFactory(user=teacher)
    notification = NotificationFactory(recipient=teacher)

    report = Courier(ExplodingBackend()).deliver_batch()

    assert report.retrying == 1
    notification.refresh_from_db()
    assert notification.status == Status.PENDING
    assert "proxy down" in notification.last_error


# --- dying workers and leases -------------------------------------------------------------


class DyingBackend(MemoryBackend):
    """The process is killed while the messages are on the wire."""

    def send(self, messages):
        super().send(messages)
        raise KeyboardInterrupt  # not an Exception: nothing of ours catches it


def test_a_worker_killed_mid_batch_loses_nothing(teacher, push, school_day, time_machine):
    DeviceFactory(user=teacher)
    notifications = NotificationFactory.create_batch(3, recipient=teacher)
    dying = DyingBackend()

    with pytest.raises(KeyboardInterrupt):
        Courier(dying, worker_id="doomed", lease_seconds=300).deliver_batch()

    assert {status_of(n) for n in notifications} == {Status.SENDING}
    survivor = Courier(push, worker_id="survivor", lease_seconds=300)
    assert survivor.deliver_batch().taken == 0  # the lease still holds

    time_machine.shift(timedelta(seconds=301))
    report = survivor.deliver_batch()

    assert (report.released, report.sent) == (3, 3)
    assert {status_of(n) for n in notifications} == {Status.SENT}
    # At least once: the phone got each twice, and the shared tag made it replace the first.
    assert [m.tag for m in dying.messages] == [m.tag for m in push.sent]
    assert all(n.attempts == 2 for n in Notification.objects.all())


def test_a_notification_that_keeps_killing_workers_finally_fails(teacher, time_machine, school_day):
    DeviceFactory(user=teacher)
    notification = NotificationFactory(recipient=teacher)

    for _ in range(2):
        with pytest.raises(KeyboardInterrupt):
            Courier(DyingBackend(), lease_seconds=10, max_attempts=2).deliver_batch()
        time_machine.shift(timedelta(seconds=11))
    Courier(MemoryBackend(), max_attempts=2).deliver_batch()

    notification.refresh_from_db()
    assert notification.status == Status.FAILED
    assert "Gave up after 2 attempts" in notification.last_error


def test_a_released_lease_says_why(teacher, time_machine, school_day):
    DeviceFactory(user=teacher)
    notification = NotificationFactory(recipient=teacher)
    with pytest.raises(KeyboardInterrupt):
        Courier(DyingBackend(), lease_seconds=10).deliver_batch()
    time_machine.shift(timedelta(seconds=11))

    Courier(ExplodingBackend()).release_expired_leases()

    notification.refresh_from_db()
    assert (notification.status, notification.last_error) == (Status.PENDING, REASON_LEASE_EXPIRED)


class SlowBackend(MemoryBackend):
    """Takes longer than the lease; meanwhile another worker takes the batch over."""

    def __init__(self, while_sending):
        super().__init__()
        self.while_sending = while_sending

    def send(self, messages):
        results = super().send(messages)
        self.while_sending()
        return results


def test_a_worker_that_overran_its_lease_does_not_overwrite_the_new_owner(
    teacher, time_machine, school_day
):
    DeviceFactory(user=teacher, token="t")
    notification = NotificationFactory(recipient=teacher)
    other = MemoryBackend()
    other.set_outcome("t", PushOutcome.FAILED, error="the new owner's result")

    def overrun():
        time_machine.shift(timedelta(seconds=61))
        Courier(other, worker_id="new-owner").deliver_batch()

    report = Courier(SlowBackend(overrun), worker_id="slow", lease_seconds=60).deliver_batch()

    assert report.lost_leases == 1 and report.sent == 0
    notification.refresh_from_db()
    assert (notification.status, notification.last_error) == (
        Status.FAILED,
        "the new owner's result",
    )


def test_a_record_that_failed_is_retried_without_pushing_again(
    teacher, courier, push, school_day, monkeypatch
):
    DeviceFactory(user=teacher)
    notification = NotificationFactory(recipient=teacher)
    real_record = Courier._record
    calls = []

    def record_after_a_database_restart(self, *args):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real_record(self, *args)

    monkeypatch.setattr(Courier, "_record", record_after_a_database_restart)

    with pytest.raises(OperationalError):
        courier.deliver_batch()
    assert status_of(notification) == Status.SENDING
    report = courier.deliver_batch()

    assert report.sent == 1
    assert status_of(notification) == Status.SENT
    assert len(push.messages) == 1


# --- live hints ---------------------------------------------------------------------------


async def receive_many(layer, channel, count):
    # One event loop for all: channels_redis keeps its receive state per loop.
    return [await layer.receive(channel) for _ in range(count)]


def test_reaching_the_inbox_is_announced_once_after_the_commit(
    courier, push, school_day, django_capture_on_commit_callbacks
):
    with_device, without = TeacherFactory(), TeacherFactory()
    DeviceFactory(user=with_device, token="flaky")
    push.set_outcome("flaky", PushOutcome.TRANSIENT, times=1)
    pushed = NotificationFactory(recipient=with_device)
    inbox_only = NotificationFactory(recipient=without)
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    for person in (with_device, without):
        async_to_sync(layer.group_add)(f"user.{person.pk}", channel)
        cache.set(presence_key(person.pk), 1)  # their app is open

    with django_capture_on_commit_callbacks(execute=True):
        courier.deliver_batch()
    received = async_to_sync(receive_many)(layer, channel, 2)

    assert sorted((m["group"], m["payload"]["notification_id"]) for m in received) == sorted(
        [(f"user.{with_device.pk}", pushed.pk), (f"user.{without.pk}", inbox_only.pk)]
    )
    assert {m["event"] for m in received} == {"notification_received"}

    # The retry that finally pushes it is not a second arrival in the inbox.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        Notification.objects.filter(pk=pushed.pk).update(due_at=school_day)
        courier.deliver_batch()
    assert callbacks == []


def test_people_without_the_app_open_get_no_hint(
    courier, school_day, django_capture_on_commit_callbacks, monkeypatch
):
    app_open, app_closed = TeacherFactory(), TeacherFactory()
    cache.set(presence_key(app_open.pk), 1)
    for person in (app_open, app_closed):
        NotificationFactory(recipient=person)
    layer = get_channel_layer()
    sent_to = []

    async def recording_group_send(group, message):
        sent_to.append(group)

    monkeypatch.setattr(layer, "group_send", recording_group_send)

    with django_capture_on_commit_callbacks(execute=True):
        courier.deliver_batch()

    assert sent_to == [f"user.{app_open.pk}"]


def test_when_presence_is_unknown_everyone_gets_the_hint(
    courier, school_day, django_capture_on_commit_callbacks, monkeypatch
):
    people = TeacherFactory.create_batch(2)
    for person in people:
        NotificationFactory(recipient=person)
    layer = get_channel_layer()
    sent_to = []

    async def recording_group_send(group, message):
        sent_to.append(group)

    def cache_down(keys):
        raise ConnectionError("Redis is restarting")

    monkeypatch.setattr(layer, "group_send", recording_group_send)
    monkeypatch.setattr(cache, "get_many", cache_down)

    with django_capture_on_commit_callbacks(execute=True):
        courier.deliver_batch()

    assert sorted(sent_to) == sorted(f"user.{person.pk}" for person in people)
