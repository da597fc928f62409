"""Who may see which map: members their cohort, leaders their cohorts (also as their school's
map), coordinators their district, staff everything. A map you may not see, of a scope that
does not exist or is too wide for you, is null alike: refusals never reveal what exists."""

from types import SimpleNamespace

import pytest

from tests.conftest import top_level_codes
from tests.factories import (
    CoordinatorFactory,
    DistrictFactory,
    SchoolFactory,
    StaffFactory,
    TeacherFactory,
)

from .conftest import MAP_QUERY, at_day, cohort_scope, district_scope, gid, school_scope

NAMES = (
    "query Map($scope: NetworkScopeInput!) { networkMap(scope: $scope) { name cohorts { name } } }"
)


@pytest.fixture
def world(seeder, make_group):
    """District one: school one with cohorts A and B, school two with cohort C.
    District two: school three with cohort E."""
    one, two = DistrictFactory(), DistrictFactory()
    s1, s2 = SchoolFactory(district=one), SchoolFactory(district=one)
    s3 = SchoolFactory(district=two)
    a = make_group(seeder, s1, name="A", blues=1, yellows_per_blue=1)
    b = make_group(seeder, s1, name="B", blues=1, yellows_per_blue=1)
    c = make_group(seeder, s2, name="C", blues=1, yellows_per_blue=1)
    e = make_group(seeder, s3, name="E", blues=1, yellows_per_blue=1)
    former = TeacherFactory(school=s1)
    seeder.member(a.cohort, former, "YELLOW", started_at=at_day(-10), ended_at=at_day(-1))
    seeder.save()
    return SimpleNamespace(
        one=one,
        two=two,
        s1=s1,
        s2=s2,
        s3=s3,
        a=a,
        b=b,
        c=c,
        e=e,
        former=former,
        coordinator=CoordinatorFactory(coordinated_district=one),
        other_coordinator=CoordinatorFactory(coordinated_district=two),
        outsider=TeacherFactory(school=s1),
        staff=StaffFactory(),
    )


NULL = "null"


def ask(api, scope):
    body = api.post_graphql(NAMES, {"scope": scope})
    if "errors" in body:
        return top_level_codes(body)
    if body["data"]["networkMap"] is None:
        return NULL
    return sorted(c["name"] for c in body["data"]["networkMap"]["cohorts"])


def test_signing_in_is_required(api, world):
    assert ask(api, cohort_scope(world.a.cohort)) == ["UNAUTHENTICATED"]


def test_members_see_their_own_cohort_only(api_for, world):
    member = api_for(world.a.yellows[0][0])

    assert ask(member, cohort_scope(world.a.cohort)) == ["A"]
    assert ask(member, cohort_scope(world.b.cohort)) == NULL
    assert ask(member, school_scope(world.s1)) == NULL
    assert ask(member, district_scope(world.one)) == NULL
    assert ask(member, district_scope(world.two)) == NULL


def test_someone_who_left_no_longer_sees_the_cohort(api_for, world):
    assert ask(api_for(world.former), cohort_scope(world.a.cohort)) == NULL


def test_teachers_outside_a_cohort_see_nothing(api_for, world):
    outsider = api_for(world.outsider)

    assert ask(outsider, cohort_scope(world.a.cohort)) == NULL
    assert ask(outsider, school_scope(world.s1)) == NULL


def test_leaders_see_their_cohorts_alone_or_as_their_school(api_for, world):
    leader = api_for(world.a.leader)

    assert ask(leader, cohort_scope(world.a.cohort)) == ["A"]
    assert ask(leader, cohort_scope(world.b.cohort)) == NULL
    # their school's map holds only the cohorts they lead, not B
    assert ask(leader, school_scope(world.s1)) == ["A"]
    # another school of their district, where they lead nothing
    assert ask(leader, school_scope(world.s2)) == NULL
    assert ask(leader, school_scope(world.s3)) == NULL
    assert ask(leader, district_scope(world.one)) == NULL


def test_coordinators_see_their_district_and_nothing_else(api_for, world):
    coordinator = api_for(world.coordinator)

    assert ask(coordinator, cohort_scope(world.c.cohort)) == ["C"]
    assert ask(coordinator, school_scope(world.s1)) == ["A", "B"]
    assert ask(coordinator, district_scope(world.one)) == ["A", "B", "C"]
    assert ask(coordinator, cohort_scope(world.e.cohort)) == NULL
    assert ask(coordinator, school_scope(world.s3)) == NULL
    assert ask(coordinator, district_scope(world.two)) == NULL
    assert ask(api_for(world.other_coordinator), cohort_scope(world.a.cohort)) == NULL


def test_staff_see_everything(api_for, world):
    staff = api_for(world.staff)

    assert ask(staff, district_scope(world.two)) == ["E"]
    assert ask(staff, school_scope(world.s1)) == ["A", "B"]


def test_ids_that_lead_nowhere_are_null(api_for, world):
    coordinator = api_for(world.coordinator)

    assert ask(coordinator, {"cohortId": gid("Cohort", 999_999)}) == NULL
    assert ask(coordinator, {"schoolId": gid("School", 999_999)}) == NULL
    assert ask(coordinator, {"districtId": gid("District", 999_999)}) == NULL


@pytest.mark.parametrize(
    "scope",
    [
        {},
        {"cohortId": "x", "schoolId": "y"},
        {"cohortId": "not-a-global-id"},
    ],
)
def test_malformed_scopes_are_bad_input(api_for, world, scope):
    assert ask(api_for(world.coordinator), scope) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize(
    "scope", [{"cohortId": gid("School", 1)}, {"districtId": gid("District", "abc")}]
)
def test_ids_of_another_type_name_no_map(api_for, world, scope):
    """A global id, but of no object of that kind: null, as for one that does not exist."""
    assert ask(api_for(world.coordinator), scope) == NULL


STUCK = """
query Stuck($district: ID!, $weeks: Int) {
  stuckCohorts(districtId: $district, weeksWithoutVisit: $weeks) { name reasons }
}
"""


def test_the_stuck_list_is_for_the_districts_coordinators(api_for, world):
    def stuck(user, district, weeks=4):
        body = api_for(user).post_graphql(
            STUCK, {"district": gid("District", district.pk), "weeks": weeks}
        )
        return top_level_codes(body) or sorted(c["name"] for c in body["data"]["stuckCohorts"])

    assert stuck(world.coordinator, world.one) == ["A", "B", "C"]
    assert stuck(world.staff, world.two) == ["E"]
    # Another district's list leaves out what you may not see: all of it.
    assert stuck(world.coordinator, world.two) == []
    assert stuck(world.a.leader, world.one) == ["FORBIDDEN"]  # a role that may never ask
    assert stuck(world.coordinator, world.one, weeks=0) == ["BAD_USER_INPUT"]


IMAGE = """
query Image($cohort: ID!) { networkMapImage(cohortId: $cohort) { url } }
"""


@pytest.mark.urls("tests.networks.urls")
def test_pictures_follow_the_cohort_rule(api_for, world):
    def image(user, cohort):
        body = api_for(user).post_graphql(IMAGE, {"cohort": gid("Cohort", cohort.pk)})
        return top_level_codes(body) or ("ok" if body["data"]["networkMapImage"] else NULL)

    assert image(world.a.yellows[0][0], world.a.cohort) == "ok"
    assert image(world.a.yellows[0][0], world.b.cohort) == NULL
    assert image(world.coordinator, world.c.cohort) == "ok"
    assert image(world.coordinator, world.e.cohort) == NULL


def test_the_full_map_query_runs_for_a_member(api_for, world):
    data = api_for(world.a.blues[0]).data(MAP_QUERY, {"scope": cohort_scope(world.a.cohort)})

    assert data["networkMap"]["scope"] == "COHORT"
    assert data["networkMap"]["scopeId"] == gid("Cohort", world.a.cohort.pk)
    assert len(data["networkMap"]["nodes"]) == 3


def test_maps_are_limited_per_person_and_repeats_in_a_request_are_free(api_for, world, monkeypatch):
    from networks.graphql import schema as network_schema

    monkeypatch.setattr(network_schema, "MAPS_PER_MINUTE", 2)
    api = api_for(world.coordinator)
    twice = """
    query Twice($scope: NetworkScopeInput!) {
      a: networkMap(scope: $scope) { name }
      b: networkMap(scope: $scope) { name }
    }
    """

    assert "errors" not in api.post_graphql(twice, {"scope": district_scope(world.one)})
    assert ask(api, school_scope(world.s1)) == ["A", "B"]
    assert ask(api, school_scope(world.s2)) == ["RATE_LIMITED"]
