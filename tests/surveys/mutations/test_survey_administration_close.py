"""`surveyAdministrationClose`: a leader closes a survey now, as if its time had come."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from notifications.models import Notification, Status
from surveys.models import (
    Administration,
    AdministrationKind,
    Response,
    SealedResponse,
)
from surveys.services.administrations import administration_cancel, administration_launch
from tests.conftest import error_codes, top_level_codes
from tests.factories import CoordinatorFactory, LeaderFactory
from tests.surveys.factories import administration, answer, small_instrument
from tests.surveys.graphql import administration_id

pytestmark = pytest.mark.django_db

CLOSE = """
mutation($input: SurveyAdministrationCloseInput!) {
  surveyAdministrationClose(input: $input) {
    administration { status closesAt }
    errors { field code }
  }
}
"""
REPORT = """
query($id: ID!) {
  surveyReport(administrationId: $id) {
    status respondedCount constructs { figures { isSuppressed n } }
  }
}
"""


@pytest.fixture
def instrument(leader):
    return small_instrument(school=leader.school)


@pytest.fixture
def open_survey(leader, peers, instrument):
    """Open since yesterday, closing in a week, to the twelve peers."""
    return administration(instrument=instrument, people=peers, created_by=leader)


def close(api, survey) -> dict:
    return api.data(CLOSE, {"input": {"administrationId": administration_id(survey)}})[
        "surveyAdministrationClose"
    ]


def test_closing_now_opens_the_sealed_responses_and_the_report(api_for, leader, peers, open_survey):
    for person, value in zip(peers[:5], [4, 5, 3, 4, 2], strict=True):
        answer(open_survey, person, {"q1": value, "q2": 2})

    payload = close(api_for(leader), open_survey)
    report = api_for(leader).data(REPORT, {"id": administration_id(open_survey)})["surveyReport"]

    assert payload["errors"] == []
    assert payload["administration"]["status"] == "CLOSED"
    open_survey.refresh_from_db()
    assert open_survey.closes_at <= timezone.now()
    assert open_survey.responses_opened_at is not None
    assert SealedResponse.objects.filter(administration=open_survey).count() == 0
    assert Response.objects.filter(administration=open_survey).count() == 5
    assert report["status"] == "AVAILABLE"
    assert report["respondedCount"] == 5
    assert report["constructs"][0]["figures"] == {"isSuppressed": False, "n": 5}


def test_a_survey_closed_now_with_too_few_answers_shows_no_figure(
    api_for, leader, peers, open_survey
):
    # The attack: close right after four people answered, hoping for their figures.
    for person in peers[:4]:
        answer(open_survey, person, {"q1": 5, "q2": 1, "q3": "Only four of us"})

    close(api_for(leader), open_survey)
    report = api_for(leader).data(REPORT, {"id": administration_id(open_survey)})["surveyReport"]

    assert report["status"] == "TOO_FEW_RESPONSES"
    assert report["respondedCount"] == 4
    assert report["constructs"] == []


def test_nobody_answers_a_survey_closed_now(api_for, leader, peers, open_survey):
    close(api_for(leader), open_survey)

    with pytest.raises(ValidationError) as refused:
        answer(open_survey, peers[0], {"q1": 4})

    assert refused.value.code == "CLOSED"
    assert SealedResponse.objects.filter(administration=open_survey).count() == 0


def test_closing_now_withdraws_the_pending_reminders(api_for, leader, cohort, peers, trust):
    now = timezone.now()
    survey = administration_launch(
        actor=leader,
        instrument=trust,
        kind=AdministrationKind.OTHER,
        cohort=cohort,
        opens_at=now,
        closes_at=now + timedelta(days=10),
    )
    assert Notification.objects.filter(
        key__startswith=f"survey:{survey.pk}:", status=Status.PENDING
    )

    close(api_for(leader), survey)

    assert not Notification.objects.filter(
        key__startswith=f"survey:{survey.pk}:", status=Status.PENDING
    ).exists()


def test_a_survey_that_has_not_opened_is_cancelled_not_closed(api_for, leader, peers, instrument):
    later = timezone.now() + timedelta(days=2)
    survey = administration(
        instrument=instrument,
        people=peers,
        created_by=leader,
        opens_at=later,
        closes_at=later + timedelta(days=7),
    )

    payload = close(api_for(leader), survey)

    assert error_codes(payload) == ["NOT_OPEN_YET"]
    assert payload["administration"] is None
    survey.refresh_from_db()
    assert survey.closes_at == later + timedelta(days=7)


def test_a_closed_or_cancelled_survey_is_refused(api_for, leader, peers, instrument, open_survey):
    close(api_for(leader), open_survey)
    unanswered = administration(instrument=instrument, people=peers, created_by=leader)
    administration_cancel(actor=leader, administration=unanswered)

    again = close(api_for(leader), open_survey)
    cancelled = close(api_for(leader), unanswered)

    assert error_codes(again) == ["CLOSED"]
    assert error_codes(cancelled) == ["CANCELLED"]


def test_only_the_leader_who_runs_it_closes_it(api_for, leader, peers, open_survey):
    variables = {"input": {"administrationId": administration_id(open_survey)}}
    other_leader = api_for(LeaderFactory(school=leader.school)).post_graphql(CLOSE, variables)
    peer = api_for(peers[0]).post_graphql(CLOSE, variables)
    coordinator = api_for(CoordinatorFactory(coordinated_district=leader.school.district))
    overseer = coordinator.post_graphql(CLOSE, variables)

    assert error_codes(other_leader["data"]["surveyAdministrationClose"]) == ["NOT_FOUND"]
    assert top_level_codes(peer) == ["FORBIDDEN"]  # teachers may not run surveys at all
    assert top_level_codes(overseer) == ["FORBIDDEN"]  # coordinators read, never change
    open_survey.refresh_from_db()
    assert open_survey.is_open()
    assert Administration.objects.get(pk=open_survey.pk).responses_opened_at is None


def test_signed_out_nobody_closes_anything(api, open_survey):
    body = api.post_graphql(CLOSE, {"input": {"administrationId": administration_id(open_survey)}})

    assert top_level_codes(body) == ["UNAUTHENTICATED"]
