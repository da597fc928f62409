"""notificationSendTest, and notify_invited for the apps that invite people."""

import pytest
from graphql_relay import from_global_id

from notifications.models import Kind, Notification, Status
from notifications.services.inbox import notify_invited
from tests.conftest import error_codes
from tests.factories import LeaderFactory

from ..factories import DeviceFactory

pytestmark = pytest.mark.django_db

SEND_TEST = "mutation { notificationSendTest { notificationId errors { code } } }"


def test_a_test_notification_is_queued_for_now_and_pushed(
    api_for, teacher, courier, push, time_machine
):
    from datetime import UTC, datetime

    time_machine.move_to(datetime(2026, 5, 13, 4, 0, tzinfo=UTC), tick=False)  # 23:00 Chicago
    DeviceFactory(user=teacher, token="phone")

    payload = api_for(teacher).data(SEND_TEST)["notificationSendTest"]
    courier.drain()

    assert payload["errors"] == []
    notification = Notification.objects.get(pk=from_global_id(payload["notificationId"])[1])
    assert (notification.kind, notification.status) == (Kind.TEST, Status.SENT)
    assert [m.title for m in push.sent_to("phone")] == ["Notifications work"]


def test_test_notifications_are_rate_limited(api_for, teacher):
    api = api_for(teacher)
    for _ in range(5):
        assert api.data(SEND_TEST)["notificationSendTest"]["errors"] == []

    payload = api.data(SEND_TEST)["notificationSendTest"]

    assert error_codes(payload) == ["TOO_MANY_ATTEMPTS"]
    assert Notification.objects.count() == 5


def test_notify_invited_pushes_an_invitation_with_a_deep_link(teacher, courier, push, school_day):
    DeviceFactory(user=teacher, token="phone")
    leader = LeaderFactory(school=teacher.school, full_name="Rosa Delgado")

    notify_invited(
        recipient=teacher,
        inviter=leader,
        invited_to="the Maple cohort",
        key=f"cohort:3:invited:user:{teacher.pk}",
        target_type="Cohort",
        target_id="Q29ob3J0OjM=",
    )
    courier.drain()

    [message] = push.sent
    assert message.body == "Rosa Delgado invited you to the Maple cohort."
    assert (message.data["kind"], message.data["type"], message.data["id"]) == (
        "INVITATION",
        "Cohort",
        "Q29ob3J0OjM=",
    )
