from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import Notification, Status
from surveys.models import AdministrationKind
from surveys.services.administrations import administration_launch
from tests.conftest import error_codes, top_level_codes
from tests.factories import LeaderFactory
from tests.surveys.graphql import administration_id, person_id

pytestmark = pytest.mark.django_db

UPDATE = """
mutation($input: SurveyAdministrationUpdateInput!) {
  surveyAdministrationUpdate(input: $input) {
    administration { title opensAt closesAt invitedCount }
    errors { field code }
  }
}
"""
CANCEL = """
mutation($input: SurveyAdministrationCancelInput!) {
  surveyAdministrationCancel(input: $input) {
    administration { status followUps { status } }
    errors { code }
  }
}
"""


@pytest.fixture
def baseline(leader, cohort, trust):
    now = timezone.now()
    return administration_launch(
        actor=leader,
        instrument=trust,
        kind=AdministrationKind.BASELINE,
        cohort=cohort,
        opens_at=now + timedelta(days=2),
        closes_at=now + timedelta(days=16),
    )


def test_the_leader_edits_the_six_month_follow_up(api_for, leader, peers, baseline):
    follow_up = baseline.follow_ups.get()
    opens = follow_up.opens_at + timedelta(days=3)

    payload = api_for(leader).data(
        UPDATE,
        {
            "input": {
                "administrationId": administration_id(follow_up),
                "title": "Trust, six months on",
                "opensAt": opens.isoformat(),
                "closesAt": (opens + timedelta(days=10)).isoformat(),
            }
        },
    )["surveyAdministrationUpdate"]

    assert payload["errors"] == []
    assert payload["administration"]["title"] == "Trust, six months on"
    assert payload["administration"]["invitedCount"] == 12


def test_a_whole_groups_survey_cannot_be_narrowed_to_chosen_people(
    api_for, leader, peers, baseline
):
    payload = api_for(leader).data(
        UPDATE,
        {
            "input": {
                "administrationId": administration_id(baseline.follow_ups.get()),
                "personIds": [person_id(p) for p in peers[:5]],
            }
        },
    )["surveyAdministrationUpdate"]

    assert payload["errors"] == [{"field": "personIds", "code": "AUDIENCE_NOT_ALLOWED"}]
    assert baseline.follow_ups.get().invitees.count() == 12


def test_a_window_that_closes_before_it_opens_names_the_field(api_for, leader, baseline):
    payload = api_for(leader).data(
        UPDATE,
        {
            "input": {
                "administrationId": administration_id(baseline),
                "closesAt": (baseline.opens_at - timedelta(hours=1)).isoformat(),
            }
        },
    )["surveyAdministrationUpdate"]

    assert payload["errors"] == [{"field": "closesAt", "code": "INVALID_WINDOW"}]


def test_only_the_leader_who_runs_it_edits_it(api_for, baseline, peers):
    body = api_for(peers[0]).post_graphql(
        UPDATE, {"input": {"administrationId": administration_id(baseline), "title": "x"}}
    )
    other = api_for(LeaderFactory(school=baseline.school)).post_graphql(
        UPDATE, {"input": {"administrationId": administration_id(baseline), "title": "x"}}
    )

    assert top_level_codes(body) == ["FORBIDDEN"]  # teachers may not edit surveys at all
    assert error_codes(other["data"]["surveyAdministrationUpdate"]) == ["NOT_FOUND"]


def test_the_leader_cancels_before_anyone_answers(api_for, leader, baseline):
    payload = api_for(leader).data(
        CANCEL, {"input": {"administrationId": administration_id(baseline)}}
    )["surveyAdministrationCancel"]

    assert payload == {
        "administration": {"status": "CANCELLED", "followUps": [{"status": "CANCELLED"}]},
        "errors": [],
    }
    assert not Notification.objects.filter(status=Status.PENDING).exists()


def test_cancelling_twice_is_refused(api_for, leader, baseline):
    leader_api = api_for(leader)
    leader_api.data(CANCEL, {"input": {"administrationId": administration_id(baseline)}})

    again = leader_api.data(CANCEL, {"input": {"administrationId": administration_id(baseline)}})

    assert error_codes(again["surveyAdministrationCancel"]) == ["CANCELLED"]
