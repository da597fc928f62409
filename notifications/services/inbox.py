"""The in-app inbox: reading notifications, and the two notifications the app itself causes."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from backend.accounts.models import User
from backend.throttle import RateLimit
from notifications.errors import NotificationError

from .. import outbox
from ..models import Kind, Notification
from ..selectors import inbox_for

# The app's "send me a test notification" button: enough to debug a phone, not to spam one.
TEST_NOTIFICATION_LIMIT = RateLimit("test-notification", limit=5, window_seconds=3600)


@transaction.atomic
def notification_mark_read(*, user: User, notification: Notification) -> Notification:
    """Mark one of the person's notifications read (again is harmless)."""
    if notification.recipient_id != user.pk:
        raise ValidationError(
            {
                "notificationId": ValidationError(
                    "No Notification with this id.", code=NotificationError.NOT_FOUND
                )
            }
        )
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user: User) -> int:
    """Mark everything in the person's inbox read; returns how many changed."""
    return inbox_for(user, unread=True).update(read_at=timezone.now())


def notification_send_test(*, user: User) -> Notification:
    """Queue a test push to all of the person's phones, due now (ignores quiet hours)."""
    if TEST_NOTIFICATION_LIMIT.hit(str(user.pk)) > TEST_NOTIFICATION_LIMIT.limit:
        raise ValidationError(
            "Too many test notifications; try again later.",
            code=NotificationError.TOO_MANY_ATTEMPTS,
        )
    now = timezone.now()
    return outbox.schedule(
        recipient=user,
        kind=Kind.TEST,
        key=f"test:user:{user.pk}:{now.timestamp():.6f}",
        due_at=now,
        title="Notifications work",
        body="This is the test notification you asked for.",
    )


def notify_invited(
    *, recipient: User, inviter: User, invited_to: str, key: str, target_type: str, target_id: str
) -> Notification:
    """Tell an existing user they were invited into something (e.g. added to a cohort).

    Call it inside the transaction that records the invitation; `key` names the occurrence
    (e.g. f"cohort:{cohort.pk}:invited:user:{recipient.pk}"), `target_type`/`target_id` the
    GraphQL type and global id the app opens. Inviting someone who has no account yet is an
    e-mail (`backend.accounts.services.invitations`), not a push.
    """
    return outbox.schedule(
        recipient=recipient,
        kind=Kind.INVITATION,
        key=key,
        due_at=None,
        title="You were invited",
        body=f"{inviter.full_name} invited you to {invited_to}.",
        target_type=target_type,
        target_id=target_id,
    )
