"""Surveys: instruments, administrations, and anonymous responses.

Two sides that must never meet:

- the **participation side** says *who* was invited and *whether* they responded
  (`Invitee`, one row per invited person, with a boolean and no time);
- the **response side** says *what* was answered.

While a survey is open, what was answered exists only **sealed** (`SealedResponse`): encrypted
to the public half of the survey sealing key, whose private half is configuration, never in the
database (see `sealing.py`), padded so every sealed row of an instrument has the same length,
under a random id, with no person and no time. Submitting writes the sealed row, the receipt's
hash (`Receipt`, a set of hashes of its own that points at nothing but the survey) and the
invitee's flip in one transaction. When the survey closes, `services.responses.responses_open`
decrypts all of its sealed rows at once, shuffles them, and in **one** transaction deletes them
and writes plain `Response`/`Answer` rows under fresh random ids; reports exist only after that.

What this withstands: someone who can read the database, its WAL and its backups (raw heap
pages, `xmin`, `ctid`, pg_walinspect, two backups to diff), at any moment. While the survey is
open they can see which sealed row arrived with which invitee's flip, but cannot read it; after
the opening every plain row was written by the same transaction in a random order under keys
never seen before, so nothing ties one to a sealed row or to a flip. The receipt's hash leads to
its own row only: it proves "counted", nothing else.

What it does not withstand: someone holding **both** the database (or its WAL or backups from
while the survey was open) **and** the private sealing key can decrypt each sealed row and, by
the transaction that wrote it, name its respondent: for responses still sealed, and for every
response of a survey whose sealed rows they can still find in WAL archives or backups. Keep the
key out of the database's host, its backups and its WAL archive. The application servers hold
the key (they open surveys), so whoever controls a running server while a survey is open can
read its responses as they arrive. And the opening step itself knows each sealed row's plain
content in memory: do not add error trackers that capture local variables there or around
`response_submit`, nor statement logging (`log_statement`, pgaudit) on these tables.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from backend.accounts.models import School

# The most students a class survey is for (codes are made for each, and a few spares).
MAX_CLASS_SIZE = 60


class InstrumentKind(models.TextChoices):
    """What an instrument is for; the shipped library's kinds plus leaders' own."""

    TRUST_CULTURE = "TRUST_CULTURE", "Trust and learning culture"
    CONFIDENCE = "CONFIDENCE", "Confidence"
    PEER_FEEDBACK = "PEER_FEEDBACK", "Peer feedback"
    SESSION_FEEDBACK = "SESSION_FEEDBACK", "Session feedback"
    STUDENT_VOICE = "STUDENT_VOICE", "Student voice: a class's experience, answered by students"
    CUSTOM = "CUSTOM", "Built by a leader"


class ItemFormat(models.TextChoices):
    SCALE = "SCALE", "Answered on a response scale"
    OPEN_TEXT = "OPEN_TEXT", "Answered in the respondent's own words"


class AdministrationKind(models.TextChoices):
    BASELINE = "BASELINE", "Baseline"
    SIX_MONTH = "SIX_MONTH", "Six-month follow-up"
    END_OF_YEAR = "END_OF_YEAR", "End of year"
    PEER_FEEDBACK = "PEER_FEEDBACK", "Peer feedback"
    SESSION_FEEDBACK = "SESSION_FEEDBACK", "Session feedback"
    STUDENT_VOICE = "STUDENT_VOICE", "Student voice (a class survey)"
    OTHER = "OTHER", "Other"


class AudienceKind(models.TextChoices):
    """Who an administration goes to. Only the programme's own groups, taken whole, or (for peer
    feedback) peers the launcher visited: an audience is never composed person by person."""

    COHORT_PEERS = "COHORT_PEERS", "The cohort's current peers (the group of 13 but its leader)"
    GROUP_OF_FIVE = (
        "GROUP_OF_FIVE",
        "The cohort's current blue dots (the group of 5 but its leader)",
    )
    VISITED_PEERS = "VISITED_PEERS", "Chosen peers whose classes the launcher visited"
    SESSION_ATTENDEES = "SESSION_ATTENDEES", "The peers present at a meeting of the cohort"
    CLASS_CODES = (
        "CLASS_CODES",
        "A teacher's class: students without accounts, each with a single-use code",
    )


class ResponseScale(models.Model):
    """An ordered set of labelled points (agreement, frequency, confidence)."""

    key = models.SlugField(max_length=64, unique=True)
    title = models.CharField(max_length=120)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class ScalePoint(models.Model):
    scale = models.ForeignKey(ResponseScale, on_delete=models.CASCADE, related_name="points")
    value = models.SmallIntegerField(help_text="What is stored and averaged.")
    label = models.CharField(max_length=80)

    class Meta:
        ordering = ["scale_id", "value"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "value"], name="scale_point_value_unique")
        ]

    def __str__(self) -> str:
        return f"{self.value} {self.label}"


class Instrument(models.Model):
    """A survey: constructs of scaled items, then open-text questions.

    Shipped instruments have a `key` and no school; a leader's own belong to their school.
    An instrument is never edited once created, so every administration of it asked the same
    questions (the shipped ones change only with a new `version`)."""

    key = models.SlugField(max_length=64, unique=True, null=True, blank=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=20, choices=InstrumentKind.choices)
    version = models.PositiveSmallIntegerField(default=1)
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.CASCADE, related_name="survey_instruments"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(key__isnull=False) | Q(school__isnull=False),
                name="instrument_shipped_or_owned",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_shipped(self) -> bool:
        return self.school_id is None


class Construct(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="constructs")
    key = models.SlugField(max_length=64)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["instrument_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "key"], name="construct_key_unique")
        ]

    def __str__(self) -> str:
        return self.title


class Item(models.Model):
    """A question. Scaled items belong to a construct; open-text items to none."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="items")
    construct = models.ForeignKey(
        Construct, null=True, blank=True, on_delete=models.CASCADE, related_name="items"
    )
    key = models.SlugField(max_length=64)
    prompt = models.TextField()
    format = models.CharField(max_length=10, choices=ItemFormat.choices)
    scale = models.ForeignKey(
        ResponseScale, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reverse_scored = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["instrument_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "key"], name="item_key_unique"),
            models.CheckConstraint(
                condition=(
                    Q(format="SCALE", scale__isnull=False, construct__isnull=False)
                    | Q(format="OPEN_TEXT", scale__isnull=True, reverse_scored=False)
                ),
                name="item_scale_matches_format",
            ),
        ]

    def __str__(self) -> str:
        return self.key


class Administration(models.Model):
    """An instrument sent to an audience for a window of time."""

    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="administrations"
    )
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    # Referenced by name: the cohorts app is another team's and only read here. A survey's
    # history outlives its cohort (it keeps its school and the leader who launched it).
    cohort = models.ForeignKey(
        "cohorts.Cohort",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_administrations",
    )
    kind = models.CharField(max_length=20, choices=AdministrationKind.choices)
    # Null: launched before audiences were typed (issue #18), to a list of people.
    audience = models.CharField(max_length=20, choices=AudienceKind.choices, null=True, blank=True)  # noqa: DJ001 (null = untyped legacy list, not a value)
    # A six-month follow-up takes its whole group again as it stands when it opens; this says
    # when that was done (null: not yet, or not a follow-up).
    group_taken_at = models.DateTimeField(null=True, blank=True)
    title = models.CharField(max_length=200)
    # Only for a class's students (CLASS_CODES): how many the teacher says the class holds.
    # The report's "most of the class" is read against it; no student is stored anywhere.
    class_size = models.PositiveSmallIntegerField(null=True, blank=True)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    follows = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="follow_ups"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # When the sealed responses were opened into plain ones (after the close): set once, by
    # services.responses.responses_open, which no submission may pass afterwards.
    responses_opened_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="administration_window"
            ),
            # A class survey says how many students the class has; no other survey does.
            models.CheckConstraint(
                condition=(
                    Q(
                        audience="CLASS_CODES",
                        class_size__isnull=False,
                        class_size__gte=1,
                        class_size__lte=MAX_CLASS_SIZE,
                    )
                    | (~Q(audience="CLASS_CODES") | Q(audience__isnull=True))
                    & Q(class_size__isnull=True)
                ),
                name="administration_class_size",
            ),
        ]
        indexes = [models.Index(fields=["school", "opens_at"])]

    def __str__(self) -> str:
        return self.title

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.cancelled_at is None and self.opens_at <= now < self.closes_at

    def is_closed(self, now=None) -> bool:
        now = now or timezone.now()
        return self.cancelled_at is None and now >= self.closes_at


class AccessCode(models.Model):
    """A single-use code that lets one student of a class answer its survey without an account.

    Only an HMAC of the code is kept (`surveys.access_codes`), so a copy of the database cannot
    replay codes. **No time, no device, no reference to a response:** a used code says only
    that one of the class answered, and the answer went into the sealed holding table in the
    same transaction under a random key, like a teacher's (`services.responses`)."""

    administration = models.ForeignKey(
        Administration, on_delete=models.CASCADE, related_name="access_codes"
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    used = models.BooleanField(default=False)

    class Meta:
        ordering = ["administration_id", "digest"]  # never the order they were made in

    def __str__(self) -> str:
        return "Access code"


class Invitee(models.Model):
    """The participation side: a person invited, and whether they have responded.

    Deliberately no timestamp and no reference to their response: `has_responded` is the
    only trace of answering, and the leader may see it (to remind), never what was answered."""

    administration = models.ForeignKey(
        Administration, on_delete=models.CASCADE, related_name="invitees"
    )
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    has_responded = models.BooleanField(default=False)

    class Meta:
        ordering = ["administration_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["administration", "person"], name="one_invitation_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} invited to {self.administration_id}"


class SealedResponse(models.Model):
    """One response while its survey is open: its answers, sealed (see `sealing.py`).

    Random key, no person, no time, no receipt; `key_id` names the public key it was sealed to
    and is the same for every row sealed under one key. Deleted when the survey is opened or
    cancelled."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    administration = models.ForeignKey(
        Administration, on_delete=models.CASCADE, related_name="sealed_responses"
    )
    key_id = models.CharField(max_length=16, editable=False)
    ciphertext = models.BinaryField(editable=False)

    def __str__(self) -> str:
        return "Sealed response"


class Receipt(models.Model):
    """The SHA-256 of a receipt code only the respondent's phone was given, in a set of its own:
    it proves a response to this survey was counted and leads nowhere else (no response, no
    answer, no person refers to it or is referred to by it)."""

    digest = models.CharField(primary_key=True, max_length=64, editable=False)
    administration = models.ForeignKey(
        Administration, on_delete=models.CASCADE, related_name="receipts"
    )

    def __str__(self) -> str:
        return "Receipt"


class Response(models.Model):
    """The response side after the close: one anonymous set of answers.

    Random UUID key, no person, no time, no receipt. Written only by the opening step, all of a
    survey's at once, in a random order."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    administration = models.ForeignKey(
        Administration, on_delete=models.CASCADE, related_name="responses"
    )

    class Meta:
        # By the random key: any listing is in an order that means nothing.
        ordering = ["id"]

    def __str__(self) -> str:
        return "Anonymous response"


class Answer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    value = models.SmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True, max_length=4000)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="one_answer_per_item"),
            models.CheckConstraint(
                condition=Q(value__isnull=False) | ~Q(text=""), name="answer_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return "Anonymous answer"


class ReportNote(models.Model):
    """Trends and themes the team sees in a report (the micro-credential asks for them)."""

    administration = models.ForeignKey(
        Administration, on_delete=models.CASCADE, related_name="report_notes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=4000)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["administration_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"Note on {self.administration_id}"
