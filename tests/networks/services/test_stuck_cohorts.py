"""The coordinators' stuck list: no recent visit, blue dots not reaching yellow dots, overdue
reflections."""

from datetime import timedelta

import pytest
import time_machine

from networks.progress import StuckReason
from networks.stuck_list import stuck_cohorts
from tests.factories import CoordinatorFactory, DistrictFactory, SchoolFactory, TeacherFactory

from ..conftest import at_day, gid

NOW = at_day(100)


def weeks_ago(weeks: float, hour: int = 15):
    return (NOW - timedelta(weeks=weeks)).replace(hour=hour)


@pytest.fixture
def district(seeder, make_group):
    district = DistrictFactory()
    school = SchoolFactory(district=district)
    cohort_start = weeks_ago(12)

    active = make_group(
        seeder, school, name="Active", blues=1, yellows_per_blue=1, started_at=cohort_start
    )
    seeder.visit(active.leader, active.blues[0], starts_at=weeks_ago(9))
    seeder.visit(active.blues[0], active.yellows[0][0], starts_at=weeks_ago(1))

    quiet = make_group(
        seeder, school, name="Quiet", blues=1, yellows_per_blue=0, started_at=cohort_start
    )
    seeder.visit(quiet.leader, quiet.blues[0], starts_at=weeks_ago(6))

    make_group(seeder, school, name="New", blues=1, yellows_per_blue=1, started_at=weeks_ago(2))

    behind = make_group(
        seeder, school, name="Behind", blues=2, yellows_per_blue=0, started_at=cohort_start
    )
    b1, b2 = (behind.seeded.places[b.pk] for b in behind.blues)
    y1 = TeacherFactory(school=school, full_name="Y1")
    y2 = TeacherFactory(school=school, full_name="Y2")
    seeder.link(
        b1,
        seeder.member(behind.cohort, y1, "YELLOW", started_at=weeks_ago(6)),
        started_at=weeks_ago(6),
    )
    seeder.link(
        b2,
        seeder.member(behind.cohort, y2, "YELLOW", started_at=weeks_ago(1)),
        started_at=weeks_ago(1),
    )
    seeder.visit(behind.leader, behind.blues[0], starts_at=weeks_ago(1, hour=17))

    unreflected = make_group(
        seeder, school, name="Unreflected", blues=3, yellows_per_blue=0, started_at=cohort_start
    )
    c = unreflected.cohort
    seeder.visit(
        unreflected.leader, unreflected.blues[0], starts_at=NOW - timedelta(days=10), cohort=c
    )
    seeder.visit(
        unreflected.leader, unreflected.blues[1], starts_at=NOW - timedelta(days=3), cohort=c
    )
    done = seeder.visit(
        unreflected.leader, unreflected.blues[2], starts_at=NOW - timedelta(days=20), cohort=c
    )
    seeder.reflection(done)

    make_group(
        seeder,
        school,
        name="Archived",
        blues=1,
        yellows_per_blue=0,
        started_at=weeks_ago(60),
        archived_at=weeks_ago(20),
    )
    seeder.save()
    return district, behind, y1


def test_each_reason_and_nothing_else(district):
    district, behind, y1 = district
    coordinator = CoordinatorFactory(coordinated_district=district)

    found = stuck_cohorts(viewer=coordinator, district_id=district.pk, now=NOW)

    by_name = {s.cohort.name: s for s in found.cohorts}
    assert {name: s.reasons for name, s in by_name.items()} == {
        "Quiet": (StuckReason.NO_RECENT_VISIT,),
        "Behind": (StuckReason.BLUE_DOTS_NOT_REACHING_YELLOW,),
        "Unreflected": (StuckReason.REFLECTIONS_OVERDUE,),
    }
    assert by_name["Quiet"].days_since_last_visit == 42
    assert by_name["Quiet"].last_visit_date == (NOW - timedelta(weeks=6)).date()
    (late,) = by_name["Behind"].blue_dots_behind
    assert (late.blue_id, late.unvisited_yellow_ids, late.assigned_yellow_count) == (
        behind.blues[0].pk,
        (y1.pk,),
        1,
    )
    assert by_name["Unreflected"].overdue_reflections == 1


def test_the_window_is_the_coordinators_to_choose(district):
    district, _, _ = district
    coordinator = CoordinatorFactory(coordinated_district=district)

    def names(weeks):
        found = stuck_cohorts(
            viewer=coordinator, district_id=district.pk, weeks_without_visit=weeks, now=NOW
        )
        return sorted(
            s.cohort.name for s in found.cohorts if StuckReason.NO_RECENT_VISIT in s.reasons
        )

    assert names(4) == ["Quiet"]
    assert names(7) == []
    # over a week: only Unreflected had a visit (3 days ago); New is two weeks old by now
    assert names(1) == ["Active", "Behind", "New", "Quiet"]


def test_as_of_judges_the_past(district):
    district, _, _ = district
    coordinator = CoordinatorFactory(coordinated_district=district)

    def stuck_on(weeks):
        found = stuck_cohorts(
            viewer=coordinator,
            district_id=district.pk,
            as_of=(NOW - timedelta(weeks=weeks)).date(),
            now=NOW,
        )
        return {s.cohort.name: s.reasons for s in found.cohorts}

    # five weeks ago Quiet had been visited a week before
    assert "Quiet" not in stuck_on(5)
    # 25 weeks ago only the cohort archived since was running, and no visit had happened
    assert stuck_on(25) == {"Archived": (StuckReason.NO_RECENT_VISIT,)}


@time_machine.travel(NOW, tick=False)
def test_over_graphql(api_for, district):
    district, behind, _ = district
    query = """
    query Stuck($d: ID!) {
      stuckCohorts(districtId: $d) {
        cohortId name schoolName reasons lastVisitDate daysSinceLastVisit overdueReflections
        blueDotsBehind { personId fullName assignedYellowDotCount unvisitedYellowDots { fullName } }
      }
    }
    """
    api = api_for(CoordinatorFactory(coordinated_district=district))

    stuck = api.data(query, {"d": gid("District", district.pk)})["stuckCohorts"]

    assert [s["name"] for s in stuck] == ["Behind", "Quiet", "Unreflected"]
    behind_row = stuck[0]
    assert behind_row["cohortId"] == gid("Cohort", behind.cohort.pk)
    assert behind_row["reasons"] == ["BLUE_DOTS_NOT_REACHING_YELLOW"]
    assert behind_row["blueDotsBehind"] == [
        {
            "personId": gid("Person", behind.blues[0].pk),
            "fullName": behind.blues[0].full_name,
            "assignedYellowDotCount": 1,
            "unvisitedYellowDots": [{"fullName": "Y1"}],
        }
    ]
    assert stuck[1]["daysSinceLastVisit"] == 42
