"""The durable outbox, the phones it is pushed to, and each person's preferences.

A notification is a row written in the same transaction as its cause (see `outbox.py`); the
worker (`manage.py deliver_notifications`, `delivery.py`) claims due rows, pushes them to the
recipient's devices and puts them in the in-app inbox.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from backend.accounts.models import validate_time_zone


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
    CONSENT_REQUESTED = (
        "CONSENT_REQUESTED",
        "Someone asks to use your record or name as evidence",
    )
    CREDENTIAL_REQUIREMENT_MET = (
        "CREDENTIAL_REQUIREMENT_MET",
        "A requirement of a credential you pursue is met",
    )
    CREDENTIAL_READY = "CREDENTIAL_READY", "A credential you pursue is ready to submit"
    CREDENTIAL_SLOT_BLOCKED = (
        "CREDENTIAL_SLOT_BLOCKED",
        "A requirement of a credential you pursue is blocked (consent declined or taken back)",
    )
    IMPROVEMENT_QUESTION = (
        "IMPROVEMENT_QUESTION",
        "A colleague asked about a change you shared in the improvement library",
    )
    IMPROVEMENT_ANSWER = (
        "IMPROVEMENT_ANSWER",
        "Your question in the improvement library was answered",
    )
    TEST = "TEST", "A test notification you asked for"


# Kinds a person cannot turn off or delay: they asked for it a second ago.
ALWAYS_DELIVERED_KINDS = frozenset({Kind.TEST})


class Status(models.TextChoices):
    PENDING = "PENDING", "Waiting to be sent"
    SENDING = "SENDING", "Claimed by a worker and being sent"
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
    # Delivery attempts so far (a claim counts one), bounded by the worker's max_attempts.
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    # The lease of the worker sending it (status SENDING). A worker that dies leaves the lease
    # to expire, and the row is claimed again: nothing is lost.
    claimed_by = models.CharField(max_length=100, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    # When it reached the in-app inbox (the first time a worker took it up); null before.
    delivered_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-due_at", "-id"]
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=Q(status="PENDING"),
                name="notification_pending_due",
            ),
            models.Index(
                fields=["claimed_until"],
                condition=Q(status="SENDING"),
                name="notification_lease",
            ),
            models.Index(
                fields=["recipient", "-delivered_at", "-id"],
                condition=Q(delivered_at__isnull=False),
                name="notification_inbox",
            ),
            models.Index(
                fields=["recipient"],
                condition=Q(delivered_at__isnull=False, read_at__isnull=True),
                name="notification_unread",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id} at {self.due_at:%Y-%m-%d %H:%M}"


class Platform(models.TextChoices):
    IOS = "IOS", "iOS"
    ANDROID = "ANDROID", "Android"


class DeviceTokenKind(models.TextChoices):
    """Values match `notifications.push.TokenKind`."""

    REGISTRATION_TOKEN = "registration_token", "FCM registration token"
    FID = "fid", "Firebase installation id"


class Device(models.Model):
    """A phone's push address, registered by the app from a signed-in session.

    A token belongs to one account at a time: registering it from another account (a shared
    phone) moves it. Signing out deletes the devices of that session; tokens FCM reports as
    unregistered or invalid are deactivated and no longer used.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="devices"
    )
    access_token = models.ForeignKey(
        "accounts.AccessToken",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="devices",
        help_text="The session that registered it; signing out removes the device.",
    )
    token = models.CharField(max_length=512, unique=True)
    token_kind = models.CharField(
        max_length=20, choices=DeviceTokenKind.choices, default=DeviceTokenKind.REGISTRATION_TOKEN
    )
    platform = models.CharField(max_length=7, choices=Platform.choices)
    app_version = models.CharField(max_length=40, blank=True)
    locale = models.CharField(max_length=35, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    deactivation_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-last_seen_at", "-id"]
        constraints = [
            # A session is one installation of the app: a new token replaces the old one.
            models.UniqueConstraint(
                fields=["access_token"],
                condition=Q(access_token__isnull=False),
                name="one_device_per_session",
            )
        ]
        indexes = [
            models.Index(fields=["user"], condition=Q(active=True), name="device_active_by_user")
        ]

    def __str__(self) -> str:
        return f"{self.platform} device of {self.user_id}"


class NotificationPreference(models.Model):
    """What a person wants pushed, and when not. No row means the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    disabled_kinds = models.JSONField(
        default=list, blank=True, help_text="Kinds not pushed (still in the inbox)."
    )
    quiet_hours_enabled = models.BooleanField(default=True)
    # Null means the site default (settings.NOTIFICATIONS_DEFAULT_QUIET_HOURS), so changing the
    # default reaches everyone who never chose their own hours.
    quiet_hours_start = models.TimeField(null=True, blank=True)
    quiet_hours_end = models.TimeField(null=True, blank=True)
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text="Only for people without a school (coordinators): the zone of quiet hours.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Notification preferences of {self.user_id}"
