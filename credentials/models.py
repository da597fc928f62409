"""Micro-credentials as data: the catalogue (versioned definitions), pursuits, evidence,
consent and frozen packets.

A definition is a `CredentialVersion` with its requirement slots, review criteria, skills and
prerequisites. It is edited only while DRAFT; once PUBLISHED it and its children never change
(database triggers, migration 0003), and a pursuit keeps the version it started with, whatever
is published later (`Pursuit.version`, PROTECT). A changed definition is a new version.

Progress is never stored: it is computed on read from what the other apps record
(`sources.py`, `progress.py`). Evidence items point at those records while the pursuit is a
draft; submitting copies what they say into a `Packet`, which the database refuses to change or
delete afterwards, so later edits or deletions of the sources cannot touch it.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from cohorts.models import Cohort, Meeting
from improvement.models import Measure, Pdsa
from observations.models import Photo, ReflectionSheet, StudentLearningQuestion, Visit
from surveys.models import Administration


class Tier(models.TextChoices):
    MY_CLASSROOM = "MY_CLASSROOM", "My classroom"
    PEERS_CLASSROOMS = "PEERS_CLASSROOMS", "Peers' classrooms"
    MY_SCHOOL = "MY_SCHOOL", "My school"


class Category(models.TextChoices):
    BUILDING_SKILLS = "BUILDING_SKILLS", "Building skills"
    DEMONSTRATING_IMPACT = "DEMONSTRATING_IMPACT", "Demonstrating impact"
    LEADING_LEARNING = "LEADING_LEARNING", "Leading learning"


class VersionStatus(models.TextChoices):
    DRAFT = "DRAFT", "Draft (staff are editing it)"
    PUBLISHED = "PUBLISHED", "Published (new pursuits start on it)"
    RETIRED = "RETIRED", "Retired (kept for the pursuits that started on it)"


class SlotKind(models.TextChoices):
    RECORDS = "RECORDS", "Records the app holds"
    TEXT = "TEXT", "The teacher's own writing"
    CHOICE = "CHOICE", "One of several options"
    UPLOAD = "UPLOAD", "A file, video, photo or link"
    LIST = "LIST", "A list of typed entries"
    ATTESTATION = "ATTESTATION", "A statement the teacher affirms"


class ConsentFrom(models.TextChoices):
    NONE = "NONE", "Nobody else"
    HOST = "HOST", "The host of the record"
    FACILITATOR = "FACILITATOR", "The facilitator of the record"
    NAMED_PEERS = "NAMED_PEERS", "Each peer named"


class LaterCapability(models.TextChoices):
    PDSA = "PDSA", "The PDSA tracker and run charts"
    STUDENT_VOICE = "STUDENT_VOICE", "Student voice surveys"
    VIDEO = "VIDEO", "Video uploads"
    ARTIFACT = "ARTIFACT", "Artifact uploads"


class CriterionScale(models.TextChoices):
    PROFICIENT_BASIC_DEVELOPING = "PROFICIENT_BASIC_DEVELOPING", "Proficient / basic / developing"
    PASS_FAIL = "PASS_FAIL", "Pass / fail"
    MET_NOT_MET = "MET_NOT_MET", "Met / not met"


class Programme(models.Model):
    key = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=200)
    issuer = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "key"]

    def __str__(self) -> str:
        return self.title


class Series(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="series")
    key = models.SlugField(max_length=80)
    title = models.CharField(max_length=200)
    requires_series = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="A series whose credentials must all be earned first (foundational).",
    )

    class Meta:
        verbose_name_plural = "series"
        constraints = [
            models.UniqueConstraint(fields=["programme", "key"], name="series_key_unique"),
        ]

    def __str__(self) -> str:
        return self.title


class Skill(models.Model):
    """A skill a credential demonstrates (seed 001: the first platform could not store these)."""

    framework = models.CharField(max_length=40)
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=300)

    class Meta:
        ordering = ["framework", "code"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="skill_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.framework} {self.code} {self.name}"


class Credential(models.Model):
    """A credential's stable identity; what it asks for lives in its versions."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="credentials")
    series = models.ForeignKey(
        Series, null=True, blank=True, on_delete=models.PROTECT, related_name="credentials"
    )
    key = models.SlugField(max_length=80)
    position = models.PositiveSmallIntegerField(help_text="Order within the programme.")
    tier = models.CharField(max_length=20, choices=Tier.choices, blank=True)
    category = models.CharField(max_length=24, choices=Category.choices, blank=True)

    class Meta:
        ordering = ["programme__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "key"], name="credential_key_unique"),
            models.UniqueConstraint(
                fields=["programme", "position"], name="credential_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme.key}/{self.key}"


class CredentialVersion(models.Model):
    credential = models.ForeignKey(Credential, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    competency = models.TextField(blank=True)
    key_method = models.TextField(blank=True)
    credit_value = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    credit_unit = models.CharField(max_length=60, blank=True)
    fee_cents = models.PositiveIntegerField(null=True, blank=True)
    fee_currency = models.CharField(max_length=3, blank=True)
    fee_when = models.CharField(max_length=20, blank=True)
    eligibility = models.TextField(blank=True)
    pass_rule = models.JSONField(default=dict, blank=True)
    resources = models.JSONField(default=list, blank=True)
    content_sha256 = models.CharField(max_length=64, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["credential", "number"]
        constraints = [
            models.UniqueConstraint(fields=["credential", "number"], name="version_number_unique"),
            models.UniqueConstraint(
                fields=["credential"],
                condition=Q(status="PUBLISHED"),
                name="one_published_version",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="version_number_positive"),
            models.CheckConstraint(
                condition=Q(status="DRAFT") | Q(published_at__isnull=False),
                name="published_version_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number}, {self.status.lower()})"


class RequirementSlot(models.Model):
    """One requirement of a version: what kind of evidence fills it (`kind`, `spec`)."""

    version = models.ForeignKey(CredentialVersion, on_delete=models.CASCADE, related_name="slots")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="options",
        help_text="The CHOICE slot this is an option of.",
    )
    key = models.SlugField(max_length=80, help_text="Stable across versions.")
    part = models.CharField(max_length=80, blank=True)
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=12, choices=SlotKind.choices)
    title = models.CharField(max_length=300)
    guidance = models.TextField(blank=True)
    spec = models.JSONField(default=dict, blank=True)
    consent_from = models.CharField(
        max_length=12, choices=ConsentFrom.choices, default=ConsentFrom.NONE
    )
    later_capability = models.CharField(max_length=16, choices=LaterCapability.choices, blank=True)
    required_when = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["version", "parent_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="slot_key_unique"),
            models.UniqueConstraint(
                fields=["version", "position"],
                condition=Q(parent__isnull=True),
                name="slot_position_unique",
            ),
            models.UniqueConstraint(
                fields=["parent", "position"],
                condition=Q(parent__isnull=False),
                name="option_position_unique",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[choice.value for choice in SlotKind]),
                name="slot_kind_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.title}"


class ReviewCriterion(models.Model):
    version = models.ForeignKey(
        CredentialVersion, on_delete=models.CASCADE, related_name="criteria"
    )
    group = models.CharField(max_length=60)
    position = models.PositiveSmallIntegerField()
    text = models.TextField()
    scale = models.CharField(max_length=30, choices=CriterionScale.choices)
    levels = models.JSONField(default=dict, blank=True)
    slots = models.ManyToManyField(RequirementSlot, blank=True, related_name="criteria")

    class Meta:
        ordering = ["version", "group", "position"]
        verbose_name_plural = "review criteria"
        constraints = [
            models.UniqueConstraint(
                fields=["version", "group", "position"], name="criterion_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} {self.position}: {self.text[:60]}"


class CredentialSkill(models.Model):
    version = models.ForeignKey(
        CredentialVersion, on_delete=models.CASCADE, related_name="skill_links"
    )
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "skill"], name="credential_skill_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.version_id} demonstrates {self.skill_id}"


class Prerequisite(models.Model):
    """Earned before a pursuit may start: one credential, or every credential of a series."""

    version = models.ForeignKey(
        CredentialVersion, on_delete=models.CASCADE, related_name="prerequisites"
    )
    required_credential = models.ForeignKey(
        Credential, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    required_series = models.ForeignKey(
        Series, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(required_credential__isnull=False, required_series__isnull=True)
                | Q(required_credential__isnull=True, required_series__isnull=False),
                name="prerequisite_has_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"needs {self.required_credential_id or self.required_series_id}"


# --- Pursuits ----------------------------------------------------------------------------------


class PursuitState(models.TextChoices):
    DRAFT = "DRAFT", "Gathering evidence"
    SUBMITTED = "SUBMITTED", "Submitted"
    UNDER_REVIEW = "UNDER_REVIEW", "Under review"
    EARNED = "EARNED", "Earned"
    NOT_YET = "NOT_YET", "Not yet (may try again)"


class Pursuit(models.Model):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pursuits"
    )
    credential = models.ForeignKey(Credential, on_delete=models.PROTECT, related_name="pursuits")
    version = models.ForeignKey(CredentialVersion, on_delete=models.PROTECT, related_name="+")
    cohort = models.ForeignKey(
        Cohort,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The cohort whose records count (peers' roles, surveys, meetings).",
    )
    state = models.CharField(
        max_length=12, choices=PursuitState.choices, default=PursuitState.DRAFT
    )
    revision = models.PositiveIntegerField(
        default=1, help_text="Grows with every change of evidence; a submit names the one read."
    )
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            # One pursuit per person and credential, ever: "not yet" goes back to DRAFT in
            # the same pursuit with the next attempt.
            models.UniqueConstraint(fields=["person", "credential"], name="one_pursuit_each"),
        ]
        indexes = [
            models.Index(fields=["person", "state"], name="pursuit_person_state"),
            models.Index(fields=["cohort", "state"], name="pursuit_cohort_state"),
        ]

    def __str__(self) -> str:
        return f"pursuit {self.pk} of {self.credential_id} ({self.state.lower()})"


# What an evidence item holds: exactly one of these is set.
EVIDENCE_PAYLOADS = (
    "visit",
    "reflection_sheet",
    "slq",
    "administration",
    "meeting",
    "photo",
    "pdsa",
    "measure",
    "text",
    "choice_option",
    "list_entries",
    "attested_at",
)


def _set(field: str) -> Q:
    if field == "choice_option":
        return ~Q(choice_option="")
    return Q(**{f"{field}__isnull": False})


def _exactly_one_payload() -> Q:
    fields = EVIDENCE_PAYLOADS
    condition = Q()
    for chosen in fields:
        only = _set(chosen)
        for other in fields:
            if other != chosen:
                only &= ~_set(other)
        condition |= only
    return condition


class EvidenceItem(models.Model):
    """One piece of evidence in a draft: a record of another app, or the teacher's own words.

    Exactly one payload is set (a database check). Records are referenced, not copied, until
    submission; a deleted record leaves the draft (CASCADE) and never a submitted packet.
    """

    pursuit = models.ForeignKey(Pursuit, on_delete=models.CASCADE, related_name="evidence")
    slot_key = models.SlugField(max_length=80)
    position = models.PositiveSmallIntegerField(default=0)
    visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    reflection_sheet = models.ForeignKey(
        ReflectionSheet, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    slq = models.ForeignKey(
        StudentLearningQuestion, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    administration = models.ForeignKey(
        Administration, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    photo = models.ForeignKey(
        Photo, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    pdsa = models.ForeignKey(
        Pdsa, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    measure = models.ForeignKey(
        Measure,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="A measure of the teacher's, as its run chart.",
    )
    prompt_key = models.SlugField(max_length=80, blank=True)
    # null, not "": an empty answer is still an answer, and "no text" tells payloads apart.
    text = models.TextField(null=True, blank=True)  # noqa: DJ001
    choice_option = models.SlugField(max_length=80, blank=True)
    list_entries = models.JSONField(null=True, blank=True)
    attested_at = models.DateTimeField(null=True, blank=True)
    confirmed_clean_at = models.DateTimeField(
        null=True, blank=True, help_text="The teacher confirmed it names or shows no student."
    )
    added_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pursuit", "slot_key", "position", "id"]
        indexes = [models.Index(fields=["pursuit", "slot_key"], name="evidence_pursuit_slot")]
        constraints = [
            models.CheckConstraint(condition=_exactly_one_payload(), name="evidence_one_payload"),
            *[
                models.UniqueConstraint(
                    fields=["pursuit", "slot_key", field],
                    condition=Q(**{f"{field}__isnull": False}),
                    name=f"evidence_{field}_once",
                )
                for field in ("visit", "reflection_sheet", "slq", "administration", "meeting")
            ],
            *[
                models.UniqueConstraint(
                    fields=["pursuit", "slot_key", field],
                    condition=Q(**{f"{field}__isnull": False}),
                    name=f"evidence_{field}_once",
                )
                for field in ("pdsa", "measure")
            ],
            models.UniqueConstraint(
                fields=["pursuit", "slot_key", "photo"],
                condition=Q(photo__isnull=False),
                name="evidence_photo_once",
            ),
            models.UniqueConstraint(
                fields=["pursuit", "slot_key", "prompt_key"],
                condition=Q(text__isnull=False),
                name="evidence_text_once",
            ),
            models.UniqueConstraint(
                fields=["pursuit", "slot_key"],
                condition=~Q(choice_option=""),
                name="evidence_choice_once",
            ),
            models.UniqueConstraint(
                fields=["pursuit", "slot_key"],
                condition=Q(list_entries__isnull=False),
                name="evidence_list_once",
            ),
            models.UniqueConstraint(
                fields=["pursuit", "slot_key"],
                condition=Q(attested_at__isnull=False),
                name="evidence_attestation_once",
            ),
        ]

    def __str__(self) -> str:
        return f"evidence {self.pk} for {self.slot_key}"


class ConsentScope(models.TextChoices):
    ITEM = "ITEM", "A record of theirs in the packet"
    NAME = "NAME", "Their name in the packet"


class ConsentState(models.TextChoices):
    REQUESTED = "REQUESTED", "Asked, not yet answered"
    GRANTED = "GRANTED", "Granted"
    DECLINED = "DECLINED", "Declined"
    REVOKED = "REVOKED", "Granted, then taken back"


class ConsentGrant(models.Model):
    pursuit = models.ForeignKey(Pursuit, on_delete=models.CASCADE, related_name="consents")
    grantor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consents_asked"
    )
    scope = models.CharField(max_length=4, choices=ConsentScope.choices)
    evidence_item = models.ForeignKey(
        EvidenceItem, null=True, blank=True, on_delete=models.CASCADE, related_name="consents"
    )
    state = models.CharField(
        max_length=10, choices=ConsentState.choices, default=ConsentState.REQUESTED
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["grantor", "state"], name="consent_grantor_state")]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope="ITEM", evidence_item__isnull=False)
                | Q(scope="NAME", evidence_item__isnull=True),
                name="consent_scope_fits",
            ),
            models.CheckConstraint(
                condition=Q(state="REQUESTED") | Q(decided_at__isnull=False),
                name="consent_decided_has_date",
            ),
            models.UniqueConstraint(
                fields=["pursuit", "grantor", "evidence_item"],
                condition=Q(scope="ITEM"),
                name="consent_item_once",
            ),
            models.UniqueConstraint(
                fields=["pursuit", "grantor"],
                condition=Q(scope="NAME"),
                name="consent_name_once",
            ),
        ]

    def __str__(self) -> str:
        return f"consent {self.pk} ({self.scope.lower()}, {self.state.lower()})"


class Packet(models.Model):
    """A submitted attempt, frozen: the database refuses to change anything but `state`, and
    refuses deletion (migration 0003's triggers)."""

    pursuit = models.ForeignKey(Pursuit, on_delete=models.PROTECT, related_name="packets")
    # Names the packet in its manifest and exports; made before the row, so the manifest is
    # written with it and the frozen row never needs a second write.
    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    attempt = models.PositiveIntegerField()
    version = models.ForeignKey(CredentialVersion, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    content = models.JSONField()
    manifest = models.JSONField()
    manifest_sha256 = models.CharField(max_length=64)
    state = models.CharField(
        max_length=12, choices=PursuitState.choices, default=PursuitState.SUBMITTED
    )

    class Meta:
        ordering = ["pursuit", "-attempt"]
        constraints = [
            models.UniqueConstraint(fields=["pursuit", "attempt"], name="packet_attempt_unique"),
            models.UniqueConstraint(
                fields=["pursuit"],
                condition=Q(state__in=["SUBMITTED", "UNDER_REVIEW"]),
                name="one_packet_in_review",
            ),
            models.CheckConstraint(condition=Q(attempt__gte=1), name="packet_attempt_positive"),
            models.CheckConstraint(condition=~Q(state="DRAFT"), name="packet_is_never_a_draft"),
        ]

    def __str__(self) -> str:
        return f"packet {self.pk}, attempt {self.attempt}"


class PacketFile(models.Model):
    packet = models.ForeignKey(Packet, on_delete=models.PROTECT, related_name="files")
    path = models.CharField(max_length=200, help_text="Inside the ZIP, e.g. files/photo-1.jpg.")
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    file = models.FileField(upload_to="packets/%Y/%m/")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["packet", "path"], name="packet_file_path_unique"),
        ]

    def __str__(self) -> str:
        return self.path


class RequirementMet(models.Model):
    """When a requirement was first seen met: the watermark of the "newly met" reminder, never
    shown as progress (progress is computed on read)."""

    pursuit = models.ForeignKey(Pursuit, on_delete=models.CASCADE, related_name="+")
    slot_key = models.SlugField(max_length=80)
    met_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pursuit", "slot_key"], name="requirement_met_once"),
        ]

    def __str__(self) -> str:
        return f"{self.slot_key} met at {self.met_at:%Y-%m-%d}"
