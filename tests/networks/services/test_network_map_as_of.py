"""asOf: the map replayed as it was at the end of a day, from memberships, links and visits
with history."""

from datetime import UTC, date, datetime

import pytest

from networks.access import Scope, ScopeKind
from networks.maps import as_of_instant, network_map
from observations.models import VisitStatus
from tests.factories import SchoolFactory, StaffFactory, TeacherFactory

from ..conftest import T0, at_day, day

NOW = at_day(100)


def cohort_map(cohort, as_of):
    return network_map(
        viewer=StaffFactory(), scope=Scope(ScopeKind.COHORT, cohort.pk), as_of=as_of, now=NOW
    )


def test_the_day_ends_at_midnight_at_the_school():
    # Chicago is UTC-5 in September: midnight after 1 September is 05:00 UTC on the 2nd.
    shown, at = as_of_instant(date(2026, 9, 1), ["America/Chicago"], NOW)

    assert shown == date(2026, 9, 1)
    assert at == datetime(2026, 9, 2, 5, 0, tzinfo=UTC)


def test_a_district_day_ends_when_it_has_ended_at_every_school():
    _, at = as_of_instant(
        date(2026, 9, 1), ["America/Chicago", "America/Los_Angeles", "America/New_York"], NOW
    )

    assert at == datetime(2026, 9, 2, 7, 0, tzinfo=UTC)  # midnight in Los Angeles


def test_without_a_date_or_with_a_future_one_the_map_is_as_of_now():
    now = datetime(2026, 9, 10, 3, 0, tzinfo=UTC)  # still 9 September in Chicago

    assert as_of_instant(None, ["America/Chicago"], now) == (date(2026, 9, 9), now)
    assert as_of_instant(date(2027, 1, 1), ["America/Chicago"], now)[1] == now
    assert as_of_instant(date.max, ["America/Chicago"], now)[1] == now
    assert as_of_instant(date.min, ["America/Chicago"], now)[1].year == 2000
    # 9 September in Chicago ends after now (03:00 UTC on the 10th): now it is
    assert as_of_instant(date(2026, 9, 9), ["America/Chicago"], now)[1] == now


@pytest.fixture
def history(seeder, make_group):
    """L leads; B1 and B2 are blue from day 0, Y2 yellow of B2 from day 0; Y1 joins on day 10
    as B1's yellow dot; B2 leaves on day 20 (their link to Y2 ends too) and Y2 is assigned to
    B1 on day 25."""
    g = make_group(seeder, blues=2, yellows_per_blue=0)
    L, (B1, B2) = g.leader, g.blues
    places = g.seeded.places
    school = g.cohort.school
    Y1 = TeacherFactory(school=school, full_name="Y1")
    Y2 = TeacherFactory(school=school, full_name="Y2")
    y1 = seeder.member(g.cohort, Y1, "YELLOW", started_at=at_day(10))
    y2 = seeder.member(g.cohort, Y2, "YELLOW", started_at=T0)
    seeder.link(places[B1.pk], y1, started_at=at_day(10))
    seeder.link(places[B2.pk], y2, started_at=T0, ended_at=at_day(20))
    places[B2.pk].ended_at = at_day(20)
    seeder.link(places[B1.pk], y2, started_at=at_day(25))
    # booked on day -2, done on day 5
    seeder.visit(L, B1, starts_at=at_day(5))
    # booked on day 1 for day 15, done that day
    seeder.visit(L, B2, starts_at=at_day(15), created_at=at_day(1))
    # booked on day 12 for day 30, marked done only on day 33
    seeder.visit(B1, Y1, starts_at=at_day(30), created_at=at_day(12), completed_at=at_day(33))
    # booked on day 1 for day 16, cancelled on day 10
    seeder.visit(
        B1,
        Y2,
        starts_at=at_day(16),
        created_at=at_day(1),
        status=VisitStatus.CANCELLED,
        closed_at=at_day(10),
    )
    seeder.save()
    return g, Y1, Y2


def shape_of(result):
    return {
        node.person_id: (node.role.value, node.blue_id)
        for node in sorted(result.nodes, key=lambda n: n.person_id)
    }


def edges_of(result):
    return {(e.visitor_id, e.host_id): (e.completed_count, e.planned_count) for e in result.edges}


def test_places_and_links_as_they_were(history):
    g, Y1, Y2 = history
    L, (B1, B2) = g.leader, g.blues

    assert shape_of(cohort_map(g.cohort, day(5))) == {
        L.pk: ("LEADER", None),
        B1.pk: ("BLUE", None),
        B2.pk: ("BLUE", None),
        Y2.pk: ("YELLOW", B2.pk),
    }
    assert shape_of(cohort_map(g.cohort, day(12)))[Y1.pk] == ("YELLOW", B1.pk)
    on_day_22 = shape_of(cohort_map(g.cohort, day(22)))
    assert B2.pk not in on_day_22
    assert on_day_22[Y2.pk] == ("YELLOW", None)  # unassigned between B2 leaving and day 25
    assert shape_of(cohort_map(g.cohort, day(25)))[Y2.pk] == ("YELLOW", B1.pk)


def test_visits_count_as_completed_only_once_completed_and_as_planned_only_once_booked(history):
    g, Y1, Y2 = history
    L, (B1, B2) = g.leader, g.blues

    assert edges_of(cohort_map(g.cohort, day(0))) == {(L.pk, B1.pk): (0, 1)}
    assert edges_of(cohort_map(g.cohort, day(1))) == {
        (L.pk, B1.pk): (0, 1),
        (L.pk, B2.pk): (0, 1),
        (B1.pk, Y2.pk): (0, 1),  # cancelled only on day 10
    }
    assert edges_of(cohort_map(g.cohort, day(12))) == {
        (L.pk, B1.pk): (1, 0),
        (L.pk, B2.pk): (0, 1),
        (B1.pk, Y1.pk): (0, 1),
    }
    # B2 left on day 20: their visits leave the map with them
    assert edges_of(cohort_map(g.cohort, day(31))) == {
        (L.pk, B1.pk): (1, 0),
        (B1.pk, Y1.pk): (0, 1),  # happened on day 30, marked done on day 33
    }
    assert edges_of(cohort_map(g.cohort, day(33)))[(B1.pk, Y1.pk)] == (1, 0)


def test_progress_replays_too(history):
    g, _, _ = history

    early = cohort_map(g.cohort, day(16)).cohorts[0].progress
    late = cohort_map(g.cohort, day(40)).cohorts[0].progress

    assert (early.blue_count, early.blue_visited_by_leader) == (2, 2)
    assert (early.yellow_count, early.yellow_visited_by_blue) == (2, 0)
    assert (late.blue_count, late.blue_visited_by_leader) == (1, 1)
    assert (late.yellow_count, late.yellow_visited_by_blue) == (2, 1)


def test_completion_late_in_the_evening_belongs_to_that_day(seeder, make_group):
    g = make_group(seeder, blues=1, yellows_per_blue=0, started_at=at_day(-30))
    # 1 September 23:30 in Chicago is 04:30 UTC on the 2nd
    seeder.visit(
        g.leader,
        g.blues[0],
        starts_at=datetime(2026, 9, 1, 22, 0, tzinfo=UTC),
        completed_at=datetime(2026, 9, 2, 4, 30, tzinfo=UTC),
    )
    seeder.save()

    assert edges_of(cohort_map(g.cohort, date(2026, 9, 1))) == {
        (g.leader.pk, g.blues[0].pk): (1, 0)
    }
    assert edges_of(cohort_map(g.cohort, date(2026, 8, 31))) == {
        (g.leader.pk, g.blues[0].pk): (0, 1)
    }


def test_a_map_from_before_anything_happened_is_empty(history):
    g, _, _ = history

    result = cohort_map(g.cohort, date.min)

    assert (result.as_of, result.nodes, result.edges) == (date.min, (), ())


def test_school_maps_show_the_cohorts_running_that_day(seeder, make_group):
    school = SchoolFactory()
    old = make_group(seeder, school, started_at=at_day(-300), archived_at=at_day(-10))
    current = make_group(seeder, school, started_at=T0)
    later = make_group(seeder, school, started_at=at_day(50))
    seeder.save()

    def cohorts_on(days):
        result = network_map(
            viewer=StaffFactory(),
            scope=Scope(ScopeKind.SCHOOL, school.pk),
            as_of=day(days),
            now=NOW,
        )
        return {c.cohort.id for c in result.cohorts}

    assert cohorts_on(-20) == {old.cohort.pk}
    assert cohorts_on(0) == {current.cohort.pk}
    assert cohorts_on(60) == {current.cohort.pk, later.cohort.pk}
    # asked for by id, an archived cohort is still drawn
    assert len(cohort_map(old.cohort, day(0)).cohorts) == 1
