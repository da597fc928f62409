"""The learning group: a cohort of a leader, blue dots and yellow dots, with its history.

A membership is a person's role in a cohort over a period. Leaving or changing role ends the
membership and starts another, so "who was a blue dot last spring" stays answerable.
"""

import re
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from backend.accounts.models import School
from cohorts.errors import CohortError

SCHOOL_YEAR = re.compile(r"^(\d{4})-(\d{4})$")


def validate_school_year(value: str) -> None:
    match = SCHOOL_YEAR.match(value)
    if not match or int(match.group(2)) != int(match.group(1)) + 1:
        raise ValidationError(
            "Write the school year as 2026-2027.", code=CohortError.INVALID_SCHOOL_YEAR
        )


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
    # Off: the targets are guidance. On: adding a dot beyond a target is refused.
    enforce_targets = models.BooleanField(
        default=False, help_text="Refuse more blue or yellow dots than the targets."
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


# --- Invitations into a cohort ---------------------------------------------------------------


class CohortInvitation(models.Model):
    """A peer invited by e-mail to join the school and then this cohort in a role.

    The account invitation itself lives in accounts; this remembers which cohort and role the
    leader had in mind, so the accepted person can be added with one tap.
    """

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="invitations")
    invitation = models.OneToOneField(
        "accounts.Invitation", on_delete=models.CASCADE, related_name="cohort_invitation"
    )
    role = models.CharField(max_length=6, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Set when the accepted person was added to the cohort.
    membership = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=["BLUE", "YELLOW"]), name="cohort_invitation_peer_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.invitation.email} to {self.cohort} as {self.role}"


# --- Protocols ---------------------------------------------------------------------------------


class Protocol(models.Model):
    """A reusable structured conversation: ordered steps with timings.

    Protocols without a school are the programme's library (seeded from `protocol_library`);
    a leader adds their own for their school.
    """

    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.CASCADE, related_name="protocols"
    )
    key = models.SlugField(
        max_length=60,
        blank=True,
        help_text="Stable key of a library protocol; blank for a school's.",
    )
    name = models.CharField(max_length=120)
    purpose = models.TextField(blank=True, max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=Q(school__isnull=True), name="library_protocol_key_unique"
            ),
            models.UniqueConstraint(
                fields=["school", "name"], name="protocol_name_unique_per_school"
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(school__isnull=True),
                name="library_protocol_name_unique",
            ),
            models.CheckConstraint(
                condition=Q(school__isnull=False) | ~Q(key=""), name="library_protocol_has_key"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_library(self) -> bool:
        return self.school_id is None


class ProtocolStep(models.Model):
    protocol = models.ForeignKey(Protocol, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    minutes = models.PositiveSmallIntegerField()
    guidance = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["protocol_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["protocol", "position"], name="protocol_step_position_unique"
            ),
            models.CheckConstraint(condition=Q(minutes__lte=240), name="protocol_step_minutes"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title} ({self.minutes} min)"


# --- Meetings and agendas ------------------------------------------------------------------------


class MeetingKind(models.TextChoices):
    BLUE_GROUP = "BLUE_GROUP", "Group of 5 (leader and blue dots)"
    WHOLE_GROUP = "WHOLE_GROUP", "Group of 13 (everyone)"
    OTHER = "OTHER", "Other meeting"


# Which current roles form each kind of meeting's group. An OTHER meeting's group is the
# leader plus the cohort members invited to it.
GROUP_ROLES = {
    MeetingKind.BLUE_GROUP: frozenset({Role.LEADER, Role.BLUE}),
    MeetingKind.WHOLE_GROUP: frozenset({Role.LEADER, Role.BLUE, Role.YELLOW}),
    MeetingKind.OTHER: frozenset({Role.LEADER}),
}

MAX_MEETING_MINUTES = 600


class Meeting(models.Model):
    """A meeting of the cohort. `starts_at` is UTC; the school's time zone is for display."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(max_length=12, choices=MeetingKind.choices)
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(editable=False)
    duration_minutes = models.PositiveSmallIntegerField()
    location = models.CharField(max_length=200, blank=True)
    video_url = models.URLField(max_length=500, blank=True)
    # Strict timing: saving an agenda longer than the meeting is refused rather than warned.
    strict_timing = models.BooleanField(default=False)
    notes = models.TextField(blank=True, max_length=20000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["cohort", "starts_at"]),
            models.Index(
                fields=["starts_at"],
                condition=Q(cancelled_at__isnull=True),
                name="meeting_scheduled_starts",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5, duration_minutes__lte=MAX_MEETING_MINUTES),
                name="meeting_duration_sane",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_at:%Y-%m-%d %H:%M} UTC)"

    def save(self, *args, **kwargs):
        # Stored so lists can filter on "not ended yet"; always derived, never set directly.
        self.ends_at = self.starts_at + timedelta(minutes=self.duration_minutes)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"starts_at", "duration_minutes"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "ends_at"}
        super().save(*args, **kwargs)

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class MeetingInvitee(models.Model):
    """Someone asked to a meeting beyond its group: a cohort member, a coach, a principal."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitees")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_invitations"
    )
    invited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["meeting_id", "invited_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="meeting_invitee_once")
        ]

    def __str__(self) -> str:
        return f"{self.person} invited to {self.meeting}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    minutes = models.PositiveSmallIntegerField()
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # PROTECT: an agenda is evidence; the protocol it used must stay readable.
    protocol = models.ForeignKey(
        Protocol, null=True, blank=True, on_delete=models.PROTECT, related_name="agenda_items"
    )
    materials = models.TextField(blank=True, max_length=2000)
    notes = models.TextField(blank=True, max_length=5000)

    class Meta:
        ordering = ["meeting_id", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__lte=MAX_MEETING_MINUTES), name="agenda_item_minutes"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title} ({self.minutes} min)"


class AttendanceStatus(models.TextChoices):
    PRESENT = "PRESENT", "Present"
    ABSENT = "ABSENT", "Absent"
    EXCUSED = "EXCUSED", "Excused"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meeting_attendance"
    )
    status = models.CharField(max_length=7, choices=AttendanceStatus.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["meeting_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="attendance_once_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.status} at {self.meeting}"
