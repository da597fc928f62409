"""Student Learning Questions: written by the host (usually with a visiting peer), kept from
one cycle to the next or replaced by a new one."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from observations.errors import ObservationError

from ..models import StudentLearningQuestion
from .common import clean_text, ensure_teacher, now_or

MAX_AREA = 200
MAX_QUESTION = 1000
UNSET = object()


def _check_peer(actor, crafted_with) -> None:
    if crafted_with is not None and crafted_with.pk == actor.pk:
        raise ValidationError(
            {
                "craftedWithId": ValidationError(
                    "Name the peer who helped, not yourself.", code=ObservationError.INVALID
                )
            }
        )


def _require_own(actor, slq: StudentLearningQuestion, field: str) -> None:
    if slq.host_id != actor.pk:
        raise ValidationError(
            {
                field: ValidationError(
                    "Only the host teacher can change their Student Learning Question.",
                    code=ObservationError.NOT_SLQ_HOST,
                )
            }
        )


@transaction.atomic
def slq_create(
    *,
    actor,
    area_of_focus: str,
    question: str,
    crafted_with=None,
    replaces: StudentLearningQuestion | None = None,
    now: datetime | None = None,
) -> StudentLearningQuestion:
    """Write a new SLQ for your class; `replaces` retires the one it replaces."""
    now = now_or(now)
    ensure_teacher(actor)
    area_of_focus = clean_text(
        area_of_focus, field="areaOfFocus", max_length=MAX_AREA, required=True
    )
    question = clean_text(question, field="question", max_length=MAX_QUESTION, required=True)
    _check_peer(actor, crafted_with)
    if replaces is not None:
        _require_own(actor, replaces, "replacesId")
        replaces = StudentLearningQuestion.objects.select_for_update().get(pk=replaces.pk)
        if StudentLearningQuestion.objects.filter(replaces=replaces).exists():
            raise ValidationError(
                {
                    "replacesId": ValidationError(
                        "This question was already replaced.",
                        code=ObservationError.ALREADY_REPLACED,
                    )
                }
            )
        if replaces.retired_at is None:
            replaces.retired_at = now
            replaces.save(update_fields=["retired_at", "updated_at"])
    return StudentLearningQuestion.objects.create(
        host=actor,
        area_of_focus=area_of_focus,
        question=question,
        crafted_with=crafted_with,
        replaces=replaces,
        created_at=now,
    )


@transaction.atomic
def slq_update(
    *, actor, slq: StudentLearningQuestion, area_of_focus=None, question=None, crafted_with=UNSET
) -> StudentLearningQuestion:
    """Edit the wording. Reflection sheets keep the wording they were written with."""
    _require_own(actor, slq, "slqId")
    slq = StudentLearningQuestion.objects.select_for_update().get(pk=slq.pk)
    if area_of_focus is not None:
        slq.area_of_focus = clean_text(
            area_of_focus, field="areaOfFocus", max_length=MAX_AREA, required=True
        )
    if question is not None:
        slq.question = clean_text(
            question, field="question", max_length=MAX_QUESTION, required=True
        )
    if crafted_with is not UNSET:
        _check_peer(actor, crafted_with)
        slq.crafted_with = crafted_with
    slq.save()
    return slq
