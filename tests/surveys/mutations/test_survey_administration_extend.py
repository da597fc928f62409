"""`surveyAdministrationExtend`: more time to answer a survey that has not closed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import Notification, Status
from surveys.models import AdministrationKind
from surveys.services.administrations import administration_launch
from tests.conftest import error_codes, top_level_codes
from tests.factories import LeaderFactory
from tests.surveys.factories import administration, small_instrument
from tests.surveys.graphql import administration_id

pytestmark = pytest.mark.django_db

EXTEND = """
mutation($input: SurveyAdministrationExtendInput!) {
  surveyAdministrationExtend(input: $input) {
    administration { status closesAt }
    errors { field code }
  }
}
"""


@pytest.fixture
def survey(leader, cohort, trust):
    now = timezone.now()
    return administration_launch(
        actor=leader,
        instrument=trust,
        kind=AdministrationKind.OTHER,
        cohort=cohort,
        opens_at=now,
        closes_at=now + timedelta(days=5),
    )


def extend(api, survey, **fields) -> dict:
    variables = {"input": {"administrationId": administration_id(survey), **fields}}
    return api.data(EXTEND, variables)["surveyAdministrationExtend"]


def test_extending_by_days_moves_the_close_and_its_reminder(api_for, leader, peers, survey):
    closes_at = survey.closes_at

    payload = extend(api_for(leader), survey, days=3)

    assert payload["errors"] == []
    survey.refresh_from_db()
    assert survey.closes_at == closes_at + timedelta(days=3)
    reminder = Notification.objects.get(
        key=f"survey:{survey.pk}:person:{peers[0].pk}:closing", status=Status.PENDING
    )
    assert reminder.due_at == survey.closes_at - timedelta(days=2)


def test_extending_to_a_time(api_for, leader, survey):
    later = survey.closes_at + timedelta(days=7, hours=2)

    payload = extend(api_for(leader), survey, closesAt=later.isoformat())

    assert payload["errors"] == []
    survey.refresh_from_db()
    assert survey.closes_at == later


def test_extending_never_shortens(api_for, leader, survey):
    sooner = survey.closes_at - timedelta(days=1)

    payload = extend(api_for(leader), survey, closesAt=sooner.isoformat())

    assert payload["errors"] == [{"field": "closesAt", "code": "INVALID_WINDOW"}]


def test_a_time_or_days_exactly_one(api_for, leader, survey):
    neither = extend(api_for(leader), survey)
    both = extend(
        api_for(leader), survey, days=2, closesAt=(survey.closes_at + timedelta(days=2)).isoformat()
    )
    too_many = extend(api_for(leader), survey, days=400)

    assert error_codes(neither) == ["REQUIRED"]
    assert error_codes(both) == ["REQUIRED"]
    assert too_many["errors"] == [{"field": "days", "code": "INVALID"}]


def test_a_closed_survey_is_not_reopened_even_before_its_report_was_read(api_for, leader, peers):
    now = timezone.now()
    closed = administration(
        instrument=small_instrument(school=leader.school),
        people=peers,
        created_by=leader,
        opens_at=now - timedelta(days=9),
        closes_at=now - timedelta(hours=1),
    )

    payload = extend(api_for(leader), closed, days=2)

    assert error_codes(payload) == ["CLOSED"]
    closed.refresh_from_db()
    assert closed.closes_at < now


def test_another_leader_cannot_extend_it(api_for, leader, survey):
    closes_at = survey.closes_at
    variables = {"input": {"administrationId": administration_id(survey), "days": 30}}

    body = api_for(LeaderFactory(school=leader.school)).post_graphql(EXTEND, variables)

    assert error_codes(body["data"]["surveyAdministrationExtend"]) == ["NOT_FOUND"]
    survey.refresh_from_db()
    assert survey.closes_at == closes_at


def test_signed_out_nobody_extends_anything(api, survey):
    body = api.post_graphql(
        EXTEND, {"input": {"administrationId": administration_id(survey), "days": 1}}
    )

    assert top_level_codes(body) == ["UNAUTHENTICATED"]
