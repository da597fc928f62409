"""The worker with the real firebase-admin SDK talking to the fake FCM v1 server on loopback.

Nothing of ours is mocked: the SDK fetches an OAuth2 token from the fake server, sends one
HTTP request per message, and the fake answers like FCM (success, 404 UNREGISTERED, 400
INVALID_ARGUMENT, 403 SENDER_ID_MISMATCH, 429 with Retry-After, 500, no answer at all).
Only the back-end's sleep is recorded instead of waited. Every test runs with both transports
(the SDK's ``send_each`` and the keep-alive pool).
"""

from datetime import timedelta

import pytest
from graphql_relay import to_global_id

from notifications.delivery import Courier
from notifications.fake_fcm import Behaviour
from notifications.models import Status
from notifications.push import FCMBackend, RetryPolicy

from .factories import DeviceFactory, NotificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def waits():
    return []


@pytest.fixture(params=["sdk", "pool"])
def courier(fcm, waits, tmp_path, request):
    backend = FCMBackend(
        fcm.write_service_account_file(tmp_path / "service-account.json"),
        fcm_base_url=fcm.base_url,
        transport=request.param,
        http_timeout=0.5,
        retry_policy=RetryPolicy(max_attempts=3, base_delay=0.5, max_total_delay=30),
        sleep=waits.append,
        random=lambda: 0.5,
    )
    yield Courier(backend, worker_id="fcm-worker", max_attempts=2, random=lambda: 0.5)
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
        (Behaviour.unregistered(), "UnregisteredError"),
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


def test_429_waits_for_retry_after_then_sends(courier, fcm, teacher, school_day, waits):
    fcm.set_behaviour("phone", Behaviour.quota_exceeded(times=1, retry_after=7))

    _report, notification, _device = deliver_one(courier, teacher)

    assert notification.status == Status.SENT
    assert waits == [7.0]
    assert fcm.calls_for("phone") == 2


def test_500_is_retried_with_backoff_then_the_worker_tries_again_later(
    courier, fcm, teacher, school_day, waits, time_machine
):
    fcm.set_behaviour("phone", Behaviour.internal())

    report, notification, device = deliver_one(courier, teacher)

    # The back-end retried twice with jittered exponential back-off (0.25 s, 0.5 s) ...
    assert waits == [0.25, 0.5]
    assert fcm.calls_for("phone") == 3
    # ... then the worker put it back for a later round rather than failing it at once.
    assert report.retrying == 1
    assert notification.status == Status.PENDING
    assert (
        "InternalError" in notification.last_error and "gave up after 3" in notification.last_error
    )
    assert device.active

    time_machine.shift(timedelta(minutes=5))
    courier.deliver_batch()
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Status.FAILED, 2)
    assert "InternalError" in notification.last_error


def test_an_fcm_that_does_not_answer_times_out_and_is_retried(courier, fcm, teacher, school_day):
    fcm.set_behaviour("phone", Behaviour.hang(times=1, seconds=5))

    _report, notification, _device = deliver_one(courier, teacher)

    assert notification.status == Status.SENT
    assert fcm.calls_for("phone") == 2
