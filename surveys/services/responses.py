"""Answering a survey, once, anonymously, with a receipt.

What happens in the one transaction of `response_submit`:

1. The administration row is locked: submissions to one survey run one at a time, so two
   phones of the same person (or a double tap) cannot both get through.
2. The participation side: the person's `Invitee.has_responded` flips to true (a conditional
   UPDATE that only one transaction can win). No time is stored.
3. The response side: the new answers are added to the administration's responses and **all of
   them are rewritten in a fresh random order** with their random UUIDs. Afterwards every live
   response row of the survey was written by this same transaction, so the table's order
   (SQLite rowid, PostgreSQL ctid) and PostgreSQL's `xmin` no longer say which response came
   when, and cannot be matched against the order in which people responded (which the
   participation side and access logs do reveal).
4. The person's pending reminders are deleted (a cancelled row would carry the time), and a
   live count (a number only) is broadcast after commit.

The receipt code is random, returned once, and only its SHA-256 is stored on the response: the
respondent can later check that their response was counted; nobody can find out whose it is.
Drafts are kept on the phone, never on the server, where they would sit next to a person.
"""

import hashlib
import random
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from backend.graphql.events import broadcast
from notifications.outbox import forget

from ..models import Administration, Answer, Invitee, Item, ItemFormat, Response
from .administrations import reminder_key

RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read off a phone
RECEIPT_GROUPS = 4
RECEIPT_GROUP_LENGTH = 4  # 16 symbols of 31: about 79 bits, far beyond guessing
MAX_TEXT = 4000


def survey_group(administration_id: int) -> str:
    return f"survey.{administration_id}"


RESPONSE_COUNT_EVENT = "response_count"


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


def _validated_answers(administration: Administration, drafts: list[AnswerDraft]) -> list[Answer]:
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
                "This question is not part of this survey.", code="NOT_FOUND"
            )
            continue
        if item.pk in seen:
            errors[f"{path}.item_id"] = ValidationError(
                "This question is answered twice.", code="DUPLICATE_ANSWER"
            )
            continue
        seen.add(item.pk)
        text = (draft.text or "").strip()
        if item.format == ItemFormat.SCALE:
            if text:
                errors[f"{path}.text"] = ValidationError(
                    "Choose a point on the scale for this question.", code="INVALID_ANSWER"
                )
                continue
            if draft.value is None:
                continue  # skipped: unanswered items are simply absent
            if draft.value not in {point.value for point in item.scale.points.all()}:
                errors[f"{path}.value"] = ValidationError(
                    "This is not a point of the question's scale.", code="INVALID_ANSWER"
                )
                continue
            answers.append(Answer(item=item, value=draft.value))
        else:
            if draft.value is not None:
                errors[f"{path}.value"] = ValidationError(
                    "Answer this question in words.", code="INVALID_ANSWER"
                )
                continue
            if len(text) > MAX_TEXT:
                errors[f"{path}.text"] = ValidationError(
                    f"Keep it under {MAX_TEXT} characters.", code="TOO_LONG"
                )
                continue
            if text:
                answers.append(Answer(item=item, text=text))
    if errors:
        raise ValidationError(errors)
    if not answers:
        raise ValidationError("Answer at least one question.", code="EMPTY_RESPONSE")
    return answers


@transaction.atomic
def response_submit(
    *,
    respondent,
    administration: Administration,
    answers: list[AnswerDraft],
    now: datetime | None = None,
    rng: random.Random | None = None,
) -> str:
    """Record `respondent`'s answers anonymously; returns the receipt code (shown once)."""
    now = now or timezone.now()
    rng = rng or random.SystemRandom()
    administration = Administration.objects.select_for_update().get(pk=administration.pk)
    if administration.cancelled_at is not None:
        raise ValidationError("This survey was cancelled.", code="CANCELLED")
    invitee = Invitee.objects.filter(administration=administration, person=respondent).first()
    if invitee is None:
        raise ValidationError("You were not invited to this survey.", code="NOT_INVITED")
    if now < administration.opens_at:
        raise ValidationError("This survey has not opened yet.", code="NOT_OPEN_YET")
    if now >= administration.closes_at:
        raise ValidationError("This survey has closed.", code="CLOSED")
    if invitee.has_responded:
        raise ValidationError("You have already answered this survey.", code="ALREADY_RESPONDED")
    new_answers = _validated_answers(administration, answers)

    # Only one transaction can flip the flag; a concurrent duplicate sees 0 rows updated.
    flipped = Invitee.objects.filter(pk=invitee.pk, has_responded=False).update(has_responded=True)
    if flipped != 1:
        raise ValidationError("You have already answered this survey.", code="ALREADY_RESPONDED")

    code = _new_receipt_code()
    response = Response(administration=administration, receipt_hash=hash_receipt_code(code))
    for answer in new_answers:
        answer.response = response
    _rewrite_shuffled(administration, response, new_answers, rng=rng)

    # Their pending reminders (opening, closing) are deleted, not marked cancelled: a cancelled
    # row's updated_at would record the minute they answered.
    forget(key_prefix=reminder_key(administration.pk, respondent.pk, ""))
    counts = response_counts(administration)
    broadcast(
        survey_group(administration.pk),
        RESPONSE_COUNT_EVENT,
        {"administration_id": administration.pk, **counts},
    )
    return code


def _rewrite_shuffled(
    administration: Administration,
    response: Response,
    answers: list[Answer],
    *,
    rng: random.Random,
) -> None:
    """Delete the survey's responses and write them back, with the new one, in random order.

    Costs O(responses x items) rows per submission: a few hundred to a few thousand for a
    cohort, written in two bulk inserts."""
    responses = [
        Response(id=row["id"], administration=administration, receipt_hash=row["receipt_hash"])
        for row in Response.objects.filter(administration=administration).values(
            "id", "receipt_hash"
        )
    ]
    stored_answers = [
        Answer(**row)
        for row in Answer.objects.filter(response__administration=administration).values(
            "id", "response_id", "item_id", "value", "text"
        )
    ]
    Answer.objects.filter(response__administration=administration).delete()
    Response.objects.filter(administration=administration).delete()
    responses.append(response)
    rng.shuffle(responses)
    Response.objects.bulk_create(responses)
    all_answers = stored_answers + answers
    rng.shuffle(all_answers)
    Answer.objects.bulk_create(all_answers)


def response_counts(administration: Administration) -> dict:
    """How many were invited and how many responded (the participation side only)."""
    counts = Invitee.objects.filter(administration=administration).aggregate(
        invited=Count("id"), responded=Count("id", filter=Q(has_responded=True))
    )
    return {"invited_count": counts["invited"], "responded_count": counts["responded"]}


def receipt_is_counted(*, administration: Administration, code: str) -> bool:
    """Whether a response with this receipt is among the survey's responses. Says nothing
    about what it contains: a receipt shown to someone else cannot be used to expose, or to
    coerce, an answer."""
    if not normalise_receipt_code(code):
        return False
    return Response.objects.filter(
        administration=administration, receipt_hash=hash_receipt_code(code)
    ).exists()
