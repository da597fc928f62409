"""The worker with the FCM back-end talking to the fake FCM v1 server on loopback.

Nothing of ours is mocked: the back-end fetches an OAuth2 token from the fake server, sends one
HTTP request per message, and the fake answers like FCM (success, 404 UNREGISTERED, 400
INVALID_ARGUMENT, 403 SENDER_ID_MISMATCH, 429 with Retry-After, 500, no answer at all). Every
test runs with both transports (firebase-admin's ``send_each`` and the keep-alive pool).

Retrying is the outbox's alone: the back-end sends once, a transient answer puts the
notification back to PENDING (no lease held while it waits), no sooner than FCM's Retry-After.
"""

from datetime import timedelta

import pytest
from graphql_relay import to_global_id

from notifications.delivery import Courier
from notifications.models import Status
from notifications.push import FCMBackend
from tests.fakes.fake_fcm import Behaviour

from .factories import DeviceFactory, NotificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["sdk", "pool"])
def courier(fcm, tmp_path, request):
    backend = FCMBackend(
        fcm.write_service_account_file(tmp_path / "service-account.json"),
        fcm_base_url=fcm.base_url,
        transport=request.param,
        http_timeout=0.5,
    )
    yield Courier(
        backend, worker_id="fcm-worker", max_attempts=2, retry_seconds=60, random=lambda: 0.5
    )
    backend.close()


def deliver_one(courier, teacher, token="phone"):
    device = DeviceFactory(user=teacher, token=token)
    notification = NotificationFactory(recipient=teacher, key="visit:9:soon:user:4")
    report = courier.deliver_batch()
    notification.refresh_from_db()
    device.refresh_from_db()
    return report, notification, device


def test_a_reminder_goes_over_the_wire_as_fcm_expects(courier, fcm, teacher, school_day):
    report, notification, _device = deliver_one(courier, teacher)

    assert report.sent == 1 and notification.status == Status.SENT
    [wire] = fcm.messages_for("phone")
    assert wire["token"] == "phone"
    assert wire["notification"] == {
        "title": "Visit tomorrow",
        "body": "You visit Room 12 tomorrow at 9:00.",
    }
    assert wire["data"] == {
        "kind": "VISIT_TOMORROW",
        "notificationId": to_global_id("Notification", notification.pk),
        "type": "Visit",
        "id": notification.target_id,
    }
    assert wire["android"] == {"notification": {"tag": "visit:9:soon:user:4"}}
    assert "collapse_key" not in wire["android"]  # FCM keeps only 4 per offline phone
    assert wire["apns"]["headers"] == {"apns-collapse-id": "visit:9:soon:user:4"}
    assert wire["apns"]["payload"]["aps"]["thread-id"] == f"Visit:{notification.target_id}"
    assert fcm.unauthorized_requests == 0


def test_an_installation_id_goes_out_as_fid(courier, fcm, teacher, school_day):
    DeviceFactory(user=teacher, token="fid-1", token_kind="fid")
    NotificationFactory(recipient=teacher)

    courier.deliver_batch()

    [wire] = fcm.messages_for("fid-1")
    assert wire["fid"] == "fid-1" and "token" not in wire


@pytest.mark.parametrize(
    "behaviour, reason",
    [
        (Behaviour.unregistered(), "Requested entity was not found"),
        (Behaviour.invalid_token(), "not a valid FCM registration token"),
        (Behaviour.sender_id_mismatch(), "SenderId mismatch"),
    ],
    ids=["404-unregistered", "400-invalid-token", "403-sender-id-mismatch"],
)
def test_tokens_fcm_rejects_are_deactivated(courier, fcm, teacher, school_day, behaviour, reason):
    fcm.set_behaviour("phone", behaviour)

    report, notification, device = deliver_one(courier, teacher)

    assert report.tokens_deactivated == 1
    assert not device.active and reason in device.deactivation_reason, device.deactivation_reason
    assert notification.status == Status.SKIPPED  # in the inbox; no phone to push to
    NotificationFactory(recipient=teacher)
    courier.deliver_batch()
    assert fcm.calls_for("phone") == 1


def test_a_payload_fcm_refuses_fails_without_blaming_the_token(courier, fcm, teacher, school_day):
    fcm.set_behaviour("phone", Behaviour.invalid_argument())

    report, notification, device = deliver_one(courier, teacher)

    assert report.failed == 1
    assert notification.status == Status.FAILED
    assert "INVALID_ARGUMENT" in notification.last_error
    assert device.active


def test_429_is_rescheduled_in_the_outbox_no_sooner_than_retry_after(
    courier, fcm, teacher, school_day, time_machine
):
    fcm.set_behaviour("phone", Behaviour.quota_exceeded(times=1, retry_after=3600))

    report, notification, device = deliver_one(courier, teacher)

    # One request; nothing slept or resent while the lease was held.
    assert fcm.calls_for("phone") == 1
    assert report.retrying == 1
    assert notification.status == Status.PENDING and notification.claimed_by == ""
    # FCM's hour, not the outbox's own 45 s back-off.
    assert notification.due_at == school_day + timedelta(seconds=3600)
    assert "RESOURCE_EXHAUSTED, HTTP 429" in notification.last_error
    assert device.active

    time_machine.shift(timedelta(seconds=3599))
    assert courier.deliver_batch().claimed == 0
    assert fcm.calls_for("phone") == 1
    time_machine.shift(timedelta(seconds=1))
    courier.deliver_batch()
    notification.refresh_from_db()
    assert notification.status == Status.SENT
    assert fcm.calls_for("phone") == 2


def test_500_goes_back_to_the_outbox_with_its_backoff_then_fails(
    courier, fcm, teacher, school_day, time_machine
):
    fcm.set_behaviour("phone", Behaviour.internal())

    report, notification, device = deliver_one(courier, teacher)

    assert fcm.calls_for("phone") == 1
    assert report.retrying == 1
    assert notification.status == Status.PENDING
    # The outbox's back-off: between half and all of 60 s (jitter 0.5 here).
    assert notification.due_at == school_day + timedelta(seconds=45)
    assert "INTERNAL, HTTP 500" in notification.last_error
    assert device.active

    time_machine.shift(timedelta(minutes=5))
    courier.deliver_batch()
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Status.FAILED, 2)
    assert "HTTP 500" in notification.last_error
    assert fcm.calls_for("phone") == 2


def test_an_fcm_that_does_not_answer_times_out_and_is_retried_later(
    courier, fcm, teacher, school_day, time_machine
):
    fcm.set_behaviour("phone", Behaviour.hang(times=1, seconds=5))

    _report, notification, _device = deliver_one(courier, teacher)

    assert notification.status == Status.PENDING
    assert "DEADLINE_EXCEEDED" in notification.last_error
    time_machine.shift(timedelta(minutes=1))
    courier.deliver_batch()
    notification.refresh_from_db()
    assert notification.status == Status.SENT
    assert fcm.calls_for("phone") == 2
