"""The school scope (`backend.accounts.scope`): each role against its own school, another school
of its district, and a school of another district.

The selectors' own tests and tests/security check what each field shows; these check the rule
they are all built from, so a change to a role's reach shows up here first.
"""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser

from backend.accounts import scope
from backend.accounts.models import User
from tests.factories import (
    CoordinatorFactory,
    LeaderFactory,
    SchoolFactory,
    StaffFactory,
    TeacherFactory,
)

PLACES = ("own school", "other school", "other district")


@pytest.fixture
def world(db):
    own = SchoolFactory()
    other = SchoolFactory(district=own.district)
    elsewhere = SchoolFactory()
    return SimpleNamespace(
        # One person in each place, to filter on.
        people={
            "own school": TeacherFactory(school=own),
            "other school": TeacherFactory(school=other),
            "other district": TeacherFactory(school=elsewhere),
        },
        viewers={
            "teacher": TeacherFactory(school=own),
            "leader": LeaderFactory(school=own),
            "coordinator": CoordinatorFactory(coordinated_district=own.district),
            "staff": StaffFactory(),
            "anonymous": AnonymousUser(),
        },
        elsewhere=elsewhere,
    )


def _reached(world, viewer, condition) -> tuple[bool, ...]:
    """For each place, whether `viewer` sees its person under `condition`."""
    probes = User.objects.filter(pk__in=[person.pk for person in world.people.values()])
    seen = set(scope.scoped(viewer, probes, condition).values_list("pk", flat=True))
    return tuple(world.people[place].pk in seen for place in PLACES)


ALL, NONE = (True, True, True), (False, False, False)
OWN, DISTRICT = (True, False, False), (True, True, False)

# role -> condition -> reach in (own school, other school of the district, other district)
REACH = {
    "teacher": {
        "sees_into": OWN,
        "oversees": NONE,
        "in_district": DISTRICT,
        "people": OWN,
        "oversees_people": NONE,
    },
    "leader": {
        "sees_into": OWN,
        "oversees": NONE,
        "in_district": DISTRICT,
        "people": OWN,
        "oversees_people": NONE,
    },
    "coordinator": {
        "sees_into": DISTRICT,
        "oversees": DISTRICT,
        "in_district": DISTRICT,
        "people": DISTRICT,
        "oversees_people": DISTRICT,
    },
    "staff": {
        "sees_into": ALL,
        "oversees": ALL,
        "in_district": ALL,
        "people": ALL,
        "oversees_people": ALL,
    },
    "anonymous": {
        "sees_into": NONE,
        "oversees": NONE,
        "in_district": NONE,
        "people": NONE,
        "oversees_people": NONE,
    },
}
CONDITIONS = {
    "sees_into": scope.sees_into,
    "oversees": scope.oversees,
    "in_district": scope.in_district,
    "people": scope.people_seen,
    "oversees_people": scope.oversees_people,
}
# The same rule asked of one loaded row, beside the condition it must agree with.
ROW_RULES = {
    "oversees": (scope.oversees_row, scope.oversees),
    "in_district": (scope.in_district_row, scope.in_district),
}


@pytest.mark.parametrize("role", list(REACH))
@pytest.mark.parametrize("condition", list(CONDITIONS))
def test_each_role_reaches_its_own_school_its_district_or_everything(world, role, condition):
    viewer = world.viewers[role]

    reached = _reached(world, viewer, CONDITIONS[condition])

    assert reached == REACH[role][condition]


@pytest.mark.parametrize("role", list(REACH))
def test_the_rule_on_one_loaded_person_agrees_with_the_filter(world, role):
    viewer = world.viewers[role]
    other_coordinator = CoordinatorFactory(
        coordinated_district=world.people["own school"].school.district
    )
    foreign_coordinator = CoordinatorFactory(coordinated_district=world.elsewhere.district)
    people = [*world.people.values(), other_coordinator, foreign_coordinator]
    if viewer.is_authenticated:
        people.append(viewer)

    in_filter = set(
        scope.scoped(
            viewer, User.objects.filter(pk__in=[p.pk for p in people]), scope.people_seen
        ).values_list("pk", flat=True)
    )

    assert {p.pk for p in people if scope.sees_person(viewer, p)} == in_filter


def test_a_coordinators_school_list_is_read_once_per_request(world, django_assert_num_queries):
    coordinator = world.viewers["coordinator"]

    with django_assert_num_queries(1):
        for person in world.people.values():
            scope.sees_person(coordinator, person)


def test_a_reach_the_role_does_not_have_costs_no_query(world, django_assert_num_queries):
    teacher = world.viewers["teacher"]

    with django_assert_num_queries(0):
        assert list(scope.scoped(teacher, User.objects.all(), scope.oversees)) == []
        assert scope.overseen_school_ids(teacher) == frozenset()


def test_what_no_one_may_meet_leaves_the_sql_of_an_or_unchanged(world):
    teacher = world.viewers["teacher"]
    people = User.objects.all()

    with_nothing = people.filter(scope.own_school(teacher) | scope.oversees(teacher))

    assert str(with_nothing.query) == str(people.filter(school_id=teacher.school_id).query)


@pytest.mark.parametrize("role", list(REACH))
@pytest.mark.parametrize("rule", list(ROW_RULES))
def test_each_rule_on_one_loaded_row_agrees_with_its_filter(world, role, rule):
    viewer = world.viewers[role]
    on_row, condition = ROW_RULES[rule]

    on_rows = tuple(on_row(viewer, world.people[place]) for place in PLACES)

    assert on_rows == _reached(world, viewer, condition) == REACH[role][rule]


def test_the_row_rules_follow_any_path_to_a_district(world):
    coordinator = world.viewers["coordinator"]
    school = world.people["own school"].school

    assert scope.oversees_row(coordinator, school, "district_id")
    assert scope.oversees_row(coordinator, school.district, "id")
    assert not scope.oversees_row(coordinator, world.elsewhere.district, "id")
    assert scope.in_district_row(world.viewers["teacher"], school.district, "id")


def test_a_row_rule_reads_no_school_for_someone_it_cannot_concern(world, django_assert_num_queries):
    cohort_like = SimpleNamespace(school=None)  # following the path would fail

    with django_assert_num_queries(0):
        assert scope.oversees_row(world.viewers["staff"], cohort_like)
        assert not scope.oversees_row(world.viewers["teacher"], cohort_like)
        assert not scope.oversees_row(world.viewers["anonymous"], cohort_like)


def test_who_belongs_at_a_school_goes_by_their_place_not_by_being_staff(world):
    school = world.people["own school"].school
    coordinators = {
        "coordinator of its district": CoordinatorFactory(coordinated_district=school.district),
        "coordinator elsewhere": CoordinatorFactory(coordinated_district=world.elsewhere.district),
    }
    people = {**world.people, **coordinators, "staff": world.viewers["staff"]}

    belonging = {name for name, person in people.items() if scope.belongs_at(person, school)}

    assert belonging == {"own school", "other school", "coordinator of its district"}
