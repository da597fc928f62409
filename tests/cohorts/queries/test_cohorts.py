"""Who sees which cohort, and what each member sees of it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cohorts.models import Membership
from tests.cohorts.conftest import gid
from tests.cohorts.factories import build_cohort
from tests.conftest import top_level_codes
from tests.factories import CoordinatorFactory, LeaderFactory, SchoolFactory, TeacherFactory

pytestmark = pytest.mark.django_db

MY_COHORTS = """
{
  cohorts {
    totalCount
    edges { node {
      name canManage
      myMembership {
        role
        visits { person { fullName } }
        visitedBy { person { fullName } }
      }
      members { role person { fullName } }
      links { blue { person { fullName } } yellow { person { fullName } } }
    } }
  }
}
"""
ONE = "query($id: ID!) { cohort(id: $id) { name } node(id: $id) { id } }"


def names(api) -> list[str]:
    return [edge["node"]["name"] for edge in api.data(MY_COHORTS)["cohorts"]["edges"]]


def test_a_yellow_dot_sees_their_cohort_their_role_and_who_visits_them(api_for, network):
    yellow = network.yellows[0]

    cohort = api_for(yellow.person).data(MY_COHORTS)["cohorts"]["edges"][0]["node"]

    assert cohort["canManage"] is False
    assert cohort["myMembership"] == {
        "role": "YELLOW",
        "visits": [],
        "visitedBy": {"person": {"fullName": network.blues[0].person.full_name}},
    }
    assert len(cohort["members"]) == 13
    assert [m["role"] for m in cohort["members"]] == ["LEADER"] + ["BLUE"] * 4 + ["YELLOW"] * 8
    assert len(cohort["links"]) == 8


def test_a_blue_dot_sees_whom_they_visit_and_that_the_leader_visits_them(api_for, network, leader):
    blue = network.blues[1]

    mine = api_for(blue.person).data(MY_COHORTS)["cohorts"]["edges"][0]["node"]["myMembership"]

    assert mine["role"] == "BLUE"
    assert {v["person"]["fullName"] for v in mine["visits"]} == {
        y.person.full_name for y in network.yellows[2:4]
    }
    assert mine["visitedBy"] == {"person": {"fullName": leader.full_name}}


def test_the_leader_visits_the_blue_dots(api_for, network, leader):
    mine = api_for(leader).data(MY_COHORTS)["cohorts"]["edges"][0]["node"]

    assert mine["canManage"] is True
    assert {v["person"]["fullName"] for v in mine["myMembership"]["visits"]} == {
        b.person.full_name for b in network.blues
    }
    assert mine["myMembership"]["visitedBy"] is None


def test_a_coordinator_sees_every_cohort_of_the_district_read_only(api_for, network):
    coordinator = CoordinatorFactory(coordinated_district=network.school.district)
    neighbour = build_cohort(school=SchoolFactory(district=network.school.district), blues=1)
    build_cohort(blues=1)  # another district

    api = api_for(coordinator)

    assert sorted(names(api)) == sorted([network.cohort.name, neighbour.cohort.name])
    edges = api.data(MY_COHORTS)["cohorts"]["edges"]
    assert {edge["node"]["canManage"] for edge in edges} == {False}
    assert {edge["node"]["myMembership"] for edge in edges} == {None}


def test_a_teacher_of_the_school_outside_the_cohort_sees_nothing(api_for, network):
    teacher = TeacherFactory(school=network.school)
    api = api_for(teacher)

    assert names(api) == []
    assert api.data(ONE, {"id": gid(network.cohort)}) == {"cohort": None, "node": None}


def test_a_leader_of_another_school_sees_nothing(api_for, network):
    other = LeaderFactory(school=SchoolFactory(district=network.school.district))

    assert api_for(other).data(ONE, {"id": gid(network.cohort)}) == {"cohort": None, "node": None}


def test_a_coordinator_of_another_district_sees_nothing(api_for, network):
    assert api_for(CoordinatorFactory()).data(ONE, {"id": gid(network.cohort)})["cohort"] is None


def test_someone_who_left_no_longer_sees_the_cohort(api_for, network):
    yellow = network.yellows[0]
    Membership.objects.filter(pk=yellow.pk).update(ended_at=timezone.now())

    assert names(api_for(yellow.person)) == []


def test_staff_see_every_cohort(api_for, staff, network):
    build_cohort(blues=0, yellows=0)

    assert len(names(api_for(staff))) == 2


def test_anonymous_people_must_sign_in(api, network):
    assert top_level_codes(api.post_graphql("{ cohorts { totalCount } }")) == ["UNAUTHENTICATED"]


def test_lists_filter_by_school_and_year(api_for, staff, network):
    build_cohort(school=network.school, blues=0, yellows=0)
    other_year = build_cohort(school=network.school, blues=0, yellows=0).cohort
    other_year.school_year = "2025-2026"
    other_year.save()
    api = api_for(staff)

    by_school = api.data(
        "query($s: ID) { cohorts(schoolId: $s) { totalCount } }", {"s": gid(network.school)}
    )
    by_year = api.data('{ cohorts(schoolYear: "2025-2026") { totalCount } }')

    assert by_school["cohorts"]["totalCount"] == 3
    assert by_year["cohorts"]["totalCount"] == 1


def test_members_as_of_a_date_answer_who_was_there_then(api_for, network, leader):
    spring = timezone.now() - timedelta(days=120)
    Membership.objects.filter(cohort=network.cohort).update(started_at=spring - timedelta(days=30))
    gone = network.blues[3]
    Membership.objects.filter(pk=gone.pk).update(ended_at=spring + timedelta(days=10))
    query = (
        "query($id: ID!, $at: DateTime) { cohort(id: $id) { "
        "members(asOf: $at, role: BLUE) { person { fullName } } } }"
    )
    api = api_for(leader)

    then = api.data(query, {"id": gid(network.cohort), "at": spring.isoformat()})
    now = api.data(query, {"id": gid(network.cohort), "at": None})

    assert len(then["cohort"]["members"]) == 4
    assert len(now["cohort"]["members"]) == 3
    assert {"person": {"fullName": gone.person.full_name}} in then["cohort"]["members"]
