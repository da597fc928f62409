import pytest

from cohorts.models import Cohort
from tests.cohorts.conftest import gid
from tests.cohorts.factories import build_cohort
from tests.conftest import error_codes, top_level_codes

pytestmark = pytest.mark.django_db

UPDATE = """
mutation Update($input: CohortUpdateInput!) {
  cohortUpdate(input: $input) {
    cohort { name schoolYear targetBlueCount enforceTargets guidance { messages { code } } }
    errors { field code message }
  }
}
"""


def update(api, cohort, **changes):
    return api.post_graphql(UPDATE, {"input": {"cohortId": gid(cohort), **changes}})


def test_the_leader_renames_and_retargets(api_for, network, leader):
    result = update(api_for(leader), network.cohort, name="Maple circle", targetBlueCount=3)

    payload = result["data"]["cohortUpdate"]
    assert payload["errors"] == []
    assert payload["cohort"]["name"] == "Maple circle"
    assert payload["cohort"]["targetBlueCount"] == 3
    # 4 blue dots for a target of 3: advice, not a refusal.
    assert payload["cohort"]["guidance"]["messages"] == [{"code": "BLUE_DOTS_ABOVE_TARGET"}]


def test_strict_targets_cannot_be_turned_on_while_over_them(api_for, network, leader):
    result = update(api_for(leader), network.cohort, targetBlueCount=3, enforceTargets=True)

    payload = result["data"]["cohortUpdate"]
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        ("targetBlueCount", "ROLE_LIMIT_EXCEEDED")
    ]
    network.cohort.refresh_from_db()
    assert (network.cohort.target_blue_count, network.cohort.enforce_targets) == (4, False)


def test_a_member_who_is_not_the_leader_cannot_update(api_for, network):
    blue = network.blues[0].person
    blue.is_teacher_leader = True  # even a teacher leader, if not this cohort's
    blue.save()

    result = update(api_for(blue), network.cohort, name="Mine")

    # A member sees the cohort: "not the leader" is the payload's NOT_ALLOWED, not FORBIDDEN.
    assert "errors" not in result
    assert result["data"]["cohortUpdate"]["errors"] == [
        {"field": None, "code": "NOT_ALLOWED", "message": "Only the cohort's leader can change it."}
    ]
    assert Cohort.objects.get().name != "Mine"


def test_a_leader_outside_the_cohort_gets_not_found(api_for, network, school):
    from tests.factories import LeaderFactory

    other_leader = LeaderFactory(school=school)

    result = update(api_for(other_leader), network.cohort, name="Mine")

    assert error_codes(result["data"]["cohortUpdate"]) == ["NOT_FOUND"]


def test_a_coordinator_sees_but_cannot_update(api_for, coordinator, network):
    assert top_level_codes(update(api_for(coordinator), network.cohort, name="x")) == ["FORBIDDEN"]


def test_an_archived_cohort_is_read_only(api_for, leader):
    network = build_cohort(leader=leader, blues=0, yellows=0)
    from django.utils import timezone

    Cohort.objects.filter(pk=network.cohort.pk).update(archived_at=timezone.now())

    result = update(api_for(leader), network.cohort, name="Again")

    assert error_codes(result["data"]["cohortUpdate"]) == ["ARCHIVED"]
