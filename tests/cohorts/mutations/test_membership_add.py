import pytest

from cohorts.models import BlueYellowLink, Cohort, Membership, Role
from notifications.models import Notification
from tests.cohorts.conftest import gid
from tests.cohorts.factories import build_cohort
from tests.conftest import error_codes, top_level_codes
from tests.factories import LeaderFactory, SchoolFactory, TeacherFactory

pytestmark = pytest.mark.django_db

ADD = """
mutation Add($input: MembershipAddInput!) {
  membershipAdd(input: $input) {
    membership { role isCurrent person { fullName } visitedBy { person { fullName } } }
    cohort { guidance { blueCount yellowCount messages { code message count } } }
    errors { field message code }
  }
}
"""


def add(api, cohort, person, role, **extra):
    variables = {"input": {"cohortId": gid(cohort), "personId": gid(person), "role": role, **extra}}
    return api.post_graphql(ADD, variables)


def test_the_leader_adds_a_teacher_as_a_blue_dot(api_for, leader):
    network = build_cohort(leader=leader, blues=3, yellows=0)
    teacher = TeacherFactory(school=leader.school)

    result = add(api_for(leader), network.cohort, teacher, "BLUE")

    payload = result["data"]["membershipAdd"]
    assert payload["errors"] == []
    assert payload["membership"] == {
        "role": "BLUE",
        "isCurrent": True,
        "person": {"fullName": teacher.full_name},
        "visitedBy": {"person": {"fullName": leader.full_name}},
    }
    assert payload["cohort"]["guidance"]["blueCount"] == 4
    note = Notification.objects.get(recipient=teacher)
    assert (note.kind, note.target_type) == ("COHORT_CHANGED", "Cohort")


def test_a_yellow_dot_can_be_assigned_as_they_are_added(api_for, leader):
    network = build_cohort(leader=leader, blues=1, yellows=0)
    teacher = TeacherFactory(school=leader.school)

    result = add(
        api_for(leader), network.cohort, teacher, "YELLOW", blueMembershipId=gid(network.blues[0])
    )

    payload = result["data"]["membershipAdd"]
    assert payload["membership"]["visitedBy"] == {
        "person": {"fullName": network.blues[0].person.full_name}
    }
    assert payload["cohort"]["guidance"]["messages"] == [
        {
            "code": "BLUE_DOTS_MISSING",
            "message": "1 of 4 blue dots: 3 more blue dots to invite.",
            "count": 3,
        },
        {
            "code": "YELLOW_DOTS_MISSING",
            "message": "1 of 8 yellow dots: 7 more yellow dots to invite.",
            "count": 7,
        },
    ]


def test_unassigned_yellow_dots_are_guidance_not_a_wall(api_for, leader):
    network = build_cohort(leader=leader, blues=4, yellows=7)
    teacher = TeacherFactory(school=leader.school)

    result = add(api_for(leader), network.cohort, teacher, "YELLOW")

    messages = result["data"]["membershipAdd"]["cohort"]["guidance"]["messages"]
    assert messages == [
        {"code": "YELLOW_DOTS_UNASSIGNED", "message": "1 yellow dot still unassigned.", "count": 1}
    ]


def test_more_than_the_programme_suggests_is_allowed_with_advice(api_for, network, leader):
    teacher = TeacherFactory(school=leader.school)

    result = add(api_for(leader), network.cohort, teacher, "BLUE")

    payload = result["data"]["membershipAdd"]
    assert payload["errors"] == []
    assert [m["code"] for m in payload["cohort"]["guidance"]["messages"]] == [
        "BLUE_DOTS_ABOVE_TARGET",
        "BLUE_DOTS_WITHOUT_YELLOW",
    ]


def test_strict_targets_refuse_a_fifth_blue_dot(api_for, network, leader):
    Cohort.objects.filter(pk=network.cohort.pk).update(enforce_targets=True)
    teacher = TeacherFactory(school=leader.school)

    result = add(api_for(leader), network.cohort, teacher, "BLUE")

    assert result["data"]["membershipAdd"]["errors"] == [
        {
            "field": "role",
            "message": "This cohort is set to at most 4 blue dots and has 4.",
            "code": "ROLE_LIMIT_EXCEEDED",
        }
    ]
    assert not Membership.objects.filter(person=teacher).exists()
    assert not Notification.objects.filter(recipient=teacher).exists()


def test_a_person_is_in_a_cohort_only_once(api_for, network, leader):
    yellow = network.yellows[0].person

    result = add(api_for(leader), network.cohort, yellow, "BLUE")

    assert result["data"]["membershipAdd"]["errors"] == [
        {
            "field": "personId",
            "message": f"{yellow.full_name} is already in this cohort.",
            "code": "ALREADY_MEMBER",
        }
    ]


def test_a_person_may_be_in_two_cohorts(api_for, network, leader):
    other = build_cohort(leader=leader, blues=0, yellows=0)

    result = add(api_for(leader), other.cohort, network.blues[0].person, "YELLOW")

    assert result["data"]["membershipAdd"]["errors"] == []


def test_only_teachers_of_the_school_join(api_for, network, leader, staff):
    # Staff see every person, so the school rule is the service's, not visibility's.
    elsewhere = TeacherFactory(school=SchoolFactory(district=leader.school.district))

    result = add(api_for(staff), network.cohort, elsewhere, "BLUE")

    assert error_codes(result["data"]["membershipAdd"]) == ["NOT_IN_SCHOOL"]


def test_a_leader_cannot_see_teachers_of_other_schools(api_for, network, leader):
    elsewhere = TeacherFactory(school=SchoolFactory(district=leader.school.district))

    result = add(api_for(leader), network.cohort, elsewhere, "BLUE")

    assert result["data"]["membershipAdd"]["errors"][0]["code"] == "NOT_FOUND"
    assert result["data"]["membershipAdd"]["errors"][0]["field"] == "personId"


def test_only_yellow_dots_are_assigned_on_adding(api_for, network, leader):
    teacher = TeacherFactory(school=leader.school)

    result = add(
        api_for(leader), network.cohort, teacher, "BLUE", blueMembershipId=gid(network.blues[0])
    )

    assert error_codes(result["data"]["membershipAdd"]) == ["INVALID"]
    assert not Membership.objects.filter(person=teacher).exists()


def test_a_yellow_dot_cannot_be_assigned_to_a_yellow_dot(api_for, network, leader):
    teacher = TeacherFactory(school=leader.school)

    result = add(
        api_for(leader),
        network.cohort,
        teacher,
        "YELLOW",
        blueMembershipId=gid(network.yellows[0]),
    )

    assert result["data"]["membershipAdd"]["errors"][0]["code"] == "NOT_A_BLUE_DOT"
    assert not Membership.objects.filter(person=teacher).exists()  # nothing half-written


def test_a_blue_dot_of_another_cohort_is_refused(api_for, network, leader):
    other = build_cohort(leader=leader, blues=1, yellows=0)
    teacher = TeacherFactory(school=leader.school)

    result = add(
        api_for(leader), network.cohort, teacher, "YELLOW", blueMembershipId=gid(other.blues[0])
    )

    assert error_codes(result["data"]["membershipAdd"]) == ["NOT_A_BLUE_DOT"]
    assert not BlueYellowLink.objects.filter(yellow__person=teacher).exists()


def test_peers_cannot_add_people(api_for, network):
    blue = network.blues[0].person
    teacher = TeacherFactory(school=blue.school)

    assert top_level_codes(add(api_for(blue), network.cohort, teacher, "BLUE")) == ["FORBIDDEN"]


def test_a_leader_of_another_cohort_gets_not_found(api_for, network):
    stranger = LeaderFactory(school=network.school)
    teacher = TeacherFactory(school=network.school)

    result = add(api_for(stranger), network.cohort, teacher, "BLUE")

    assert error_codes(result["data"]["membershipAdd"]) == ["NOT_FOUND"]
    assert not Membership.objects.filter(person=teacher).exists()


def test_the_leader_role_is_not_given_here(api_for, network, leader):
    result = add(api_for(leader), network.cohort, TeacherFactory(school=leader.school), "LEADER")

    # PeerRole has no LEADER: the request is refused before anything runs.
    assert top_level_codes(result) == ["BAD_REQUEST"]
    assert Membership.objects.filter(cohort=network.cohort, role=Role.LEADER).count() == 1
