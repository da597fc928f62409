from datetime import timedelta

import pytest
from django.utils import timezone
from graphql_relay import to_global_id

from surveys.models import Administration
from tests.conftest import error_codes, top_level_codes
from tests.factories import CoordinatorFactory, LeaderFactory, TeacherFactory
from tests.surveys.factories import small_instrument
from tests.surveys.graphql import LAUNCH, gid, person_id
from tests.surveys.visits import visited

pytestmark = pytest.mark.django_db


def variables(instrument, **fields):
    now = timezone.now()
    return {
        "input": {
            "instrumentId": gid("SurveyInstrument", instrument),
            "kind": "BASELINE",
            "opensAt": (now + timedelta(days=1)).isoformat(),
            "closesAt": (now + timedelta(days=15)).isoformat(),
            **fields,
        }
    }


def test_a_leader_launches_a_baseline_to_their_cohort(api_for, leader, cohort, trust):
    payload = api_for(leader).data(
        LAUNCH, variables(trust, cohortId=gid("Cohort", cohort), title="Where we start")
    )["surveyAdministrationLaunch"]

    assert payload["errors"] == []
    survey = payload["administration"]
    assert survey["title"] == "Where we start"
    assert (survey["kind"], survey["status"]) == ("BASELINE", "SCHEDULED")
    assert survey["cohortId"] == gid("Cohort", cohort)
    assert (survey["invitedCount"], survey["respondedCount"]) == (12, 0)
    assert survey["viewerCanManage"] is True
    assert survey["viewerIsInvited"] is False
    assert len(survey["nonResponders"]) == 12
    follow_up = payload["followUp"]
    assert follow_up["kind"] == "SIX_MONTH"
    assert follow_up["follows"] == {"id": survey["id"]}
    assert survey["followUps"] == [
        {"id": follow_up["id"], "kind": "SIX_MONTH", "opensAt": follow_up["opensAt"]}
    ]


def test_a_leader_launches_peer_feedback_to_peers_they_visited(api_for, leader):
    people = TeacherFactory.create_batch(5, school=leader.school)
    visited(leader, people)
    own = small_instrument(school=leader.school)

    payload = api_for(leader).data(
        LAUNCH,
        variables(
            own,
            kind="PEER_FEEDBACK",
            audience="VISITED_PEERS",
            personIds=[person_id(p) for p in people],
        ),
    )["surveyAdministrationLaunch"]

    assert payload["errors"] == []
    assert payload["administration"]["invitedCount"] == 5
    assert payload["followUp"] is None


def test_errors_name_the_input_field(api_for, leader, cohort, peers, trust):
    payload = api_for(leader).data(
        LAUNCH,
        variables(trust, cohortId=gid("Cohort", cohort), personIds=[person_id(peers[0])]),
    )["surveyAdministrationLaunch"]

    assert error_codes(payload) == ["AUDIENCE_NOT_ALLOWED"]
    assert payload["errors"][0]["field"] == "personIds"
    assert not Administration.objects.exists()


def test_bad_ids_are_user_errors(api_for, leader, trust):
    leader_api = api_for(leader)

    wrong_kind = leader_api.data(LAUNCH, variables(trust, cohortId=gid("School", leader.school)))
    unknown = leader_api.data(LAUNCH, variables(trust, cohortId=to_global_id("Cohort", 99999)))

    assert wrong_kind["surveyAdministrationLaunch"]["errors"][0] | {"message": ""} == {
        "field": "cohortId", "code": "INVALID_ID", "message": ""
    }  # fmt: skip
    assert error_codes(unknown["surveyAdministrationLaunch"]) == ["NOT_FOUND"]


def test_a_window_in_the_past_is_refused(api_for, leader, cohort, trust):
    now = timezone.now()

    payload = api_for(leader).data(
        LAUNCH,
        variables(
            trust,
            cohortId=gid("Cohort", cohort),
            opensAt=(now - timedelta(days=9)).isoformat(),
            closesAt=(now - timedelta(days=2)).isoformat(),
        ),
    )["surveyAdministrationLaunch"]

    assert payload["errors"][0]["field"] == "closesAt"
    assert error_codes(payload) == ["INVALID_WINDOW"]


def test_a_teacher_who_is_not_a_leader_cannot_launch_a_culture_survey(
    api_for, peers, cohort, trust
):
    # Every teacher may call the mutation (peer feedback is theirs too); the kind decides, so
    # the refusal is the payload's NOT_ALLOWED and nothing is written.
    body = api_for(peers[0]).post_graphql(LAUNCH, variables(trust, cohortId=gid("Cohort", cohort)))

    assert top_level_codes(body) == []
    payload = body["data"]["surveyAdministrationLaunch"]
    assert payload["administration"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [(None, "NOT_ALLOWED")]
    assert not Administration.objects.exists()


def test_a_coordinator_still_cannot_launch(api_for, cohort, trust):
    coordinator = CoordinatorFactory(coordinated_district=cohort.school.district)

    body = api_for(coordinator).post_graphql(
        LAUNCH, variables(trust, cohortId=gid("Cohort", cohort))
    )

    # No school: not a teacher, a role that may never launch (top level, before anything is read).
    assert top_level_codes(body) == ["FORBIDDEN"]


def test_another_leader_cannot_launch_to_my_cohort(api_for, cohort, trust):
    intruder = LeaderFactory(school=cohort.school)

    body = api_for(intruder).post_graphql(LAUNCH, variables(trust, cohortId=gid("Cohort", cohort)))

    # The cohort is invisible to them: reported as not found, so ids reveal nothing.
    assert error_codes(body["data"]["surveyAdministrationLaunch"]) == ["NOT_FOUND"]


def test_anonymous_callers_must_sign_in(api, trust):
    body = api.post_graphql(LAUNCH, variables(trust))

    assert top_level_codes(body) == ["UNAUTHENTICATED"]
