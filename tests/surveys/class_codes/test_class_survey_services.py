"""Class surveys answered with single-use codes (issue 23, slice 1): launching, spending a code,
and every refusal a student or a teacher can meet."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import timezone

from surveys import access_codes
from surveys.models import AccessCode, Administration, AudienceKind
from surveys.reports import administration_report
from surveys.services.administrations import AudienceChoice, administration_launch
from surveys.services.responses import response_counts
from tests.factories import TeacherFactory
from tests.surveys.factories import small_instrument
from tests.surveys.helpers import validation_codes

from .helpers import answer_with, launch, student_voice_instrument

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher(db):
    return TeacherFactory()


def test_a_class_survey_gives_one_code_per_student_and_three_spares(teacher):
    launched = launch(teacher, class_size=25)
    survey = launched.administration
    assert len(launched.codes) == 28 == len(set(launched.codes))
    assert survey.audience == AudienceKind.CLASS_CODES and survey.class_size == 25
    assert survey.cohort_id is None and survey.school_id == teacher.school_id
    stored = set(AccessCode.objects.filter(administration=survey).values_list("digest", flat=True))
    # Only digests are kept: no code is in the database, and each digest is the code's HMAC.
    assert stored == {access_codes.digest(code) for code in launched.codes}
    assert not stored & set(launched.codes)
    for code in launched.codes:
        assert len(code) == access_codes.LENGTH and set(code) <= set(access_codes.ALPHABET)


def test_a_code_answers_once_and_a_double_tap_is_code_used(teacher):
    launched = launch(teacher)
    code = launched.codes[0]
    answer_with(code, launched.administration, {"q1": 4, "q3": "More group work please"})
    with pytest.raises(ValidationError) as refused:
        answer_with(code, launched.administration, {"q1": 2})
    assert validation_codes(refused.value) == ["CODE_USED"]
    assert response_counts(launched.administration) == {"invited_count": 25, "responded_count": 1}


def test_the_code_is_read_as_printed_whatever_the_case_and_dashes(teacher):
    launched = launch(teacher)
    code = launched.codes[0]
    typed = " " + access_codes.display(code).lower() + " "
    assert answer_with(typed, launched.administration, {"q1": 4}) == launched.administration


@pytest.mark.parametrize(
    "typed",
    ["", "ABC", "ABCDEFGHJKM", "ABCDE-FGHJ0", "OOOOOOOOOO", "ABCDEFGHJK"],
)
def test_anything_that_is_not_a_live_code_gets_one_answer(teacher, typed):
    launched = launch(teacher)
    with pytest.raises(ValidationError) as refused:
        answer_with(typed, launched.administration, {"q1": 4})
    assert validation_codes(refused.value) == ["INVALID_CODE"]


def test_a_code_of_a_closed_or_future_or_cancelled_survey_is_refused(teacher):
    now = timezone.now()
    later = launch(teacher, opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=3))
    with pytest.raises(ValidationError) as refused:
        answer_with(later.codes[0], later.administration, {"q1": 4})
    assert validation_codes(refused.value) == ["NOT_OPEN_YET"]

    closed = launch(teacher)
    Administration.objects.filter(pk=closed.administration.pk).update(
        closes_at=now - timedelta(seconds=1), opens_at=now - timedelta(days=1)
    )
    with pytest.raises(ValidationError) as refused:
        answer_with(closed.codes[0], closed.administration, {"q1": 4})
    assert validation_codes(refused.value) == ["CLOSED"]

    cancelled = launch(teacher)
    Administration.objects.filter(pk=cancelled.administration.pk).update(cancelled_at=now)
    with pytest.raises(ValidationError) as refused:
        answer_with(cancelled.codes[0], cancelled.administration, {"q1": 4})
    assert validation_codes(refused.value) == ["CANCELLED"]


def test_an_invalid_answer_spends_no_code(teacher):
    launched = launch(teacher)
    with pytest.raises(ValidationError) as refused:
        answer_with(launched.codes[0], launched.administration, {"q1": 99})
    assert validation_codes(refused.value) == ["INVALID_ANSWER"]
    assert not AccessCode.objects.filter(administration=launched.administration, used=True).exists()
    answer_with(launched.codes[0], launched.administration, {"q1": 3})


def test_codes_survive_a_rotation_of_the_secret_key(teacher, settings):
    launched = launch(teacher)
    old = settings.SECRET_KEY
    with override_settings(SECRET_KEY="a-new-key-" + "x" * 50, SECRET_KEY_FALLBACKS=[old]):
        answer_with(launched.codes[0], launched.administration, {"q1": 4})
    with (
        override_settings(SECRET_KEY="a-new-key-" + "x" * 50, SECRET_KEY_FALLBACKS=[]),
        pytest.raises(ValidationError) as refused,
    ):
        answer_with(launched.codes[1], launched.administration, {"q1": 4})
    assert validation_codes(refused.value) == ["INVALID_CODE"]


@pytest.mark.parametrize(
    ("field", "changes", "code"),
    [
        ("label", {"label": "  "}, "REQUIRED"),
        ("label", {"label": "x" * 201}, "TOO_LONG"),
        ("classSize", {"class_size": 0}, "INVALID"),
        ("classSize", {"class_size": 61}, "INVALID"),
    ],
)
def test_launch_refuses_what_a_teacher_can_fix(teacher, field, changes, code):
    from surveys.services.class_surveys import class_survey_launch

    now = timezone.now()
    arguments = {
        "actor": teacher,
        "instrument": student_voice_instrument(teacher.school),
        "label": "Period 3",
        "class_size": 20,
        "closes_at": now + timedelta(days=7),
        "now": now,
    } | changes
    with pytest.raises(ValidationError) as refused:
        class_survey_launch(**arguments)
    assert validation_codes(refused.value) == [code]
    assert list(refused.value.error_dict) == [field]
    assert not Administration.objects.exists()


def test_launch_needs_a_student_voice_instrument_the_teacher_may_use(teacher):
    from surveys.services.class_surveys import class_survey_launch

    now = timezone.now()
    common = {"actor": teacher, "label": "P3", "class_size": 20, "closes_at": now + timedelta(1)}
    with pytest.raises(ValidationError) as refused:
        class_survey_launch(instrument=small_instrument(school=teacher.school), **common)
    assert validation_codes(refused.value) == ["INVALID"]
    elsewhere = student_voice_instrument(TeacherFactory().school)
    with pytest.raises(ValidationError) as refused:
        class_survey_launch(instrument=elsewhere, **common)
    assert validation_codes(refused.value) == ["NOT_FOUND"]


def test_someone_without_a_school_cannot_launch_a_class_survey(teacher):
    from surveys.services.class_surveys import class_survey_launch

    coordinator = TeacherFactory(school=None)
    with pytest.raises(PermissionDenied):
        class_survey_launch(
            actor=coordinator,
            instrument=student_voice_instrument(teacher.school),
            label="P3",
            class_size=20,
            closes_at=timezone.now() + timedelta(days=1),
        )


def test_the_general_launch_refuses_class_codes_and_student_voice(leader, cohort):
    instrument = student_voice_instrument(leader.school)
    with pytest.raises(ValidationError) as refused:
        administration_launch(
            actor=leader,
            instrument=instrument,
            kind="OTHER",
            cohort=cohort,
            closes_at=timezone.now() + timedelta(days=3),
        )
    assert validation_codes(refused.value) == ["AUDIENCE_NOT_ALLOWED"]
    with pytest.raises(ValidationError) as refused:
        administration_launch(
            actor=leader,
            instrument=small_instrument(school=leader.school),
            kind="OTHER",
            cohort=cohort,
            audience=AudienceChoice(kind=AudienceKind.CLASS_CODES),
            closes_at=timezone.now() + timedelta(days=3),
        )
    assert validation_codes(refused.value) == ["AUDIENCE_NOT_ALLOWED"]


def test_the_database_refuses_a_class_survey_without_a_class_size_and_others_with_one(teacher):
    survey = launch(teacher).administration
    with pytest.raises(IntegrityError), transaction.atomic():
        Administration.objects.filter(pk=survey.pk).update(class_size=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Administration.objects.filter(pk=survey.pk).update(class_size=61)
    with pytest.raises(IntegrityError), transaction.atomic():
        Administration.objects.filter(pk=survey.pk).update(audience=AudienceKind.COHORT_PEERS)


def _close(survey):
    now = timezone.now()
    Administration.objects.filter(pk=survey.pk).update(
        opens_at=now - timedelta(days=1), closes_at=now - timedelta(seconds=1)
    )
    survey.refresh_from_db()


def test_figures_need_eight_students_and_comments_ten(teacher):
    def run(respondents: int):
        launched = launch(teacher)
        for index in range(respondents):
            answer_with(
                launched.codes[index],
                launched.administration,
                {"q1": 1 + index % 5, "q2": 2, "q3": f"Comment {index}"},
            )
        _close(launched.administration)
        return administration_report(launched.administration)

    seven, nine, ten = run(7), run(9), run(10)
    assert seven.status == "TOO_FEW_RESPONSES" and not seven.constructs
    assert nine.status == "AVAILABLE" and (nine.minimum_group_size, nine.response_count) == (8, 9)
    assert not nine.constructs[0].figures.suppressed
    assert nine.comments[0].suppressed and not nine.comments[0].comments
    assert (nine.invited_count, nine.responded_count) == (25, 9)
    assert not ten.comments[0].suppressed and len(ten.comments[0].comments) == 10
