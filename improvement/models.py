"""PDSA cycles, their measures and the data points a teacher records (design: issue 22, §1).

Everything here is its owner's alone until a later slice publishes a snapshot: no leader,
coordinator or staff member reads a cycle or a measure. The database keeps the invariants a
bug in a service must not break (stages, the order of the Do dates, one next cycle per cycle,
finite values, one point per client id); the services keep the rest (`improvement.services`).
"""

import sys

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class Stage(models.TextChoices):
    PLAN = "PLAN", "Plan"
    DO = "DO", "Do"
    STUDY = "STUDY", "Study"
    ACT = "ACT", "Act"
    DONE = "DONE", "Done"


# Stages move only forward, one at a time.
STAGE_ORDER = [Stage.PLAN, Stage.DO, Stage.STUDY, Stage.ACT, Stage.DONE]


class ActDecision(models.TextChoices):
    ADOPT = "ADOPT", "Adopt: keep the change"
    ADAPT = "ADAPT", "Adapt: change it and test again"
    ABANDON = "ABANDON", "Abandon: stop the change"


class Better(models.TextChoices):
    UP = "UP", "Higher is better"
    DOWN = "DOWN", "Lower is better"


class Pdsa(models.Model):
    """One Plan-Do-Study-Act cycle testing a change idea against a student learning question."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pdsas"
    )
    slq = models.ForeignKey(
        "observations.StudentLearningQuestion",
        on_delete=models.PROTECT,
        related_name="pdsas",
        help_text="The owner's own student learning question the change is meant to serve.",
    )
    follows = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_cycle",
        help_text="The cycle this one adapts (its Act decided to adapt); one next cycle each.",
    )
    cycle_number = models.PositiveIntegerField(default=1)
    change_idea = models.TextField(max_length=2000)
    predictions = models.TextField(max_length=2000)
    stage = models.CharField(max_length=5, choices=Stage.choices, default=Stage.PLAN)
    do_started_on = models.DateField(null=True, blank=True)
    do_ended_on = models.DateField(null=True, blank=True)
    do_notes = models.TextField(max_length=4000, blank=True)
    study_results = models.TextField(max_length=4000, blank=True)
    act_decision = models.CharField(
        max_length=7, choices=ActDecision.choices, blank=True, help_text="Empty until decided."
    )
    act_next = models.TextField(max_length=2000, blank=True)
    revision = models.PositiveIntegerField(
        default=1, help_text="The number of its latest kept revision."
    )
    measures: models.ManyToManyField = models.ManyToManyField(
        "Measure", through="PdsaMeasure", related_name="pdsas"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "PDSA cycle"
        constraints = [
            models.CheckConstraint(condition=Q(stage__in=Stage.values), name="pdsa_stage_known"),
            models.CheckConstraint(
                condition=Q(act_decision="") | Q(act_decision__in=ActDecision.values),
                name="pdsa_act_decision_known",
            ),
            # Doing starts a date: the run chart marks it.
            models.CheckConstraint(
                condition=Q(stage=Stage.PLAN) | Q(do_started_on__isnull=False),
                name="pdsa_do_has_start",
            ),
            # Acting on a study that was never written is guessing.
            models.CheckConstraint(
                condition=~Q(stage__in=[Stage.ACT, Stage.DONE]) | ~Q(study_results=""),
                name="pdsa_act_needs_study",
            ),
            models.CheckConstraint(
                condition=~Q(stage=Stage.DONE) | ~Q(act_decision=""),
                name="pdsa_done_needs_decision",
            ),
            models.CheckConstraint(
                condition=Q(do_started_on__isnull=True)
                | Q(do_ended_on__isnull=True)
                | Q(do_ended_on__gte=F("do_started_on")),
                name="pdsa_do_dates_ordered",
            ),
            models.CheckConstraint(condition=Q(cycle_number__gte=1), name="pdsa_cycle_positive"),
        ]
        indexes = [models.Index(fields=["owner", "stage"], name="pdsa_owner_stage")]

    def __str__(self) -> str:
        return f"PDSA {self.pk} ({self.stage.lower()})"


class PdsaRevision(models.Model):
    """A copy of every field of a cycle after one change: the edits are kept, never overwritten."""

    pdsa = models.ForeignKey(Pdsa, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    stage = models.CharField(max_length=5, choices=Stage.choices)
    data = models.JSONField()
    edited_at = models.DateTimeField(default=timezone.now)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["pdsa_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["pdsa", "number"], name="pdsa_revision_unique"),
            models.CheckConstraint(
                condition=Q(stage__in=Stage.values), name="pdsa_revision_stage_known"
            ),
        ]

    def __str__(self) -> str:
        return f"revision {self.number} of PDSA {self.pdsa_id}"


class Measure(models.Model):
    """Something counted about the class (never about one student: there is no student field)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="measures"
    )
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=60, blank=True)
    how_collected = models.TextField(max_length=2000, blank=True)
    better = models.CharField(max_length=4, choices=Better.choices, default=Better.UP)
    baseline_count = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="The first points that set the median (before the change); null: all points.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["owner_id", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(better__in=Better.values), name="measure_better"),
            models.CheckConstraint(
                condition=Q(baseline_count__isnull=True) | Q(baseline_count__gte=1),
                name="measure_baseline_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"measure {self.pk}"


class PdsaMeasure(models.Model):
    pdsa = models.ForeignKey(Pdsa, on_delete=models.CASCADE, related_name="measure_links")
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="pdsa_links")
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pdsa_id", "linked_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["pdsa", "measure"], name="pdsa_measure_unique")
        ]

    def __str__(self) -> str:
        return f"measure {self.measure_id} of PDSA {self.pdsa_id}"


FLOAT_MAX = sys.float_info.max


class DataPoint(models.Model):
    """One value of a measure on a day. The phone names each point with a UUID it made (the
    client id), so a batch sent twice after a dropped connection records each point once."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="points")
    client_id = models.UUIDField()
    on = models.DateField()
    value = models.FloatField()
    astronomical = models.BooleanField(
        default=False, help_text="The teacher judged this point clearly unlike the others."
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["measure_id", "on", "recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "client_id"], name="point_client_id"),
            # NaN compares false with everything (PostgreSQL sorts it above every number) and
            # the infinities lie beyond the largest double, so both fail this check.
            models.CheckConstraint(
                condition=Q(value__gte=-FLOAT_MAX) & Q(value__lte=FLOAT_MAX),
                name="point_value_finite",
            ),
        ]

    def __str__(self) -> str:
        return f"point {self.pk} of measure {self.measure_id}"


class Annotation(models.Model):
    """A note the teacher pins to a day of a measure's chart ("snow day", "new seating").
    The start of each linked cycle's Do stage is an annotation too, derived, not stored."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="annotations")
    on = models.DateField()
    text = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["measure_id", "on", "id"]

    def __str__(self) -> str:
        return f"annotation {self.pk} of measure {self.measure_id}"


# --- the improvement library (design §3) -------------------------------------------------------


class LibraryScope(models.TextChoices):
    SCHOOL = "SCHOOL", "Teachers of my school"
    DISTRICT = "DISTRICT", "Teachers of my district's schools"


class LibraryEntry(models.Model):
    """A test of change its owner shared with colleagues: a frozen, pseudonymised snapshot of
    the cycle (texts, measures with their points and run charts, chosen photos), so later edits
    or deletions of the records change nothing a colleague reads. Unpublishing hides it (the
    questions stay, for the owner); publishing again makes a new entry with a new snapshot."""

    pdsa = models.ForeignKey(Pdsa, on_delete=models.PROTECT, related_name="library_entries")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="library_entries"
    )
    scope = models.CharField(max_length=8, choices=LibraryScope.choices)
    school = models.ForeignKey(
        "accounts.School",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="SCHOOL scope: the owner's school when published.",
    )
    district = models.ForeignKey(
        "accounts.District",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="DISTRICT scope: the district of the owner's school when published.",
    )
    snapshot = models.JSONField(help_text="improvement.snapshot: students pseudonymised.")
    committed_to_answer_at = models.DateTimeField(
        null=True, help_text="When the owner committed to answer colleagues' questions."
    )
    published_at = models.DateTimeField(default=timezone.now)
    unpublished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = "library entry"
        verbose_name_plural = "library entries"
        constraints = [
            # One live entry per cycle: publishing twice cannot leave two versions side by side.
            models.UniqueConstraint(
                fields=["pdsa"],
                condition=Q(unpublished_at__isnull=True),
                name="library_entry_one_live_per_pdsa",
            ),
            # Sharing comes with the promise to answer colleagues' questions.
            models.CheckConstraint(
                condition=Q(committed_to_answer_at__isnull=False),
                name="library_entry_committed_to_answer",
            ),
            models.CheckConstraint(
                condition=Q(scope=LibraryScope.SCHOOL, school__isnull=False)
                | Q(scope=LibraryScope.DISTRICT, district__isnull=False),
                name="library_entry_scope_has_place",
            ),
            models.CheckConstraint(
                condition=Q(unpublished_at__isnull=True) | Q(unpublished_at__gte=F("published_at")),
                name="library_entry_unpublished_after",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "published_at"], name="library_entry_school"),
            models.Index(fields=["district", "published_at"], name="library_entry_district"),
        ]

    def __str__(self) -> str:
        return f"library entry {self.pk} of PDSA {self.pdsa_id}"

    @property
    def is_live(self) -> bool:
        return self.unpublished_at is None


class LibraryQuestion(models.Model):
    """A colleague's question about an entry; everyone who can see the entry reads it."""

    entry = models.ForeignKey(LibraryEntry, on_delete=models.PROTECT, related_name="questions")
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="library_questions"
    )
    text = models.TextField(max_length=2000)
    asked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["entry_id", "asked_at", "id"]

    def __str__(self) -> str:
        return f"question {self.pk} on library entry {self.entry_id}"


class LibraryAnswer(models.Model):
    """The owner's answer to a question: one per question (answering again revises it, so the
    thread stays one question, one answer; a follow-up is a new question)."""

    question = models.OneToOneField(
        LibraryQuestion, on_delete=models.CASCADE, related_name="answer"
    )
    text = models.TextField(max_length=4000)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["question_id"]

    def __str__(self) -> str:
        return f"answer to question {self.question_id}"
