"""The durable outbox: a notification is a row written in the same transaction as its cause."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Kind(models.TextChoices):
    """What a notification is about; people can turn each kind off."""

    VISIT_PROPOSED = "VISIT_PROPOSED", "A visit was proposed to you"
    VISIT_ACCEPTED = "VISIT_ACCEPTED", "Your proposed visit was accepted"
    VISIT_DECLINED = "VISIT_DECLINED", "Your proposed visit was declined"
    VISIT_RESCHEDULED = "VISIT_RESCHEDULED", "A visit was rescheduled"
    VISIT_CANCELLED = "VISIT_CANCELLED", "A visit was cancelled"
    VISIT_TOMORROW = "VISIT_TOMORROW", "A visit tomorrow"
    VISIT_SOON = "VISIT_SOON", "A visit in an hour"
    REFLECTION_DUE = "REFLECTION_DUE", "A reflection sheet is not written yet"
    SURVEY_OPENED = "SURVEY_OPENED", "A survey is waiting for you"
    SURVEY_CLOSING = "SURVEY_CLOSING", "A survey closes in two days"
    FOLLOW_UP_OPENED = "FOLLOW_UP_OPENED", "The six-month follow-up survey opened"
    MEETING_TOMORROW = "MEETING_TOMORROW", "A meeting tomorrow"
    COHORT_CHANGED = "COHORT_CHANGED", "Your cohort changed"
    INVITATION = "INVITATION", "You were invited"


class Status(models.TextChoices):
    PENDING = "PENDING", "Waiting to be sent"
    SENT = "SENT", "Sent"
    FAILED = "FAILED", "Failed"
    CANCELLED = "CANCELLED", "Cancelled"
    SKIPPED = "SKIPPED", "Not pushed (turned off or no device)"


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    # One row per occurrence (e.g. "visit:42:tomorrow:user:7"): rescheduling moves it,
    # cancelling cancels it, and nothing is written twice.
    key = models.CharField(max_length=200, unique=True)
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=1000)
    # Deep link the app opens: GraphQL type name and global id.
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=200, blank=True)
    due_at = models.DateTimeField(db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-due_at", "-id"]
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=models.Q(status="PENDING"),
                name="notification_pending_due",
            ),
            models.Index(fields=["recipient", "-due_at"], name="notification_inbox"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id} at {self.due_at:%Y-%m-%d %H:%M}"
