"""Writing reminders: call these inside the transaction of the change that causes them.

`schedule` is idempotent per key: scheduling again moves a pending reminder (a rescheduled
visit) and leaves a sent one alone. `cancel` withdraws pending reminders by key prefix;
`forget` deletes them, for when even the moment of withdrawal must leave no trace.
"""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Kind, Notification, Status


def schedule(
    *,
    recipient,
    kind: Kind | str,
    key: str,
    due_at: datetime | None,
    title: str,
    body: str,
    target_type: str = "",
    target_id: str = "",
) -> Notification:
    """Create or move the reminder `key` for `recipient`, due at `due_at` (UTC; now if None)."""
    due_at = due_at or timezone.now()
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(key=key).first()
        if notification is None:
            try:
                # A savepoint: when a concurrent request created the same key first, the
                # unique index refuses this row and the transaction goes on to move theirs.
                with transaction.atomic():
                    return Notification.objects.create(
                        recipient=recipient,
                        kind=kind,
                        key=key,
                        due_at=due_at,
                        title=title[:200],
                        body=body[:1000],
                        target_type=target_type,
                        target_id=target_id,
                    )
            except IntegrityError:
                notification = Notification.objects.select_for_update().filter(key=key).first()
                if notification is None:
                    raise
        if notification.status in (Status.PENDING, Status.CANCELLED):
            notification.due_at = due_at
            notification.title = title[:200]
            notification.body = body[:1000]
            notification.status = Status.PENDING
            notification.save(update_fields=["due_at", "title", "body", "status", "updated_at"])
        return notification


def cancel(*, key_prefix: str) -> int:
    """Withdraw every pending reminder whose key starts with `key_prefix`."""
    return Notification.objects.filter(key__startswith=key_prefix, status=Status.PENDING).update(
        status=Status.CANCELLED, updated_at=timezone.now()
    )


def forget(*, key_prefix: str) -> int:
    """Delete every pending reminder whose key starts with `key_prefix`, leaving no row.

    A survey respondent's reminders go this way: a cancelled row would carry the precise time
    they answered, which the anonymity rules keep out of the database."""
    deleted, _ = Notification.objects.filter(
        key__startswith=key_prefix, status=Status.PENDING
    ).delete()
    return deleted
