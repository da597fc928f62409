"""A class's students answer their teacher's survey without accounts (issue 23).

The teacher launches a survey for one class (a label, how many students) and gets one
single-use code per student and a few spares, shown once (`surveys.access_codes`). A student
answers with a code: the code is spent and the answers are sealed in the same transaction, on
the same path as a teacher's answers (`services.responses`), so what issue 18 proved of those
holds here too: while the survey is open a poller, the WAL or a backup sees a code flip to
used and a sealed row arrive, and learns nothing of the answers; at the close the answers are
opened into fresh rows in a random order. The code row carries no time, and neither the code
nor anything about the student's browser is stored with the answers.

The teacher handing out slips may note who got which code; that links nothing, since no code
leads to an answer. What a teacher could still do, and no design without accounts prevents, is
answer with spare codes themselves: the report says how many codes were spent against the
class's size.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from backend.live import RESPONSE_COUNT, broadcast, survey_group
from surveys.errors import SurveyError

from .. import access_codes
from ..models import (
    MAX_CLASS_SIZE,
    AccessCode,
    Administration,
    AdministrationKind,
    AudienceKind,
    Instrument,
    InstrumentKind,
)
from ..selectors import instruments_visible_to
from .administrations import check_window
from .responses import AnswerDraft, response_counts, seal_response, validated_answers

# Codes beyond the class's size: a slip lost or torn, a student who joins the class.
SPARE_CODES = 3
MAX_LABEL = 200


@dataclass(frozen=True)
class ClassSurvey:
    administration: Administration
    codes: list[str]
    """The codes, shown once: only their digests are kept."""


def _error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


@transaction.atomic
def class_survey_launch(
    *,
    actor,
    instrument: Instrument,
    label: str,
    class_size: int,
    closes_at: datetime,
    opens_at: datetime | None = None,
    now: datetime | None = None,
) -> ClassSurvey:
    """Survey one of `actor`'s classes with a student voice instrument; returns the codes."""
    now = now or timezone.now()
    if actor.school_id is None:
        raise PermissionDenied("A class survey is launched by a teacher, for their own class.")
    if not instruments_visible_to(actor).filter(pk=instrument.pk).exists():
        raise _error("instrumentId", "No such instrument.", SurveyError.NOT_FOUND)
    if instrument.kind != InstrumentKind.STUDENT_VOICE:
        raise _error(
            "instrumentId",
            "A class survey uses a student voice instrument.",
            SurveyError.INVALID,
        )
    label = (label or "").strip()
    if not label:
        raise _error("label", "Name the class, for example Period 3 Biology.", SurveyError.REQUIRED)
    if len(label) > MAX_LABEL:
        raise _error("label", f"At most {MAX_LABEL} characters.", SurveyError.TOO_LONG)
    if not 1 <= class_size <= MAX_CLASS_SIZE:
        raise _error(
            "classSize",
            f"A class of 1 to {MAX_CLASS_SIZE} students.",
            SurveyError.INVALID,
        )
    opens_at = opens_at or now
    check_window(opens_at, closes_at, now)
    administration = Administration.objects.create(
        instrument=instrument,
        school_id=actor.school_id,
        kind=AdministrationKind.STUDENT_VOICE,
        audience=AudienceKind.CLASS_CODES,
        class_size=class_size,
        title=label,
        opens_at=opens_at,
        closes_at=closes_at,
        created_by=actor,
    )
    return ClassSurvey(administration, _issue_codes(administration, class_size + SPARE_CODES))


def _issue_codes(administration: Administration, count: int) -> list[str]:
    codes: set[str] = set()
    while len(codes) < count:
        codes.add(access_codes.new_code())
    # A digest equal to one of another survey's (two equal 49-bit codes) fails the unique
    # index and the launch with it; the teacher launches again.
    try:
        with transaction.atomic():
            AccessCode.objects.bulk_create(
                AccessCode(administration=administration, digest=access_codes.digest(code))
                for code in codes
            )
    except IntegrityError:  # pragma: no cover - one chance in about 10**13 per launch
        raise ValidationError("Please try again.", code=SurveyError.INVALID) from None
    return sorted(codes)  # alphabetical: the order they were made in is not kept anywhere


def _live_code(code: str, now: datetime, *, lock: bool) -> tuple[AccessCode, Administration]:
    """The code's row and its survey, if a student may answer with it now; else the refusal.

    Every code that is not a live code of an open survey gets one answer (`INVALID_CODE`),
    except a spent one (`CODE_USED`, so a student who answered is not left wondering) and a
    survey outside its window (`NOT_OPEN_YET`, `CLOSED`, `CANCELLED`): a guesser learns which
    codes exist only by spending guesses, which the page rate-limits."""
    normalised = access_codes.normalise(code)
    row = (
        AccessCode.objects.filter(digest__in=access_codes.digests(normalised)).first()
        if normalised is not None
        else None
    )
    if row is None:
        raise _error(
            "code", "This is not a code from your class's sheet.", SurveyError.INVALID_CODE
        )
    surveys = Administration.objects.select_related("instrument")
    # Locked when answering, as a teacher's answer locks it: submissions to one survey run one
    # at a time, and none passes the opening of the answers at the close.
    administration = (surveys.select_for_update() if lock else surveys).get(
        pk=row.administration_id
    )
    if administration.cancelled_at is not None:
        raise _error("code", "This survey was cancelled.", SurveyError.CANCELLED)
    if now < administration.opens_at:
        raise _error("code", "This survey has not opened yet.", SurveyError.NOT_OPEN_YET)
    if now >= administration.closes_at or administration.responses_opened_at is not None:
        raise _error("code", "This survey has closed.", SurveyError.CLOSED)
    if row.used:
        raise _error("code", "This code has been used.", SurveyError.CODE_USED)
    return row, administration


def class_survey_for_code(*, code: str, now: datetime | None = None) -> Administration:
    """The survey a student may answer now with `code` (the code is not spent)."""
    return _live_code(code, now or timezone.now(), lock=False)[1]


def response_submit_with_code(
    *, code: str, answers: list[AnswerDraft], now: datetime | None = None
) -> Administration:
    """A student's answers, with a code from their class's sheet. Returns the survey answered.
    Refusals: `_live_code`, and the answers' own (`validated_answers`), which spend no code."""
    now = now or timezone.now()
    with transaction.atomic():
        row, administration = _live_code(code, now, lock=True)
        new_answers = validated_answers(administration, answers)
        # Only one transaction can spend a code; a double tap sees 0 rows updated.
        if AccessCode.objects.filter(pk=row.pk, used=False).update(used=True) != 1:
            raise _error("code", "This code has been used.", SurveyError.CODE_USED)
        seal_response(administration, new_answers)
        counts = response_counts(administration)
        broadcast(
            survey_group(administration.pk),
            RESPONSE_COUNT,
            {"administration_id": administration.pk, **counts},
        )
    return administration
