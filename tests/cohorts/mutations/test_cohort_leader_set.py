import pytest

from cohorts.models import BlueYellowLink, Membership, Role
from tests.cohorts.conftest import gid
from tests.conftest import error_codes
from tests.factories import LeaderFactory, TeacherFactory

pytestmark = pytest.mark.django_db

LEADER_SET = """
mutation Set($input: CohortLeaderSetInput!) {
  cohortLeaderSet(input: $input) {
    membership { role person { fullName } }
    cohort {
      leader { person { fullName } }
      guidance { blueCount unassignedYellowCount }
      membershipHistory { role isCurrent person { fullName } }
    }
    errors { field code }
  }
}
"""


def leader_set(api, cohort, person):
    return api.post_graphql(
        LEADER_SET, {"input": {"cohortId": gid(cohort), "personId": gid(person)}}
    )


def test_a_leader_hands_the_cohort_over_and_history_keeps_who_led(api_for, network, leader):
    successor = LeaderFactory(school=leader.school)

    result = leader_set(api_for(leader), network.cohort, successor)

    payload = result["data"]["cohortLeaderSet"]
    assert payload["errors"] == []
    assert payload["membership"] == {"role": "LEADER", "person": {"fullName": successor.full_name}}
    assert payload["cohort"] is None  # the former leader has left the cohort
    seen_by_successor = api_for(successor).data(
        "query($id: ID!) { cohort(id: $id) { leader { person { fullName } } "
        "membershipHistory { role isCurrent person { fullName } } } }",
        {"id": gid(network.cohort)},
    )["cohort"]
    assert seen_by_successor["leader"]["person"]["fullName"] == successor.full_name
    history = [
        (m["role"], m["isCurrent"], m["person"]["fullName"])
        for m in seen_by_successor["membershipHistory"]
        if m["role"] == "LEADER"
    ]
    assert history == [("LEADER", False, leader.full_name), ("LEADER", True, successor.full_name)]


def test_a_blue_dot_who_becomes_leader_leaves_their_yellow_dots_unassigned(
    api_for, network, leader
):
    blue = network.blues[0]
    blue.person.is_teacher_leader = True
    blue.person.save()

    result = leader_set(api_for(leader), network.cohort, blue.person)

    assert result["data"]["cohortLeaderSet"]["errors"] == []
    guidance = api_for(blue.person).data(
        "query($id: ID!) { cohort(id: $id) { guidance { blueCount unassignedYellowCount } } }",
        {"id": gid(network.cohort)},
    )["cohort"]["guidance"]
    assert guidance == {"blueCount": 3, "unassignedYellowCount": 2}
    assert not BlueYellowLink.objects.filter(blue=blue, ended_at__isnull=True).exists()


def test_a_coordinator_can_appoint_a_leader(api_for, coordinator, network):
    successor = LeaderFactory(school=network.school)

    result = leader_set(api_for(coordinator), network.cohort, successor)

    assert result["data"]["cohortLeaderSet"]["errors"] == []


def test_only_a_teacher_leader_can_lead(api_for, network, leader):
    plain = TeacherFactory(school=leader.school)

    result = leader_set(api_for(leader), network.cohort, plain)

    assert result["data"]["cohortLeaderSet"]["errors"] == [
        {"field": "personId", "code": "NOT_A_TEACHER_LEADER"}
    ]
    assert (
        Membership.objects.get(cohort=network.cohort, role=Role.LEADER, ended_at=None).person
        == leader
    )


def test_a_blue_dot_cannot_hand_over(api_for, network):
    blue = network.blues[0].person
    blue.is_teacher_leader = True
    blue.save()

    result = leader_set(api_for(blue), network.cohort, blue)

    assert error_codes(result["data"]["cohortLeaderSet"]) == ["NOT_ALLOWED"]


def test_outsiders_get_not_found(api_for, network):
    stranger = LeaderFactory()

    result = leader_set(api_for(stranger), network.cohort, stranger)

    assert error_codes(result["data"]["cohortLeaderSet"]) == ["NOT_FOUND"]
