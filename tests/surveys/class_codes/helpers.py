"""Shared by the class-code tests: a teacher's class survey and a student's answer."""

from datetime import timedelta

from django.utils import timezone

from surveys.models import InstrumentKind
from surveys.services.class_surveys import class_survey_launch, response_submit_with_code
from surveys.services.responses import AnswerDraft
from tests.surveys.factories import items_by_key, small_instrument


def student_voice_instrument(school):
    instrument = small_instrument(school=school)
    instrument.kind = InstrumentKind.STUDENT_VOICE
    instrument.save(update_fields=["kind"])
    return instrument


def launch(teacher, *, class_size=25, instrument=None, opens_at=None, closes_at=None):
    now = timezone.now()
    return class_survey_launch(
        actor=teacher,
        instrument=instrument or student_voice_instrument(teacher.school),
        label="Period 3 Biology",
        class_size=class_size,
        opens_at=opens_at or now,
        closes_at=closes_at or now + timedelta(days=7),
        now=now,
    )


def drafts(instrument, values: dict) -> list[AnswerDraft]:
    items = items_by_key(instrument)
    return [
        AnswerDraft(item_id=items[key].pk, text=value)
        if isinstance(value, str)
        else AnswerDraft(item_id=items[key].pk, value=value)
        for key, value in values.items()
    ]


def answer_with(code: str, survey, values: dict, *, now=None):
    return response_submit_with_code(code=code, answers=drafts(survey.instrument, values), now=now)
