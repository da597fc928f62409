"""Answering a survey, once, anonymously, with a receipt; opening the answers after the close.

What happens in the one transaction of `response_submit`:

1. The administration row is locked: submissions to one survey run one at a time, so two
   phones of the same person (or a double tap) cannot both get through.
2. The participation side: the person's `Invitee.has_responded` flips to true (a conditional
   UPDATE that only one transaction can win). No time is stored.
3. The response side: the validated answers are serialized and **sealed** (`sealing.py`) into a
   `SealedResponse` that names no one; the receipt code's hash goes into `Receipt`, a set of
   its own. Nothing readable about the answers is written while the survey is open, so a
   poller, the WAL or a backup sees a sealed row arrive with a flip and learns nothing from it.
4. The person's pending reminders are deleted (a cancelled row would carry the time), and a
   live count (a number only) is broadcast after commit.

`responses_open` runs once per survey after its close (from the reminder worker's loop, from
`manage.py open_survey_responses`, and lazily before any report or comparison reads the
answers): it decrypts all sealed rows, shuffles them, and in one transaction deletes them and
writes plain `Response`/`Answer` rows under fresh random ids. A cancelled survey's sealed rows
are deleted unread.

The receipt code is random, returned once, and only its SHA-256 is stored: the respondent can
later check that their response was counted; the hash leads to nothing else.
Drafts are kept on the phone, never on the server, where they would sit next to a person.
"""

import hashlib
import json
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from backend.live import RESPONSE_COUNT, broadcast, survey_group
from notifications.outbox import forget
from surveys.errors import SurveyError

from .. import sealing
from ..models import (
    AccessCode,
    Administration,
    Answer,
    AudienceKind,
    Invitee,
    Item,
    ItemFormat,
    Receipt,
    Response,
    SealedResponse,
)
from .administrations import reminder_key

logger = logging.getLogger(__name__)

RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read off a phone
RECEIPT_GROUPS = 4
RECEIPT_GROUP_LENGTH = 4  # 16 symbols of 31: about 79 bits, far beyond guessing
MAX_TEXT = 4000


@dataclass(frozen=True)
class AnswerDraft:
    """One answer as the phone sends it: a scale value for scaled items, text for open ones."""

    item_id: int
    value: int | None = None
    text: str | None = None


def _new_receipt_code() -> str:
    symbols = "".join(
        secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_GROUPS * RECEIPT_GROUP_LENGTH)
    )
    return "-".join(
        symbols[i : i + RECEIPT_GROUP_LENGTH] for i in range(0, len(symbols), RECEIPT_GROUP_LENGTH)
    )


def normalise_receipt_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def hash_receipt_code(code: str) -> str:
    return hashlib.sha256(normalise_receipt_code(code).encode()).hexdigest()


def validated_answers(administration: Administration, drafts: list[AnswerDraft]) -> list[Answer]:
    items = {
        item.pk: item
        for item in Item.objects.filter(instrument_id=administration.instrument_id)
        .select_related("scale")
        .prefetch_related("scale__points")
    }
    errors: dict[str, ValidationError] = {}
    answers: list[Answer] = []
    seen: set[int] = set()
    for index, draft in enumerate(drafts):
        path = f"answers.{index}"
        item = items.get(draft.item_id)
        if item is None:
            errors[f"{path}.item_id"] = ValidationError(
                "This question is not part of this survey.", code=SurveyError.NOT_FOUND
            )
            continue
        if item.pk in seen:
            errors[f"{path}.item_id"] = ValidationError(
                "This question is answered twice.", code=SurveyError.DUPLICATE_ANSWER
            )
            continue
        seen.add(item.pk)
        text = (draft.text or "").strip()
        if item.format == ItemFormat.SCALE:
            if text:
                errors[f"{path}.text"] = ValidationError(
                    "Choose a point on the scale for this question.",
                    code=SurveyError.INVALID_ANSWER,
                )
                continue
            if draft.value is None:
                continue  # skipped: unanswered items are simply absent
            assert item.scale is not None  # a SCALE item has one (item_scale_matches_format)
            if draft.value not in {point.value for point in item.scale.points.all()}:
                errors[f"{path}.value"] = ValidationError(
                    "This is not a point of the question's scale.", code=SurveyError.INVALID_ANSWER
                )
                continue
            answers.append(Answer(item=item, value=draft.value))
        else:
            if draft.value is not None:
                errors[f"{path}.value"] = ValidationError(
                    "Answer this question in words.", code=SurveyError.INVALID_ANSWER
                )
                continue
            if len(text) > MAX_TEXT:
                errors[f"{path}.text"] = ValidationError(
                    f"Keep it under {MAX_TEXT} characters.", code=SurveyError.TOO_LONG
                )
                continue
            if text:
                answers.append(Answer(item=item, text=text))
    if errors:
        raise ValidationError(errors)
    if not answers:
        raise ValidationError("Answer at least one question.", code=SurveyError.EMPTY_RESPONSE)
    return answers


@transaction.atomic
def response_submit(
    *,
    respondent,
    administration: Administration,
    answers: list[AnswerDraft],
    now: datetime | None = None,
) -> str:
    """Record `respondent`'s answers anonymously (sealed until the close); returns the receipt
    code (shown once)."""
    now = now or timezone.now()
    administration = Administration.objects.select_for_update().get(pk=administration.pk)
    if administration.cancelled_at is not None:
        raise ValidationError("This survey was cancelled.", code=SurveyError.CANCELLED)
    invitee = Invitee.objects.filter(administration=administration, person=respondent).first()
    if invitee is None:
        raise ValidationError("You were not invited to this survey.", code=SurveyError.NOT_INVITED)
    if now < administration.opens_at:
        raise ValidationError("This survey has not opened yet.", code=SurveyError.NOT_OPEN_YET)
    # Once opened, a late sealed row would be left out of the report or name its author alone.
    if now >= administration.closes_at or administration.responses_opened_at is not None:
        raise ValidationError("This survey has closed.", code=SurveyError.CLOSED)
    if invitee.has_responded:
        raise ValidationError(
            "You have already answered this survey.", code=SurveyError.ALREADY_RESPONDED
        )
    new_answers = validated_answers(administration, answers)

    # Only one transaction can flip the flag; a concurrent duplicate sees 0 rows updated.
    flipped = Invitee.objects.filter(pk=invitee.pk, has_responded=False).update(has_responded=True)
    if flipped != 1:
        raise ValidationError(
            "You have already answered this survey.", code=SurveyError.ALREADY_RESPONDED
        )

    seal_response(administration, new_answers)
    code = _new_receipt_code()
    Receipt.objects.create(administration=administration, digest=hash_receipt_code(code))

    # Their pending reminders (opening, closing) are deleted, not marked cancelled: a cancelled
    # row's updated_at would record the minute they answered.
    forget(key_prefix=reminder_key(administration.pk, respondent.pk, ""))
    counts = response_counts(administration)
    broadcast(
        survey_group(administration.pk),
        RESPONSE_COUNT,
        {"administration_id": administration.pk, **counts},
    )
    return code


# --- sealed payloads --------------------------------------------------------------------------


def seal_response(administration: Administration, answers: list[Answer]) -> None:
    """Write validated answers sealed, under a random key, with no person and no time."""
    key_id, ciphertext = sealing.seal(
        _serialized(answers), size=sealed_size(administration.instrument_id)
    )
    SealedResponse.objects.create(
        administration=administration, key_id=key_id, ciphertext=ciphertext
    )


# JSON escapes a character in at most 6 bytes (\u001f); an answer's brackets, item id, value
# and separators take well under 64.
_ANSWER_OVERHEAD = 64
_MAX_TEXT_BYTES = 6 * MAX_TEXT


def _serialized(answers: list[Answer]) -> bytes:
    rows = [[answer.item_id, answer.value, answer.text or ""] for answer in answers]
    # Raw UTF-8 (at most 4 bytes a character), escapes at most 6; a lone surrogate passes.
    text = json.dumps(rows, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8", "surrogatepass")


def sealed_size(instrument_id: int) -> int:
    """The padded payload size of every sealed response of an instrument: what its largest
    valid submission (every question answered, every comment at the limit) can take."""
    formats = Item.objects.filter(instrument_id=instrument_id).values_list("format", flat=True)
    return 2 + sum(
        _ANSWER_OVERHEAD + (_MAX_TEXT_BYTES if item_format == ItemFormat.OPEN_TEXT else 0)
        for item_format in formats
    )


def _deserialized(payload: bytes) -> list[tuple[int, int | None, str]]:
    return [
        (int(item_id), value, text)
        for item_id, value, text in json.loads(payload.decode("utf-8", "surrogatepass"))
    ]


# --- opening after the close ------------------------------------------------------------------


def responses_open(*, administration: Administration, now: datetime | None = None) -> int:
    """Open a closed (or cancelled) survey's sealed responses into plain ones, once.

    Idempotent and safe to race: the administration row is locked and its
    `responses_opened_at` checked under the lock. Returns how many responses were written
    (0 when there was nothing to do). Everything happens in one transaction: the sealed rows
    are deleted and the plain ones written in a random order, with fresh random ids, so the
    WAL record of the opening says nothing about which sealed row became which response."""
    now = now or timezone.now()
    if administration.responses_opened_at is not None:
        return 0
    if administration.cancelled_at is None and now < administration.closes_at:
        return 0
    with transaction.atomic():
        locked = Administration.objects.select_for_update().get(pk=administration.pk)
        if locked.responses_opened_at is not None:
            administration.responses_opened_at = locked.responses_opened_at
            return 0
        if locked.cancelled_at is None and now < locked.closes_at:
            return 0
        written = 0
        if locked.cancelled_at is not None:
            SealedResponse.objects.filter(administration=locked).delete()
        else:
            written = _write_plain(locked)
        locked.responses_opened_at = now
        locked.save(update_fields=["responses_opened_at"])
    administration.responses_opened_at = now
    return written


def _write_plain(administration: Administration) -> int:
    shuffle = secrets.SystemRandom().shuffle
    sealed = list(
        SealedResponse.objects.filter(administration=administration).values_list(
            "key_id", "ciphertext"
        )
    )
    # A BinaryField may read back as a memoryview (the driver's choice); unseal wants bytes.
    payloads = [sealing.unseal(key_id, bytes(ciphertext)) for key_id, ciphertext in sealed]
    del sealed
    shuffle(payloads)
    responses, answers = [], []
    for payload in payloads:
        response = Response(administration=administration)
        responses.append(response)
        for item_id, value, text in _deserialized(payload):
            answers.append(Answer(response=response, item_id=item_id, value=value, text=text))
    shuffle(answers)
    # The sealed rows go first, in one statement, then the plain ones in their new order.
    SealedResponse.objects.filter(administration=administration).delete()
    Response.objects.bulk_create(responses)
    Answer.objects.bulk_create(answers)
    return len(responses)


def responses_open_due(*, now: datetime | None = None) -> int:
    """Open every closed or cancelled survey whose responses are still sealed; returns how
    many surveys were opened. The reminder worker calls it now and then."""
    now = now or timezone.now()
    due = Administration.objects.filter(responses_opened_at__isnull=True).filter(
        Q(closes_at__lte=now) | Q(cancelled_at__isnull=False)
    )
    opened = 0
    for administration in due.only("pk", "closes_at", "cancelled_at", "responses_opened_at"):
        try:
            responses_open(administration=administration, now=now)
        except ImproperlyConfigured:
            # Left sealed, not lost: it opens once its key is configured.
            logger.exception("Survey %s cannot be opened", administration.pk)
            continue
        opened += 1
    return opened


def response_counts(administration: Administration) -> dict:
    """How many were invited and how many responded (the participation side only). For a
    class survey: the class's size and the codes spent."""
    if administration.audience == AudienceKind.CLASS_CODES:
        spent = AccessCode.objects.filter(administration=administration, used=True).count()
        return {"invited_count": administration.class_size or 0, "responded_count": spent}
    counts = Invitee.objects.filter(administration=administration).aggregate(
        invited=Count("id"), responded=Count("id", filter=Q(has_responded=True))
    )
    return {"invited_count": counts["invited"], "responded_count": counts["responded"]}


def receipt_is_counted(*, administration: Administration, code: str) -> bool:
    """Whether a response with this receipt is among the survey's responses. Says nothing
    about what it contains: the receipt's hash is in a set of its own that leads to no
    response, so a receipt shown to someone else cannot be used to expose, or to coerce, an
    answer."""
    if not normalise_receipt_code(code):
        return False
    return Receipt.objects.filter(
        administration=administration, digest=hash_receipt_code(code)
    ).exists()
