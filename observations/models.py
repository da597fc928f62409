"""The Student Learning Reflection Cycle: questions, tools, timetables, visits, data, reflections.

Privacy runs through these tables: a visit's *content* (its SLQ, notes, entries, reflection
sheet) belongs to its host and visitors; its *logistics* (who, when, status, cycle) are what a
cohort leader or coordinator may see. Selectors (`selectors.py`) say who sees what; nothing here
holds a copy of content for anyone else, except a reflection sheet the host chose to share.

Double-booking: every visit has one `VisitParticipant` row per person with a copy of the
visit's time range and an `is_active` flag. On PostgreSQL an exclusion constraint (migration
0002) forbids two active rows of one person whose ranges overlap; on SQLite the booking service
checks the same inside its (IMMEDIATE, so serialised) transaction.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from backend.accounts.models import School

from .tool_kinds import ToolKind

MAX_CYCLE_NUMBER = 12
MIN_VISIT_MINUTES = 10
MAX_VISIT_MINUTES = 240


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class PeriodKind(models.TextChoices):
    TEACHING = "TEACHING", "Teaching a class"
    FREE = "FREE", "Free (planning, no class)"


class BellPeriod(models.Model):
    """One named period of a school's bell schedule ("Period 3", 10:05-10:55 local time)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="bell_periods")
    name = models.CharField(max_length=60)
    start_time = models.TimeField(help_text="Local time at the school.")
    end_time = models.TimeField(help_text="Local time at the school.")

    class Meta:
        ordering = ["school_id", "start_time", "id"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="bell_period_name_unique"),
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")), name="bell_period_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.start_time:%H:%M}-{self.end_time:%H:%M})"


class TimetablePeriod(models.Model):
    """A weekly slot in a teacher's timetable, in their school's local time."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="timetable_periods"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start_time = models.TimeField()
    end_time = models.TimeField()
    kind = models.CharField(max_length=8, choices=PeriodKind.choices)
    label = models.CharField(max_length=80, blank=True, help_text="e.g. 'Grade 4 maths'.")
    room = models.CharField(max_length=60, blank=True)
    bell_period = models.ForeignKey(
        BellPeriod, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["person_id", "weekday", "start_time", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")), name="timetable_period_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="timetable_weekday_range"
            ),
        ]
        indexes = [models.Index(fields=["person", "weekday"], name="timetable_person_weekday")]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M} {self.kind}"


class StudentLearningQuestion(models.Model):
    """What the host wants to learn about their students. Kept for the next cycle, or replaced
    by a new one (`replaces`) and then retired."""

    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="student_learning_questions",
    )
    area_of_focus = models.CharField(max_length=200)
    question = models.TextField(max_length=1000)
    crafted_with = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The visiting peer who helped craft it.",
    )
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaced_by"
    )
    retired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["host_id", "-created_at", "-id"]
        indexes = [models.Index(fields=["host", "retired_at"], name="slq_host_current")]

    def __str__(self) -> str:
        return f"SLQ {self.pk} of {self.host_id}"

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


class Sharing(models.TextChoices):
    PRIVATE = "PRIVATE", "Only me (and the visits that use it)"
    SCHOOL = "SCHOOL", "Teachers of my school"
    DISTRICT = "DISTRICT", "Teachers of my district"
    LIBRARY = "LIBRARY", "The app's starter library"


class Tool(models.Model):
    """A data-collection tool: a kind and a validated definition (see `tool_kinds`)."""

    kind = models.CharField(max_length=24, choices=[(k.value, k.label) for k in ToolKind])
    name = models.CharField(max_length=120)
    description = models.TextField(max_length=2000, blank=True)
    definition = models.JSONField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tools",
    )
    # The owner's school when the tool was made: the scope of SCHOOL and DISTRICT sharing.
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.PROTECT, related_name="tools"
    )
    sharing = models.CharField(max_length=8, choices=Sharing.choices, default=Sharing.PRIVATE)
    library_key = models.SlugField(max_length=60, null=True, blank=True, unique=True)
    example_questions = models.JSONField(default=list, blank=True)
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    slq = models.ForeignKey(
        StudentLearningQuestion,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tools",
        help_text="The question this tool was crafted for.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            # A library tool has a key and no owner; every other tool has an owner.
            models.CheckConstraint(
                condition=(Q(library_key__isnull=True, owner__isnull=False) & ~Q(sharing="LIBRARY"))
                | Q(library_key__isnull=False, owner__isnull=True, sharing="LIBRARY"),
                name="tool_library_or_owned",
            ),
            models.CheckConstraint(
                condition=Q(sharing="PRIVATE") | Q(sharing="LIBRARY") | Q(school__isnull=False),
                name="tool_shared_has_school",
            ),
        ]
        indexes = [models.Index(fields=["sharing", "school"], name="tool_sharing_school")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_library(self) -> bool:
        return self.library_key is not None


class VisitStatus(models.TextChoices):
    PROPOSED = "PROPOSED", "Proposed, waiting for the host"
    ACCEPTED = "ACCEPTED", "Accepted"
    DECLINED = "DECLINED", "Declined by the host"
    CANCELLED = "CANCELLED", "Cancelled"
    COMPLETED = "COMPLETED", "Happened"


# A visit in these states holds its people's time: they cannot be booked twice.
ACTIVE_STATUSES = (VisitStatus.PROPOSED, VisitStatus.ACCEPTED, VisitStatus.COMPLETED)


class Visit(models.Model):
    """A visitor in a host's class at a time, collecting data for the host's SLQ."""

    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="hosted_visits"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The host's school: its time zone shows the visit, its district's coordinators see it.
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="visits")
    cohort = models.ForeignKey(
        "cohorts.Cohort", null=True, blank=True, on_delete=models.PROTECT, related_name="visits"
    )
    slq = models.ForeignKey(
        StudentLearningQuestion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    tool = models.ForeignKey(
        Tool, null=True, blank=True, on_delete=models.PROTECT, related_name="visits"
    )
    cycle_number = models.PositiveSmallIntegerField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    room = models.CharField(max_length=60, blank=True)
    notes = models.TextField(max_length=2000, blank=True)
    status = models.CharField(max_length=10, choices=VisitStatus.choices)
    # The reason given with the last decline, cancellation or reschedule.
    status_reason = models.CharField(max_length=500, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Goes up with every change, so phones can tell a stale copy and reminders stay unique.
    revision = models.PositiveIntegerField(default=1)
    accepted_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, help_text="Declined or cancelled.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="visit_time_range"
            ),
            models.CheckConstraint(
                condition=Q(cycle_number__gte=1, cycle_number__lte=MAX_CYCLE_NUMBER),
                name="visit_cycle_number_range",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in VisitStatus]), name="visit_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["host", "starts_at"], name="visit_host_starts"),
            models.Index(fields=["school", "starts_at"], name="visit_school_starts"),
            models.Index(fields=["cohort", "starts_at"], name="visit_cohort_starts"),
        ]

    def __str__(self) -> str:
        return f"Visit {self.pk} ({self.status}, cycle {self.cycle_number})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class VisitSummaryRecord(Visit):
    """The same row seen as a content-free summary. A proxy so that GraphQL can tell a
    `VisitSummary` from a `Visit` by the object's class (they share the table)."""

    class Meta:
        proxy = True


class VisitRole(models.TextChoices):
    HOST = "HOST", "Host teacher"
    VISITOR = "VISITOR", "Visiting teacher"


class VisitParticipant(models.Model):
    """A person in a visit, holding a copy of its time range for the double-booking rule."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visit_participations"
    )
    role = models.CharField(max_length=7, choices=VisitRole.choices)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["visit_id", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "person"], name="visit_participant_once"),
            models.UniqueConstraint(
                fields=["visit"], condition=Q(role="HOST"), name="visit_has_one_host"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="visit_participant_time_range"
            ),
            # On PostgreSQL also: visit_participant_no_double_booking (migration 0002).
        ]
        indexes = [
            models.Index(fields=["person", "starts_at"], name="participant_person_starts"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} as {self.role} in visit {self.visit_id}"


class ObservationEntry(models.Model):
    """One piece of data recorded on the visitor's phone. Never changed once accepted."""

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="entries")
    client_id = models.UUIDField(help_text="Generated by the phone; makes re-sending harmless.")
    recorded_at = models.DateTimeField(help_text="The phone's clock when it was recorded.")
    received_at = models.DateTimeField(default=timezone.now)
    payload = models.JSONField(help_text="Normalised by tool_kinds.validate_entry.")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["visit_id", "recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "client_id"], name="entry_client_id_unique"),
        ]

    def __str__(self) -> str:
        return f"Entry {self.client_id} of visit {self.visit_id}"


class ReflectionSheet(models.Model):
    """The result of the reflection protocol after a visit. It keeps its own copy of the SLQ and
    the data summary, so the sheet stays as it was agreed even when the SLQ is edited later."""

    visit = models.OneToOneField(Visit, on_delete=models.PROTECT, related_name="reflection_sheet")
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reflection_sheets"
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    cycle_number = models.PositiveSmallIntegerField()
    slq = models.ForeignKey(
        StudentLearningQuestion, on_delete=models.PROTECT, related_name="reflection_sheets"
    )
    slq_area_of_focus = models.CharField(max_length=200)
    slq_question = models.TextField(max_length=1000)
    data_summary = models.JSONField(default=dict)
    considerations = models.TextField(max_length=5000)
    next_steps = models.TextField(max_length=5000)
    keeps_slq = models.BooleanField(help_text="The host keeps the SLQ for the next cycle.")
    shared_with_cohort = models.BooleanField(default=False)
    shared_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["host_id", "cycle_number", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cycle_number__gte=1, cycle_number__lte=MAX_CYCLE_NUMBER),
                name="reflection_cycle_number_range",
            ),
        ]
        indexes = [models.Index(fields=["host", "cycle_number"], name="reflection_host_cycle")]

    def __str__(self) -> str:
        return f"Reflection sheet for visit {self.visit_id} (cycle {self.cycle_number})"


# --- Photos of student work and artifacts --------------------------------------------------


class Photo(models.Model):
    """A photo of student work or of an artifact, attached to exactly one question, visit,
    reflection sheet or (the room of) a seating-chart tool.

    Only what `images.sanitize_image` re-encoded from the pixels is stored: a JPEG without
    EXIF, GPS, XMP or comments, and a thumbnail. The files have random names (nothing of the
    phone's file name) in the default storage and are never served from MEDIA_URL: only
    through expiring signed links (`photo_links`) to people who may see the photo
    (`selectors.photos_visible_to`).
    """

    slq = models.ForeignKey(
        StudentLearningQuestion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="photos",
    )
    visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.PROTECT, related_name="photos"
    )
    reflection_sheet = models.ForeignKey(
        ReflectionSheet, null=True, blank=True, on_delete=models.PROTECT, related_name="photos"
    )
    tool = models.ForeignKey(
        Tool,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="photos",
        help_text="The room photo of a seating-chart tool.",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    caption = models.CharField(max_length=300, blank=True)
    image = models.FileField(max_length=200, help_text="Storage name of the sanitised JPEG.")
    thumbnail = models.FileField(max_length=200, help_text="Storage name of the thumbnail.")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    thumbnail_width = models.PositiveIntegerField()
    thumbnail_height = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        slq__isnull=False,
                        visit__isnull=True,
                        reflection_sheet__isnull=True,
                        tool__isnull=True,
                    )
                    | Q(
                        slq__isnull=True,
                        visit__isnull=False,
                        reflection_sheet__isnull=True,
                        tool__isnull=True,
                    )
                    | Q(
                        slq__isnull=True,
                        visit__isnull=True,
                        reflection_sheet__isnull=False,
                        tool__isnull=True,
                    )
                    | Q(
                        slq__isnull=True,
                        visit__isnull=True,
                        reflection_sheet__isnull=True,
                        tool__isnull=False,
                    )
                ),
                name="photo_has_exactly_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"Photo {self.pk}"


# --- Private calendar feeds ---------------------------------------------------------------


class CalendarFeed(models.Model):
    """A person's private iCalendar feed of their visits and meetings.

    The feed's URL carries a secret: an HMAC (keyed by SECRET_KEY) of the person and a random
    `nonce`. Only the nonce and a SHA-256 of the secret are stored, so a copy of the database
    alone does not give anyone's feed; the app can still show the URL again. Rotating draws
    a new nonce, and the old URL stops working at once (see `services.calendar_feeds`).
    """

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    nonce = models.CharField(max_length=64)
    secret_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    rotated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.person_id}"
