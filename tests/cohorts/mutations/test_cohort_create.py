import pytest

from cohorts.models import Cohort, Membership, Role
from tests.cohorts.conftest import gid
from tests.conftest import error_codes, top_level_codes
from tests.factories import LeaderFactory, SchoolFactory, TeacherFactory

pytestmark = pytest.mark.django_db

CREATE = """
mutation Create($input: CohortCreateInput!) {
  cohortCreate(input: $input) {
    cohort {
      name schoolYear targetBlueCount targetYellowCount enforceTargets canManage
      school { name }
      leader { person { fullName } role }
      guidance { groupSize targetGroupSize messages { code message count } }
    }
    errors { field message code }
  }
}
"""


def create(api, school, **extra):
    variables = {"input": {"schoolId": gid(school), "name": "Learning group", **extra}}
    variables["input"].setdefault("schoolYear", "2026-2027")
    return api.post_graphql(CREATE, variables)


def test_a_teacher_leader_creates_a_cohort_and_leads_it(api_for, leader):
    result = create(api_for(leader), leader.school)

    payload = result["data"]["cohortCreate"]
    assert payload["errors"] == []
    cohort = payload["cohort"]
    assert cohort["leader"] == {"person": {"fullName": leader.full_name}, "role": "LEADER"}
    assert (cohort["targetBlueCount"], cohort["targetYellowCount"]) == (4, 8)
    assert cohort["enforceTargets"] is False
    assert cohort["canManage"] is True
    assert cohort["guidance"]["groupSize"] == 1
    assert cohort["guidance"]["targetGroupSize"] == 13
    assert [m["code"] for m in cohort["guidance"]["messages"]] == [
        "BLUE_DOTS_MISSING",
        "YELLOW_DOTS_MISSING",
    ]
    assert cohort["guidance"]["messages"][0]["message"] == (
        "0 of 4 blue dots: 4 more blue dots to invite."
    )


def test_a_school_can_aim_for_other_sizes(api_for, leader):
    result = create(api_for(leader), leader.school, targetBlueCount=3, targetYellowCount=6)

    cohort = result["data"]["cohortCreate"]["cohort"]
    assert cohort["guidance"]["targetGroupSize"] == 10


def test_a_coordinator_creates_a_cohort_for_a_school_and_names_its_leader(api_for, coordinator):
    school = SchoolFactory(district=coordinator.coordinated_district)
    leader = LeaderFactory(school=school)

    result = create(api_for(coordinator), school, leaderId=gid(leader))

    payload = result["data"]["cohortCreate"]
    assert payload["errors"] == []
    assert payload["cohort"]["leader"]["person"]["fullName"] == leader.full_name
    assert payload["cohort"]["canManage"] is False  # coordinators read only


def test_a_coordinator_may_leave_the_leader_for_later(api_for, coordinator, school):
    result = create(api_for(coordinator), school)

    cohort = result["data"]["cohortCreate"]["cohort"]
    assert cohort["leader"] is None
    assert cohort["guidance"]["messages"][0]["code"] == "NO_LEADER"


def test_the_named_leader_must_be_a_teacher_leader_of_the_school(api_for, coordinator, school):
    plain = TeacherFactory(school=school)

    result = create(api_for(coordinator), school, leaderId=gid(plain))

    payload = result["data"]["cohortCreate"]
    assert payload["errors"] == [
        {
            "field": "leaderId",
            "message": f"{plain.full_name} is not a teacher leader.",
            "code": "NOT_A_TEACHER_LEADER",
        }
    ]
    assert not Cohort.objects.exists()


def test_a_leader_of_another_school_cannot_be_named(api_for, coordinator, school):
    elsewhere = LeaderFactory(school=SchoolFactory(district=school.district))

    result = create(api_for(coordinator), school, leaderId=gid(elsewhere))

    assert error_codes(result["data"]["cohortCreate"]) == ["NOT_IN_SCHOOL"]


def test_a_leader_cannot_create_a_cohort_in_another_school(api_for, leader):
    other = SchoolFactory(district=leader.school.district)

    result = create(api_for(leader), other)

    # The school is one they can see (their district's): refused in the payload, not by role.
    assert error_codes(result["data"]["cohortCreate"]) == ["NOT_ALLOWED"]
    assert not Cohort.objects.exists()


def test_a_coordinator_cannot_see_schools_of_another_district(api_for, coordinator):
    result = create(api_for(coordinator), SchoolFactory())

    assert error_codes(result["data"]["cohortCreate"]) == ["NOT_FOUND"]


def test_a_plain_teacher_cannot_create_cohorts(api_for, teacher):
    assert top_level_codes(create(api_for(teacher), teacher.school)) == ["FORBIDDEN"]


def test_anonymous_cannot_create_cohorts(api, school):
    assert top_level_codes(create(api, school)) == ["UNAUTHENTICATED"]


@pytest.mark.parametrize(
    ("extra", "field", "code"),
    [
        ({"name": "  "}, "name", "REQUIRED"),
        ({"schoolYear": "2026/27"}, "schoolYear", "INVALID_SCHOOL_YEAR"),
        ({"schoolYear": "2026-2028"}, "schoolYear", "INVALID_SCHOOL_YEAR"),
        ({"targetBlueCount": -1}, "targetBlueCount", "INVALID"),
        ({"targetYellowCount": 201}, "targetYellowCount", "INVALID"),
    ],
)
def test_bad_input_is_refused_per_field_and_creates_nothing(api_for, leader, extra, field, code):
    result = create(api_for(leader), leader.school, **extra)

    errors = result["data"]["cohortCreate"]["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [(field, code)]
    assert not Cohort.objects.exists()
    assert not Membership.objects.exists()


def test_a_name_is_unique_per_school_and_year(api_for, leader):
    api = api_for(leader)
    create(api, leader.school)

    again = create(api, leader.school)

    assert again["data"]["cohortCreate"]["errors"][0]["code"] == "DUPLICATE_NAME"
    assert Cohort.objects.count() == 1
    assert Membership.objects.filter(role=Role.LEADER).count() == 1
