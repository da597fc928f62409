"""Cohorts, visits and queries for the network map tests."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest

from backend.seeding.rows import SeededCohort, Seeder
from tests.factories import LeaderFactory, SchoolFactory, TeacherFactory

# A Tuesday, 10:00 in Chicago: the day the demo cohorts start.
T0 = datetime(2026, 9, 1, 15, 0, tzinfo=UTC)


def at_day(days: int, hour: int = 15) -> datetime:
    """T0's date plus `days`, at `hour` UTC (15:00 UTC is 10:00 in Chicago)."""
    return (T0 + timedelta(days=days)).replace(hour=hour)


def day(days: int) -> date:
    return (T0 + timedelta(days=days)).date()


@dataclass
class Group:
    """A cohort in the programme's shape: its leader, blue dots, and yellow dots per blue."""

    seeded: SeededCohort
    leader: object
    blues: list
    yellows: list[list] = field(default_factory=list)

    @property
    def cohort(self):
        return self.seeded.cohort

    @property
    def everyone(self) -> list:
        return [self.leader, *self.blues, *(y for ys in self.yellows for y in ys)]


@pytest.fixture
def seeder(db):
    return Seeder()


@pytest.fixture
def make_group(db):
    """`make_group(seeder, school, blues=4, yellows_per_blue=2, ...)`: people and a cohort
    (written when the seeder saves)."""

    counter = iter(range(1, 10_000))

    def make(
        seeder: Seeder,
        school=None,
        *,
        name: str | None = None,
        blues: int = 4,
        yellows_per_blue: int = 2,
        started_at: datetime = T0,
        leader=None,
        **cohort_fields,
    ) -> Group:
        school = school or SchoolFactory()
        n = next(counter)
        leader = leader or LeaderFactory(school=school, full_name=f"Leader {n}")
        blue_people = [
            TeacherFactory(school=school, full_name=f"Blue {n}.{b}") for b in range(1, blues + 1)
        ]
        yellow_people = [
            [
                TeacherFactory(school=school, full_name=f"Yellow {n}.{b}.{y}")
                for y in range(1, yellows_per_blue + 1)
            ]
            for b in range(1, blues + 1)
        ]
        seeded = seeder.group(
            school=school,
            name=name or f"Cohort {n}",
            leader=leader,
            started_at=started_at,
            blues=blue_people,
            yellows_of_blue=yellow_people,
            **cohort_fields,
        )
        return Group(seeded, leader, blue_people, yellow_people)

    return make


MAP_QUERY = """
query Map($scope: NetworkScopeInput!, $asOf: Date) {
  networkMap(scope: $scope, asOf: $asOf) {
    scope scopeId name asOf generatedAt nodeRadius
    nodes {
      personId fullName role cohortId blueDotId schoolId x y
      visitsMade visitsHosted plannedVisitsMade plannedVisitsHosted peersVisited visitorCount
      cyclesCompleted lastVisitDate betweenness isIsolated
      otherPlaces { cohortId role }
    }
    edges {
      visitorId hostId completedCount plannedCount firstVisitDate lastVisitDate
      nextPlannedDate isCrossSchool isCrossCohort
    }
    cohorts {
      cohortId name schoolYear schoolId memberCount
      frame { x y radius blueRingRadius yellowRingRadius }
      progress {
        hasLeader blueDotCount blueDotTarget blueDotsVisitedByLeader
        yellowDotCount yellowDotsAssigned yellowDotTarget yellowDotsVisitedByBlueDot
        reflectionSheets reflectionSheetTarget overdueReflections lastVisitDate
        groupOf5Meetings groupOf13Meetings
        baselineSurvey { state isDone opensAt closesAt invitedCount respondedCount }
        sixMonthSurvey { state isDone opensAt closesAt invitedCount respondedCount }
      }
    }
    schools { schoolId name }
    measures {
      memberCount tieCount density reach reciprocity isolatedPersonIds
      crossSchoolTieCount crossCohortTieCount betweennessIsExact
      mostConnecting { personId fullName betweenness }
    }
  }
}
"""


def gid(type_name: str, pk) -> str:
    from graphene.relay import Node

    return Node.to_global_id(type_name, pk)


def cohort_scope(cohort) -> dict:
    return {"cohortId": gid("Cohort", cohort.pk)}


def school_scope(school) -> dict:
    return {"schoolId": gid("School", school.pk)}


def district_scope(district) -> dict:
    return {"districtId": gid("District", district.pk)}
