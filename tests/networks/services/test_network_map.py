"""The map of a small cohort, checked against counts and measures worked out by hand."""

import pytest

from networks.access import Scope, ScopeKind
from networks.maps import network_map
from networks.progress import SurveyState
from observations.models import VisitStatus
from tests.factories import StaffFactory

from ..conftest import at_day, day


@pytest.fixture
def small(seeder, make_group):
    """Leader L; blue dots B1, B2; yellow dots Y1 (of B1), Y2 (of B2).

    Completed: L->B1 twice (cycles 1 and 2), L->B2, B1->Y1, Y1->B1 (late in the evening, so
    a day earlier in Chicago). Planned: B2->Y2. Cancelled: B2->L. Sheets: L with B1 for both
    cycles, L with B2, B1 with Y1; the Y1->B1 visit has none.
    """
    g = make_group(seeder, blues=2, yellows_per_blue=1, name="Small")
    L, (B1, B2), ((Y1,), (Y2,)) = g.leader, g.blues, g.yellows
    c = g.cohort
    v1 = seeder.visit(L, B1, starts_at=at_day(1), cohort=c, cycle=1)
    v2 = seeder.visit(L, B1, starts_at=at_day(20), cohort=c, cycle=2)
    v3 = seeder.visit(L, B2, starts_at=at_day(2), cohort=c, cycle=1)
    v4 = seeder.visit(B1, Y1, starts_at=at_day(5), cohort=c)
    seeder.visit(Y1, B1, starts_at=at_day(8, hour=3), cohort=c)  # 22:00 the day before
    seeder.visit(
        B2, Y2, starts_at=at_day(70), cohort=c, status=VisitStatus.ACCEPTED, created_at=at_day(40)
    )
    seeder.visit(B2, L, starts_at=at_day(3), cohort=c, status=VisitStatus.CANCELLED)
    for visit in (v1, v2, v3, v4):
        seeder.reflection(visit)
    seeder.meeting(c, "BLUE_GROUP", starts_at=at_day(10), created_by=L)
    seeder.meeting(c, "WHOLE_GROUP", starts_at=at_day(15), created_by=L)
    seeder.meeting(c, "BLUE_GROUP", starts_at=at_day(30), created_by=L, cancelled_at=at_day(29))
    seeder.survey(
        c,
        "BASELINE",
        opens_at=at_day(3),
        closes_at=at_day(17),
        created_by=L,
        invited=[L, Y2],
        responded=[B1, B2, Y1],
    )
    seeder.survey(
        c,
        "SIX_MONTH",
        opens_at=at_day(55),
        closes_at=at_day(70),
        created_by=L,
        invited=g.everyone,
        responded=[B1],
    )
    seeder.save()
    return g


def the_map(group, **kwargs):
    kwargs.setdefault("now", at_day(60))
    return network_map(
        viewer=StaffFactory(), scope=Scope(ScopeKind.COHORT, group.cohort.pk), **kwargs
    )


def test_measures_match_the_hand_count(small):
    m = the_map(small).measures
    L, B1, Y2 = small.leader, small.blues[0], small.yellows[1][0]

    # ties: L->B1, L->B2, B1->Y1, Y1->B1 among 5 people: 4 / (5 * 4)
    assert m.member_count == 5
    assert m.tie_count == 4
    assert m.density == pytest.approx(0.2)
    # everyone but the leader: B1, B2 and Y1 were visited, Y2 only has a planned visit
    assert m.reach == pytest.approx(3 / 4)
    # B1 <-> Y1 is mutual: 2 of 4 ties
    assert m.reciprocity == pytest.approx(0.5)
    assert m.isolated_ids == (Y2.pk,)
    assert m.cross_school_tie_count == 0
    # Y1 - B1 - L - B2 (and Y2 alone): B1 and L each lie on 2 of the (5-1)(5-2)/2 = 6 pairs
    assert [(c.person_id, c.betweenness) for c in m.most_connecting] == [
        (min(L.pk, B1.pk), pytest.approx(1 / 3)),
        (max(L.pk, B1.pk), pytest.approx(1 / 3)),
    ]
    assert m.betweenness_exact is True


def test_nodes_count_visits_cycles_and_last_dates(small):
    result = the_map(small)
    L, (B1, B2), ((Y1,), (Y2,)) = small.leader, small.blues, small.yellows
    nodes = {n.person_id: n for n in result.nodes}

    def counts(person):
        n = nodes[person.pk]
        return (n.visits_made, n.visits_hosted, n.planned_made, n.planned_hosted)

    assert counts(L) == (3, 0, 0, 0)
    assert counts(B1) == (1, 3, 0, 0)
    assert counts(B2) == (0, 1, 1, 0)
    assert counts(Y1) == (1, 1, 0, 0)
    assert counts(Y2) == (0, 0, 0, 1)
    # B1 hosted cycles 1 and 2 (L twice, Y1 once in cycle 1)
    assert {p: nodes[p.pk].cycles_completed for p in (L, B1, B2, Y1, Y2)} == {
        L: 0,
        B1: 2,
        B2: 1,
        Y1: 1,
        Y2: 0,
    }
    assert nodes[L.pk].last_visit_date == day(20)
    assert nodes[Y1.pk].last_visit_date == day(7)  # 03:00 UTC is 22:00 the day before
    assert nodes[Y2.pk].last_visit_date is None
    assert nodes[Y2.pk].is_isolated
    assert nodes[Y1.pk].blue_id == B1.pk
    assert {n.role.value for n in result.nodes} == {"LEADER", "BLUE", "YELLOW"}


def test_edges_are_aggregated_per_visitor_and_host(small):
    result = the_map(small)
    L, (B1, B2), ((Y1,), (Y2,)) = small.leader, small.blues, small.yellows
    edges = {(e.visitor_id, e.host_id): e for e in result.edges}

    # the cancelled B2 -> L visit makes no edge at all
    assert set(edges) == {
        (L.pk, B1.pk),
        (L.pk, B2.pk),
        (B1.pk, Y1.pk),
        (Y1.pk, B1.pk),
        (B2.pk, Y2.pk),
    }
    l_b1 = edges[(L.pk, B1.pk)]
    assert (l_b1.completed_count, l_b1.planned_count) == (2, 0)
    assert (l_b1.first_visit_date, l_b1.last_visit_date) == (day(1), day(20))
    planned = edges[(B2.pk, Y2.pk)]
    assert (planned.completed_count, planned.planned_count) == (0, 1)
    assert planned.last_visit_date is None
    assert planned.next_planned_date == day(70)
    assert not any(e.is_cross_school or e.is_cross_cohort for e in result.edges)


def test_progress_counts_the_programme(small):
    (cohort,) = the_map(small).cohorts
    p = cohort.progress

    assert cohort.member_count == 5
    assert (p.blue_count, p.blue_target, p.blue_visited_by_leader) == (2, 4, 2)
    assert (p.yellow_count, p.yellow_assigned, p.yellow_target) == (2, 2, 8)
    assert p.yellow_visited_by_blue == 1  # B1 reached Y1; B2 only plans to visit Y2
    # the leader's sheets with blue dots: B1 cycles 1 and 2, B2 cycle 1 (B1's with Y1 is not
    # the leader's)
    assert (p.reflection_sheets, p.reflection_sheet_target) == (3, 8)
    # Y1 -> B1 on day 7 has no sheet 53 days later
    assert p.overdue_reflections == 1
    assert (p.blue_group_meetings, p.whole_group_meetings) == (1, 1)
    assert p.baseline_survey.state == SurveyState.CLOSED
    assert (p.baseline_survey.invited_count, p.baseline_survey.responded_count) == (5, 3)
    assert p.six_month_survey.state == SurveyState.OPEN
    assert p.six_month_survey.responded_count is None  # not known until it closes
    assert p.last_visit_date == day(20)


def test_reflection_sheets_count_at_most_two_cycles_per_blue_dot(seeder, make_group):
    g = make_group(seeder, blues=1, yellows_per_blue=0)
    for cycle in (1, 2, 3):
        visit = seeder.visit(g.leader, g.blues[0], starts_at=at_day(cycle * 7), cycle=cycle)
        seeder.reflection(visit)
    seeder.save()

    (cohort,) = the_map(g).cohorts

    assert cohort.progress.reflection_sheets == 2


def test_a_cohort_without_a_leader_is_drawn_with_an_empty_centre(seeder, make_group):
    g = make_group(seeder, blues=2, yellows_per_blue=1)
    leader_place = g.seeded.places[g.leader.pk]
    leader_place.ended_at = at_day(10)
    seeder.visit(g.blues[0], g.yellows[0][0], starts_at=at_day(3))
    seeder.save()

    result = the_map(g)

    assert g.leader.pk not in {n.person_id for n in result.nodes}
    assert len(result.nodes) == 4
    assert result.cohorts[0].member_count == 4
    assert result.cohorts[0].progress.has_leader is False
    assert result.cohorts[0].progress.yellow_visited_by_blue == 1
    assert all(not isinstance(n.person_id, str) for n in result.layout.nodes)


def test_the_cyclic_collector_is_back_on_after_a_map_even_when_it_fails(small):
    import gc

    from networks.maps import cyclic_gc_paused

    the_map(small)
    assert gc.isenabled()
    with pytest.raises(RuntimeError), cyclic_gc_paused():
        assert not gc.isenabled()
        raise RuntimeError
    assert gc.isenabled()
