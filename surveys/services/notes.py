"""Notes on a report: the trends and themes the team sees (asked for by the micro-credential)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from surveys.errors import SurveyError

from ..models import Administration, ReportNote
from ..selectors import can_manage

MAX_NOTE = 4000


def _clean(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(
            {"text": ValidationError("Write the note.", code=SurveyError.REQUIRED)}
        )
    if len(text) > MAX_NOTE:
        raise ValidationError(
            {
                "text": ValidationError(
                    f"Keep it under {MAX_NOTE} characters.", code=SurveyError.TOO_LONG
                )
            }
        )
    return text


@transaction.atomic
def report_note_add(*, actor, administration: Administration, text: str) -> ReportNote:
    if not can_manage(actor, administration):
        raise PermissionDenied("Only the survey's leader writes notes on its report.")
    return ReportNote.objects.create(administration=administration, author=actor, text=_clean(text))


@transaction.atomic
def report_note_update(*, actor, note: ReportNote, text: str) -> ReportNote:
    if note.author_id != actor.id:
        raise PermissionDenied("Only the author changes a note.")
    note.text = _clean(text)
    note.updated_at = timezone.now()
    note.save(update_fields=["text", "updated_at"])
    return note


@transaction.atomic
def report_note_delete(*, actor, note: ReportNote) -> None:
    if note.author_id != actor.id and not can_manage(actor, note.administration):
        raise PermissionDenied("Only the author or the survey's leader deletes a note.")
    note.delete()
