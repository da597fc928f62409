"""A record of sensitive actions: who did what to which object, and when.

It never holds survey answers or observation content: `details` carries ids and names only.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Action(models.TextChoices):
    SIGN_IN = "SIGN_IN", "Signed in"
    SESSION_REVOKED = "SESSION_REVOKED", "Session revoked"
    INVITATION_SENT = "INVITATION_SENT", "Invitation sent"
    INVITATION_REVOKED = "INVITATION_REVOKED", "Invitation withdrawn"
    INVITATION_ACCEPTED = "INVITATION_ACCEPTED", "Invitation accepted"
    INVITATION_APPROVED = "INVITATION_APPROVED", "Invitation outside the domains approved"
    INVITATION_REFUSED = "INVITATION_REFUSED", "Invitation outside the domains refused"
    PERSON_DOMAIN_APPROVED = "PERSON_DOMAIN_APPROVED", "Person outside the domains approved"
    EMAIL_DOMAINS_SET = "EMAIL_DOMAINS_SET", "District e-mail domains set"
    ROLE_CHANGED = "ROLE_CHANGED", "Role in a cohort changed"
    MEMBER_ADDED = "MEMBER_ADDED", "Member added to a cohort"
    MEMBER_REMOVED = "MEMBER_REMOVED", "Member left a cohort"
    EXPORT = "EXPORT", "Data exported"


class AuditEvent(models.Model):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(max_length=32, choices=Action.choices)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    details = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} by {self.actor_id}"
