import pytest

from cohorts.models import BlueYellowLink
from tests.cohorts.conftest import gid
from tests.cohorts.factories import build_cohort
from tests.conftest import error_codes, top_level_codes

pytestmark = pytest.mark.django_db

ASSIGN = """
mutation Assign($input: YellowDotAssignInput!) {
  yellowDotAssign(input: $input) {
    link { isCurrent blue { person { fullName } } yellow { person { fullName } } }
    cohort { guidance { unassignedYellowCount } }
    errors { field code }
  }
}
"""
UNASSIGN = """
mutation Unassign($input: YellowDotUnassignInput!) {
  yellowDotUnassign(input: $input) { cohort { guidance { unassignedYellowCount } } errors { code } }
}
"""


def assign(api, yellow, blue):
    return api.post_graphql(
        ASSIGN, {"input": {"yellowMembershipId": gid(yellow), "blueMembershipId": gid(blue)}}
    )


def test_the_leader_assigns_an_unassigned_yellow_dot(api_for, leader):
    network = build_cohort(leader=leader, blues=4, yellows=8, assigned=7)

    result = assign(api_for(leader), network.yellows[7], network.blues[3])

    payload = result["data"]["yellowDotAssign"]
    assert payload["errors"] == []
    assert payload["link"] == {
        "isCurrent": True,
        "blue": {"person": {"fullName": network.blues[3].person.full_name}},
        "yellow": {"person": {"fullName": network.yellows[7].person.full_name}},
    }
    assert payload["cohort"]["guidance"]["unassignedYellowCount"] == 0


def test_reassigning_moves_the_yellow_dot_and_keeps_the_old_link_as_history(
    api_for, network, leader
):
    yellow = network.yellows[0]

    result = assign(api_for(leader), yellow, network.blues[3])

    assert result["data"]["yellowDotAssign"]["errors"] == []
    links = list(BlueYellowLink.objects.filter(yellow=yellow).order_by("id"))
    assert [link.blue_id for link in links] == [network.blues[0].pk, network.blues[3].pk]
    assert links[0].ended_at is not None and links[1].ended_at is None


def test_assigning_to_the_same_blue_dot_again_changes_nothing(api_for, network, leader):
    result = assign(api_for(leader), network.yellows[0], network.blues[0])

    assert result["data"]["yellowDotAssign"]["errors"] == []
    assert BlueYellowLink.objects.filter(yellow=network.yellows[0]).count() == 1


def test_a_blue_dot_of_another_cohort_is_refused(api_for, network, leader):
    other = build_cohort(leader=leader, blues=1, yellows=0)

    result = assign(api_for(leader), network.yellows[0], other.blues[0])

    assert result["data"]["yellowDotAssign"]["errors"] == [
        {"field": "blueMembershipId", "code": "NOT_A_BLUE_DOT"}
    ]
    assert (
        BlueYellowLink.objects.get(yellow=network.yellows[0], ended_at=None).blue
        == (network.blues[0])
    )


def test_roles_must_fit(api_for, network, leader):
    api = api_for(leader)

    as_blue = assign(api, network.yellows[0], network.yellows[1])["data"]["yellowDotAssign"]
    as_yellow = assign(api, network.blues[0], network.blues[1])["data"]["yellowDotAssign"]

    assert as_blue["errors"] == [{"field": "blueMembershipId", "code": "NOT_A_BLUE_DOT"}]
    assert as_yellow["errors"] == [{"field": "yellowMembershipId", "code": "NOT_A_YELLOW_DOT"}]


def test_former_members_cannot_be_assigned(api_for, network, leader):
    from django.utils import timezone

    from cohorts.models import Membership

    Membership.objects.filter(pk=network.blues[3].pk).update(ended_at=timezone.now())

    result = assign(api_for(leader), network.yellows[0], network.blues[3])

    assert result["data"]["yellowDotAssign"]["errors"] == [
        {"field": "blueMembershipId", "code": "NOT_A_MEMBER"}
    ]


def test_unassigning_shows_up_in_the_guidance(api_for, network, leader):
    result = api_for(leader).data(
        UNASSIGN, {"input": {"yellowMembershipId": gid(network.yellows[0])}}
    )

    assert result["yellowDotUnassign"] == {
        "cohort": {"guidance": {"unassignedYellowCount": 1}},
        "errors": [],
    }


def test_a_blue_dot_cannot_assign(api_for, network):
    result = assign(api_for(network.blues[0].person), network.yellows[0], network.blues[0])

    assert top_level_codes(result) == ["FORBIDDEN"]


def test_outsiders_get_not_found(api_for, network):
    from tests.factories import LeaderFactory

    result = assign(api_for(LeaderFactory()), network.yellows[0], network.blues[0])

    assert error_codes(result["data"]["yellowDotAssign"]) == [
        "NOT_FOUND",
    ]
