from datetime import timedelta

import pytest
from django.utils import timezone

from surveys.models import Invitee, SealedResponse
from tests.conftest import error_codes
from tests.factories import TeacherFactory
from tests.surveys.factories import administration, items_by_key, small_instrument
from tests.surveys.graphql import SUBMIT, administration_id, item_id

pytestmark = pytest.mark.django_db

RECEIPT = """
query($administrationId: ID!, $code: String!) {
  surveyReceiptCounted(administrationId: $administrationId, receiptCode: $code)
}
"""


@pytest.fixture
def survey(leader, peers):
    return administration(
        instrument=small_instrument(school=leader.school), people=peers[:6], created_by=leader
    )


def submit(api, survey, answers):
    items = items_by_key(survey.instrument)
    rows = []
    for key, value in answers.items():
        row = {"itemId": item_id(items[key])}
        row["text" if isinstance(value, str) else "value"] = value
        rows.append(row)
    return api.post_graphql(
        SUBMIT, {"input": {"administrationId": administration_id(survey), "answers": rows}}
    )


def test_an_invitee_answers_and_can_check_the_receipt(api_for, survey, peers):
    peer_api = api_for(peers[0])

    payload = submit(peer_api, survey, {"q1": 4, "q2": 2, "q3": "Visits help."})["data"][
        "surveyResponseSubmit"
    ]

    assert payload["errors"] == []
    receipt = payload["receipt"]
    assert receipt["administration"] == {
        "id": administration_id(survey),
        "viewerHasResponded": True,
    }
    check = {"administrationId": administration_id(survey), "code": receipt["code"]}
    assert peer_api.data(RECEIPT, check) == {"surveyReceiptCounted": True}
    assert peer_api.data(RECEIPT, {**check, "code": "NOPE-NOPE-NOPE-NOPE"}) == {
        "surveyReceiptCounted": False
    }


def test_answering_twice_is_refused(api_for, survey, peers):
    peer_api = api_for(peers[0])
    submit(peer_api, survey, {"q1": 4})

    again = submit(peer_api, survey, {"q1": 1})["data"]["surveyResponseSubmit"]

    assert error_codes(again) == ["ALREADY_RESPONDED"]
    assert again["receipt"] is None
    assert SealedResponse.objects.count() == 1


def test_answering_after_the_close_is_refused(api_for, survey, peers):
    survey.closes_at = timezone.now() - timedelta(minutes=1)
    survey.save()

    payload = submit(api_for(peers[0]), survey, {"q1": 4})["data"]["surveyResponseSubmit"]

    assert error_codes(payload) == ["CLOSED"]
    assert not SealedResponse.objects.exists()


def test_a_person_who_was_not_invited_cannot_answer(api_for, survey, leader, peers):
    # A colleague who was not invited cannot even see the survey: not found.
    colleague = submit(api_for(peers[7]), survey, {"q1": 4})["data"]["surveyResponseSubmit"]
    # Its leader sees it but was not invited.
    own_leader = submit(api_for(leader), survey, {"q1": 4})["data"]["surveyResponseSubmit"]
    stranger = submit(api_for(TeacherFactory()), survey, {"q1": 4})["data"]["surveyResponseSubmit"]

    assert colleague["errors"][0]["field"] == "administrationId"
    assert error_codes(colleague) == ["NOT_FOUND"]
    assert error_codes(own_leader) == ["NOT_INVITED"]
    assert error_codes(stranger) == ["NOT_FOUND"]
    assert not SealedResponse.objects.exists()
    assert not Invitee.objects.filter(has_responded=True).exists()


def test_answer_errors_point_at_the_answer(api_for, survey, peers):
    body = api_for(peers[0]).post_graphql(
        SUBMIT,
        {
            "input": {
                "administrationId": administration_id(survey),
                "answers": [
                    {"itemId": item_id(survey.instrument.items.get(key="q1")), "value": 9},
                    {"itemId": administration_id(survey), "value": 1},
                ],
            }
        },
    )

    payload = body["data"]["surveyResponseSubmit"]
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        ("answers.1.itemId", "INVALID_ID")
    ]


def test_a_value_off_the_scale(api_for, survey, peers):
    payload = submit(api_for(peers[0]), survey, {"q1": 9})["data"]["surveyResponseSubmit"]

    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        ("answers.0.value", "INVALID_ANSWER")
    ]
