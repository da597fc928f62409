from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from notifications.models import Notification, Status
from surveys.models import (
    Administration,
    AdministrationKind,
    Answer,
    Invitee,
    Receipt,
    Response,
    SealedResponse,
)
from surveys.services.administrations import administration_launch
from surveys.services.responses import (
    AnswerDraft,
    hash_receipt_code,
    receipt_is_counted,
    response_submit,
    responses_open,
    responses_open_due,
)
from tests.factories import TeacherFactory
from tests.surveys.factories import administration, answer, items_by_key, small_instrument
from tests.surveys.helpers import validation_codes, validation_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(leader, peers):
    return administration(
        instrument=small_instrument(school=leader.school), people=peers[:6], created_by=leader
    )


def refused(survey, person, values, **options) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        answer(survey, person, values, **options)
    return excinfo.value


def _opened(survey) -> list:
    """Let the survey close, open its responses; (item key, value, text) of each response."""
    after = survey.closes_at + timedelta(seconds=1)
    responses_open(administration=survey, now=after)
    return sorted(
        sorted(
            (a.item.key, a.value, a.text)
            for a in Answer.objects.filter(response=response).select_related("item")
        )
        for response in Response.objects.filter(administration=survey)
    )


def test_an_invitee_answers_and_gets_a_receipt(survey, peers):
    code = answer(survey, peers[0], {"q1": 4, "q2": 2, "q3": "Good group."})

    assert len(code) == 19 and code.count("-") == 3
    # Sealed until the close: nothing readable, and the receipt in a set of its own.
    sealed = SealedResponse.objects.get()
    assert sealed.administration == survey
    assert b"Good group." not in bytes(sealed.ciphertext)
    assert not Response.objects.exists() and not Answer.objects.exists()
    assert list(Receipt.objects.values_list("digest", "administration")) == [
        (hash_receipt_code(code), survey.pk)
    ]
    assert Invitee.objects.get(person=peers[0]).has_responded
    assert receipt_is_counted(administration=survey, code=code.lower().replace("-", ""))
    assert not receipt_is_counted(administration=survey, code="AAAA-BBBB-CCCC-DDDD")

    assert _opened(survey) == [[("q1", 4, ""), ("q2", 2, ""), ("q3", None, "Good group.")]]
    assert not SealedResponse.objects.exists()
    # The receipt still says "counted" after the opening.
    assert receipt_is_counted(administration=survey, code=code)


def test_skipped_questions_and_blank_text_are_not_stored(survey, peers):
    answer(survey, peers[0], {"q1": 3, "q3": "   "})

    assert _opened(survey) == [[("q1", 3, "")]]


def test_answering_twice_is_refused(survey, peers):
    answer(survey, peers[0], {"q1": 4})

    error = refused(survey, peers[0], {"q1": 1})

    assert validation_codes(error) == ["ALREADY_RESPONDED"]
    assert SealedResponse.objects.count() == 1 and Receipt.objects.count() == 1
    assert _opened(survey) == [[("q1", 4, "")]]


def test_answering_after_the_close_is_refused(survey, peers):
    error = refused(survey, peers[0], {"q1": 4}, now=survey.closes_at)

    assert validation_codes(error) == ["CLOSED"]
    assert not SealedResponse.objects.exists()
    assert not Invitee.objects.filter(has_responded=True).exists()


def test_once_opened_no_late_submission_gets_in(survey, peers):
    # A submission that read the clock just before the close but got the lock after the
    # opening: it would be left sealed, or appear alone in a later report.
    answer(survey, peers[0], {"q1": 4})
    responses_open(administration=survey, now=survey.closes_at)

    error = refused(survey, peers[1], {"q1": 2}, now=survey.closes_at - timedelta(seconds=1))

    assert validation_codes(error) == ["CLOSED"]
    assert Response.objects.count() == 1 and not SealedResponse.objects.exists()


def test_opening_waits_for_the_close_and_happens_once(survey, peers):
    for person in peers[:3]:
        answer(survey, person, {"q1": 5})

    assert responses_open(administration=survey, now=survey.closes_at - timedelta(seconds=1)) == 0
    assert SealedResponse.objects.count() == 3 and not Response.objects.exists()
    assert responses_open(administration=survey, now=survey.closes_at) == 3
    stale = Administration.objects.get(pk=survey.pk)
    stale.responses_opened_at = None  # a copy read before the opening
    assert responses_open(administration=stale, now=survey.closes_at) == 0
    assert Response.objects.count() == 3 and Answer.objects.count() == 3
    assert not SealedResponse.objects.exists()


def test_the_periodic_step_opens_closed_surveys_and_discards_cancelled_ones(leader, peers):
    instrument = small_instrument(school=leader.school)
    now = timezone.now()
    closed, cancelled, running = (
        administration(
            instrument=instrument,
            people=peers[:6],
            created_by=leader,
            opens_at=now - timedelta(days=3),
            closes_at=now + timedelta(hours=1),
        )
        for _ in range(3)
    )
    for survey in (closed, cancelled, running):
        answer(survey, peers[0], {"q1": 2, "q3": "Sealed words"})
    Administration.objects.filter(pk=closed.pk).update(closes_at=now - timedelta(minutes=1))
    Administration.objects.filter(pk=cancelled.pk).update(cancelled_at=now)

    assert responses_open_due() == 2

    assert list(Response.objects.values_list("administration", flat=True)) == [closed.pk]
    assert list(SealedResponse.objects.values_list("administration", flat=True)) == [running.pk]
    assert Answer.objects.get(item__key="q3").text == "Sealed words"
    assert responses_open_due() == 0


def test_answering_before_it_opens_is_refused(survey, peers):
    error = refused(survey, peers[0], {"q1": 4}, now=survey.opens_at - timedelta(seconds=1))

    assert validation_codes(error) == ["NOT_OPEN_YET"]


def test_a_person_who_was_not_invited_is_refused(survey, leader, peers):
    for outsider in (peers[6], leader, TeacherFactory()):
        error = refused(survey, outsider, {"q1": 4})

        assert validation_codes(error) == ["NOT_INVITED"]
    assert not SealedResponse.objects.exists()


def test_a_cancelled_survey_is_refused(survey, peers):
    survey.cancelled_at = timezone.now()
    survey.save()

    assert validation_codes(refused(survey, peers[0], {"q1": 4})) == ["CANCELLED"]


@pytest.mark.parametrize(
    ("values", "field", "code"),
    [
        ({"q1": 6}, "answers.0.value", "INVALID_ANSWER"),
        ({"q1": 0}, "answers.0.value", "INVALID_ANSWER"),
        ({"q1": "text on a scale"}, "answers.0.text", "INVALID_ANSWER"),
        ({"q3": 3}, "answers.0.value", "INVALID_ANSWER"),
        ({"q3": "x" * 4001}, "answers.0.text", "TOO_LONG"),
    ],
)
def test_answers_that_do_not_fit_their_question_are_refused(survey, peers, values, field, code):
    error = refused(survey, peers[0], values)

    assert validation_codes(error) == [code]
    assert validation_fields(error) == [field]
    assert not Invitee.objects.filter(has_responded=True).exists()


def test_a_question_of_another_instrument_is_refused(survey, peers, trust):
    other_item = trust.items.first()

    with pytest.raises(ValidationError) as excinfo:
        response_submit(
            respondent=peers[0],
            administration=survey,
            answers=[AnswerDraft(item_id=other_item.pk, value=3)],
        )

    assert validation_codes(excinfo.value) == ["NOT_FOUND"]


def test_the_same_question_twice_is_refused(survey, peers):
    item = items_by_key(survey.instrument)["q1"]

    with pytest.raises(ValidationError) as excinfo:
        response_submit(
            respondent=peers[0],
            administration=survey,
            answers=[AnswerDraft(item_id=item.pk, value=3), AnswerDraft(item_id=item.pk, value=4)],
        )

    assert validation_codes(excinfo.value) == ["DUPLICATE_ANSWER"]


def test_an_empty_response_is_refused(survey, peers):
    assert validation_codes(refused(survey, peers[0], {})) == ["EMPTY_RESPONSE"]
    assert validation_codes(refused(survey, peers[0], {"q3": " "})) == ["EMPTY_RESPONSE"]


def test_answering_cancels_only_the_respondents_pending_reminders(leader, cohort, peers, trust):
    now = timezone.now()
    survey = administration_launch(
        actor=leader,
        instrument=trust,
        kind=AdministrationKind.OTHER,
        cohort=cohort,
        opens_at=now + timedelta(minutes=5),
        closes_at=now + timedelta(days=10),
        now=now,
    )
    item = trust.items.first()

    response_submit(
        respondent=peers[0],
        administration=survey,
        answers=[AnswerDraft(item.pk, value=3)],
        now=now + timedelta(minutes=6),
    )

    # The opening notice not yet pushed and the closing reminder are both gone, leaving no row
    # whose timestamps would say when they answered.
    assert not Notification.objects.filter(recipient=peers[0]).exists()
    assert Notification.objects.filter(status=Status.PENDING).count() == 22


def test_the_live_count_is_broadcast_after_commit_with_numbers_only(
    survey, peers, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr("backend.live._send", lambda group, message: sent.append(message))

    with django_capture_on_commit_callbacks(execute=True):
        answer(survey, peers[0], {"q1": 4, "q3": "Private words"})

    assert sent == [
        {
            "type": "graphql.event",
            "group": f"survey.{survey.pk}",
            "event": "response_count",
            "payload": {"administration_id": survey.pk, "invited_count": 6, "responded_count": 1},
        }
    ]
