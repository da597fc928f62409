"""Questions colleagues ask about a library entry, and the owner's answers (design §3).

A teacher in the entry's scope (not its owner) asks; the owner is pushed IMPROVEMENT_QUESTION
through the outbox in the same transaction. The owner answers (one answer per question;
answering again revises it) and the asker is pushed IMPROVEMENT_ANSWER; answers are for live
entries only (after unpublishing, the asker no longer reads the entry). An entry the asker
cannot see (out of scope, unpublished, none) is NOT_FOUND, like one that does not exist.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from graphql_relay import to_global_id

from notifications import outbox
from notifications.models import Kind

from .. import selectors_library
from ..errors import ImprovementError as Codes
from ..models import LibraryAnswer, LibraryEntry, LibraryQuestion
from .common import required_text

QUESTION_LIMIT = 2000
ANSWER_LIMIT = 4000
QUESTIONS_PER_ENTRY = 200
"""A thread longer than this is a meeting, not a question (and the list stays bounded)."""


def _excerpt(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@transaction.atomic
def library_question_ask(*, actor, entry: LibraryEntry | None, text: str) -> LibraryQuestion:
    """Ask the owner of a live entry in your scope a question.
    Refusals: NOT_FOUND (no such entry, unpublished, outside your scope), NOT_ALLOWED (your
    own entry), REQUIRED, INVALID."""
    live = selectors_library.entries_visible_to(actor).filter(unpublished_at__isnull=True)
    # Visible, live and not the asker's own: in the asker's scope (selectors_library.in_scope).
    visible = live.filter(pk=entry.pk).first() if entry is not None else None
    if visible is None:
        raise ValidationError(
            {
                "library_entry_id": ValidationError(
                    "No LibraryEntry with this id.", code=Codes.NOT_FOUND
                )
            }
        )
    if visible.owner_id == actor.pk:
        raise ValidationError(
            {
                "library_entry_id": ValidationError(
                    "This is your own entry: colleagues ask, you answer.", code=Codes.NOT_ALLOWED
                )
            }
        )
    body = required_text(text, "text", "your question", QUESTION_LIMIT)
    # Lock the entry: an unpublish racing this question waits, and the count below holds.
    LibraryEntry.objects.select_for_update().filter(pk=visible.pk).first()
    if LibraryQuestion.objects.filter(entry=visible).count() >= QUESTIONS_PER_ENTRY:
        raise ValidationError(
            {
                "library_entry_id": ValidationError(
                    f"This entry has {QUESTIONS_PER_ENTRY} questions already.", code=Codes.INVALID
                )
            }
        )
    question = LibraryQuestion.objects.create(
        entry=visible, asker=actor, text=body, asked_at=timezone.now()
    )
    outbox.schedule(
        recipient=visible.owner,
        kind=Kind.IMPROVEMENT_QUESTION,
        key=f"improvement:question:{question.pk}",
        due_at=None,
        title="A colleague asks about your shared change",
        body=f"{actor.full_name}: {_excerpt(body)}",
        target_type="LibraryEntry",
        target_id=to_global_id("LibraryEntry", visible.pk),
    )
    return question


@transaction.atomic
def library_question_answer(*, actor, question: LibraryQuestion | None, text: str) -> LibraryAnswer:
    """Answer a question about your live entry (again: revise the answer).
    Refusals: NOT_FOUND (no such question, or not on your entry), NOT_ALLOWED (the entry is
    unpublished), REQUIRED, INVALID."""
    if question is None or question.entry.owner_id != actor.pk:
        raise ValidationError(
            {
                "library_question_id": ValidationError(
                    "No LibraryQuestion with this id.", code=Codes.NOT_FOUND
                )
            }
        )
    # Read again under a lock: an unpublish racing this answer is seen, or waits.
    entry = LibraryEntry.objects.select_for_update().get(pk=question.entry_id)
    if entry.unpublished_at is not None:
        # The asker no longer reads the entry: an answer now would reach them out of scope.
        raise ValidationError(
            {
                "library_question_id": ValidationError(
                    "The entry is unpublished: publish the cycle again to go on answering.",
                    code=Codes.NOT_ALLOWED,
                )
            }
        )
    body = required_text(text, "text", "your answer", ANSWER_LIMIT)
    now = timezone.now()
    answer, _created = LibraryAnswer.objects.update_or_create(
        question=question, defaults={"text": body, "answered_at": now}
    )
    outbox.schedule(
        recipient=question.asker,
        kind=Kind.IMPROVEMENT_ANSWER,
        key=f"improvement:answer:{question.pk}",
        due_at=None,
        title="Your question was answered",
        body=f"{actor.full_name}: {_excerpt(body)}",
        target_type="LibraryEntry",
        target_id=to_global_id("LibraryEntry", question.entry_id),
    )
    return answer
