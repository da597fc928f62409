"""Role changes, replacements and departures: the history stays true."""

import pytest

from cohorts.models import BlueYellowLink, Cohort, Membership, Role
from tests.cohorts.conftest import gid
from tests.conftest import error_codes
from tests.factories import TeacherFactory

pytestmark = pytest.mark.django_db

ROLE_CHANGE = """
mutation Change($input: MembershipRoleChangeInput!) {
  membershipRoleChange(input: $input) {
    membership { role isCurrent }
    cohort { guidance { blueCount yellowCount unassignedYellowCount } }
    errors { field code }
  }
}
"""
REPLACE = """
mutation Replace($input: MembershipReplaceInput!) {
  membershipReplace(input: $input) {
    membership { role person { fullName } visits { person { fullName } } visitedBy { id } }
    cohort { guidance { unassignedYellowCount groupSize } }
    errors { field code }
  }
}
"""
END = """
mutation End($input: MembershipEndInput!) {
  membershipEnd(input: $input) {
    membership { isCurrent endedAt }
    cohort { guidance { yellowCount } }
    errors { field code }
  }
}
"""
HISTORY = """
query($id: ID!, $asOf: DateTime) {
  cohort(id: $id) {
    members(asOf: $asOf) { role person { fullName } }
    membershipHistory { role isCurrent endedAt person { fullName } visits { person { fullName } } }
  }
}
"""


def test_a_yellow_dot_becomes_a_blue_dot_and_the_old_place_stays_in_history(
    api_for, network, leader
):
    yellow = network.yellows[0]

    result = api_for(leader).data(
        ROLE_CHANGE, {"input": {"membershipId": gid(yellow), "role": "BLUE"}}
    )["membershipRoleChange"]

    assert result["errors"] == []
    assert result["membership"] == {"role": "BLUE", "isCurrent": True}
    assert result["cohort"]["guidance"] == {
        "blueCount": 5,
        "yellowCount": 7,
        "unassignedYellowCount": 0,
    }
    roles = list(
        Membership.objects.filter(person=yellow.person)
        .order_by("id")
        .values_list("role", "ended_at")
    )
    assert [role for role, _ in roles] == ["YELLOW", "BLUE"]
    assert roles[0][1] is not None and roles[1][1] is None
    assert not BlueYellowLink.objects.filter(yellow=yellow, ended_at__isnull=True).exists()


def test_who_was_a_blue_dot_before_stays_true(api_for, network, leader):
    blue = network.blues[0]
    before = Membership.objects.get(pk=blue.pk).started_at
    api = api_for(leader)
    api.data(ROLE_CHANGE, {"input": {"membershipId": gid(blue), "role": "YELLOW"}})

    then = api.data(HISTORY, {"id": gid(network.cohort), "asOf": before.isoformat()})["cohort"]
    now = api.data(HISTORY, {"id": gid(network.cohort)})["cohort"]

    name = blue.person.full_name
    assert {"role": "BLUE", "person": {"fullName": name}} in then["members"]
    assert {"role": "YELLOW", "person": {"fullName": name}} in now["members"]
    ended = next(
        m
        for m in now["membershipHistory"]
        if m["person"]["fullName"] == name and not m["isCurrent"]
    )
    # The ended blue membership still says whom they were assigned.
    assert len(ended["visits"]) == 2


def test_strict_targets_apply_to_role_changes(api_for, network, leader):
    Cohort.objects.filter(pk=network.cohort.pk).update(enforce_targets=True)

    result = api_for(leader).data(
        ROLE_CHANGE, {"input": {"membershipId": gid(network.yellows[0]), "role": "BLUE"}}
    )["membershipRoleChange"]

    assert result["errors"] == [{"field": "role", "code": "ROLE_LIMIT_EXCEEDED"}]
    assert Membership.objects.get(pk=network.yellows[0].pk).ended_at is None


def test_the_leader_hands_over_rather_than_changing_role(api_for, network, leader):
    result = api_for(leader).data(
        ROLE_CHANGE, {"input": {"membershipId": gid(network.leader), "role": "BLUE"}}
    )["membershipRoleChange"]

    assert result["errors"] == [{"field": "membershipId", "code": "LEADER_MUST_HAND_OVER"}]


def test_a_replacement_takes_the_place_and_the_assignments(api_for, network, leader):
    blue = network.blues[1]
    newcomer = TeacherFactory(school=leader.school)

    result = api_for(leader).data(
        REPLACE, {"input": {"membershipId": gid(blue), "personId": gid(newcomer)}}
    )["membershipReplace"]

    assert result["errors"] == []
    assert result["membership"]["role"] == "BLUE"
    assert result["membership"]["person"] == {"fullName": newcomer.full_name}
    assert {v["person"]["fullName"] for v in result["membership"]["visits"]} == {
        y.person.full_name for y in network.yellows[2:4]
    }
    assert result["cohort"]["guidance"] == {"unassignedYellowCount": 0, "groupSize": 13}
    old = Membership.objects.get(pk=blue.pk)
    assert old.ended_at is not None
    assert BlueYellowLink.objects.filter(blue=old).count() == 2  # kept, ended


def test_a_replacement_must_not_already_be_in_the_cohort(api_for, network, leader):
    result = api_for(leader).data(
        REPLACE,
        {
            "input": {
                "membershipId": gid(network.blues[0]),
                "personId": gid(network.yellows[0].person),
            }
        },
    )["membershipReplace"]

    assert result["errors"] == [{"field": "personId", "code": "ALREADY_MEMBER"}]
    assert Membership.objects.get(pk=network.blues[0].pk).ended_at is None


def test_a_peer_may_leave_by_themselves(api_for, network):
    yellow = network.yellows[0]

    result = api_for(yellow.person).data(END, {"input": {"membershipId": gid(yellow)}})[
        "membershipEnd"
    ]

    assert result["errors"] == []
    assert result["cohort"] is None  # they no longer see it
    assert Membership.objects.get(pk=yellow.pk).ended_at is not None
    assert not BlueYellowLink.objects.filter(yellow=yellow, ended_at__isnull=True).exists()


def test_the_leader_removes_a_peer_and_guidance_follows(api_for, network, leader):
    result = api_for(leader).data(END, {"input": {"membershipId": gid(network.yellows[0])}})[
        "membershipEnd"
    ]

    assert result["membership"]["isCurrent"] is False
    assert result["cohort"]["guidance"] == {"yellowCount": 7}


def test_ending_twice_is_refused(api_for, network, leader):
    api = api_for(leader)
    api.data(END, {"input": {"membershipId": gid(network.yellows[0])}})

    again = api.data(END, {"input": {"membershipId": gid(network.yellows[0])}})["membershipEnd"]

    assert again["errors"] == [{"field": "membershipId", "code": "NOT_A_MEMBER"}]


def test_the_leader_cannot_just_leave(api_for, network, leader):
    result = api_for(leader).data(END, {"input": {"membershipId": gid(network.leader)}})[
        "membershipEnd"
    ]

    assert error_codes(result) == ["LEADER_MUST_HAND_OVER"]
    assert Membership.objects.filter(role=Role.LEADER, ended_at__isnull=True).count() == 1


def test_a_peer_cannot_remove_another(api_for, network):
    result = api_for(network.yellows[0].person).post_graphql(
        END, {"input": {"membershipId": gid(network.yellows[1])}}
    )

    assert error_codes(result["data"]["membershipEnd"]) == ["NOT_ALLOWED"]


def test_someone_outside_cannot_even_find_the_membership(api_for, network, teacher):
    result = api_for(teacher).data(END, {"input": {"membershipId": gid(network.yellows[1])}})

    assert error_codes(result["membershipEnd"]) == ["NOT_FOUND"]


def test_a_wrong_kind_of_id_is_invalid(api_for, network, leader):
    result = api_for(leader).data(END, {"input": {"membershipId": gid(network.cohort)}})

    assert result["membershipEnd"]["errors"] == [{"field": "membershipId", "code": "INVALID_ID"}]
