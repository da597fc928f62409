"""Demo inbox: a few delivered notifications for the leader, so the app has something to show.

The reminders of the demo's visits, surveys and meetings are written by those apps' services
through the outbox; these are past ones, already in the inbox.
"""

from datetime import timedelta

from django.utils import timezone

from .models import Kind, Notification, Status


def load(context) -> None:
    now = timezone.now()
    leader = context.leader
    samples = [
        (Kind.VISIT_ACCEPTED, "Visit accepted", "Amara Okafor accepted your visit on Tuesday.", 2),
        (Kind.SURVEY_OPENED, "Trust survey open", "The baseline trust survey is waiting.", 26),
        (Kind.INVITATION, "Welcome", "You lead the Maple cohort this year.", 72),
    ]
    for number, (kind, title, body, hours_ago) in enumerate(samples):
        delivered = now - timedelta(hours=hours_ago)
        Notification.objects.create(
            recipient=leader,
            kind=kind,
            key=f"demo:{leader.pk}:{number}",
            title=title,
            body=body,
            due_at=delivered,
            status=Status.SKIPPED,
            last_error="Demo data: never pushed.",
            attempts=0,
            delivered_at=delivered,
            read_at=delivered if hours_ago > 48 else None,
        )
