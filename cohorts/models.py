"""The learning group: a cohort of a leader, blue dots and yellow dots, with its history.

A membership is a person's role in a cohort over a period. Leaving or changing role ends the
membership and starts another, so "who was a blue dot last spring" stays answerable.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from backend.accounts.models import School

SCHOOL_YEAR = re.compile(r"^(\d{4})-(\d{4})$")


def validate_school_year(value: str) -> None:
    match = SCHOOL_YEAR.match(value)
    if not match or int(match.group(2)) != int(match.group(1)) + 1:
        raise ValidationError("Write the school year as 2026-2027.", code="INVALID_SCHOOL_YEAR")


class Role(models.TextChoices):
    LEADER = "LEADER", "Teacher leader"
    BLUE = "BLUE", "Blue dot"
    YELLOW = "YELLOW", "Yellow dot"


class Cohort(models.Model):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="cohorts")
    name = models.CharField(max_length=120, help_text="What the group calls itself.")
    school_year = models.CharField(
        max_length=9, validators=[validate_school_year], help_text="e.g. 2026-2027."
    )
    # The programme's shape (4 blue, 8 yellow) is guidance the app shows, not a wall.
    target_blue_count = models.PositiveSmallIntegerField(
        default=4, help_text="How many blue dots the leader aims to visit."
    )
    target_yellow_count = models.PositiveSmallIntegerField(
        default=8, help_text="How many yellow dots the blue dots aim to visit."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-school_year", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year", "name"], name="cohort_name_unique_per_year"
            ),
            models.CheckConstraint(
                condition=Q(target_blue_count__lte=50) & Q(target_yellow_count__lte=200),
                name="cohort_targets_sane",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.school_year})"


class Membership(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=6, choices=Role.choices)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["cohort_id", "role", "started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "person"],
                condition=Q(ended_at__isnull=True),
                name="one_current_membership_per_person",
            ),
            models.UniqueConstraint(
                fields=["cohort"],
                condition=Q(role="LEADER", ended_at__isnull=True),
                name="one_current_leader_per_cohort",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="membership_ends_after_it_starts",
            ),
            # Target of the links' composite foreign keys (see migration 0002).
            models.UniqueConstraint(
                fields=["id", "cohort", "role"], name="membership_id_cohort_role"
            ),
        ]
        indexes = [models.Index(fields=["person", "ended_at"])]

    def __str__(self) -> str:
        return f"{self.person} as {self.role} in {self.cohort}"

    @property
    def is_current(self) -> bool:
        return self.ended_at is None


class BlueYellowLink(models.Model):
    """A blue dot is to visit a yellow dot. Both memberships are of this link's cohort, with
    those roles: PostgreSQL enforces it with composite foreign keys (migration 0002)."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="links")
    blue = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="yellow_links")
    yellow = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="blue_links")
    # Constant columns that make the composite foreign keys check the roles too.
    blue_role = models.CharField(max_length=6, default=Role.BLUE, editable=False)
    yellow_role = models.CharField(max_length=6, default=Role.YELLOW, editable=False)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["cohort_id", "started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["yellow"],
                condition=Q(ended_at__isnull=True),
                name="one_current_blue_per_yellow",
            ),
            models.CheckConstraint(condition=Q(blue_role="BLUE"), name="link_blue_role"),
            models.CheckConstraint(condition=Q(yellow_role="YELLOW"), name="link_yellow_role"),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="link_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.blue.person} visits {self.yellow.person}"
