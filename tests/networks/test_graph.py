"""Network measures checked against arithmetic done by hand in each test."""

import itertools
import math
import random
from collections import deque
from datetime import date

import pytest

from networks.graph import (
    MIN_SAMPLED_SOURCES,
    CohortShape,
    MemberDegree,
    Person,
    Role,
    TieGraph,
    VisitEdge,
    betweenness_centrality,
    cross_school_ties,
    degrees,
    density,
    isolated_members,
    measure_network,
    most_connecting,
    reach,
    reciprocity,
)


def people(*ids, school=None):
    return [Person(i, school) for i in ids]


def visits(*pairs, completed=1):
    return [VisitEdge(visitor, host, completed) for visitor, host in pairs]


# --- a star: the leader visiting their four... three blue dots ----------------------------------


def test_star():
    # given a leader L who visited a, b and c once each
    graph = TieGraph(people("L", "a", "b", "c"), visits(("L", "a"), ("L", "b"), ("L", "c")))

    # then: 3 ties out of 4 * 3 = 12 possible ordered pairs
    assert density(graph) == pytest.approx(3 / 12)
    # a, b, c (everyone but the leader) hosted a visit: 3 / 3
    assert reach(graph, leader_ids={"L"}) == 1.0
    # counting the leader too, L hosted nothing: 3 / 4
    assert reach(graph) == pytest.approx(3 / 4)
    assert reciprocity(graph) == 0.0
    assert isolated_members(graph) == ()
    # L lies on the only path of all C(3, 2) = 3 pairs of leaves: 3 / ((4 - 1)(4 - 2) / 2) = 1
    scores = betweenness_centrality(graph).scores
    assert scores == pytest.approx({"L": 1.0, "a": 0.0, "b": 0.0, "c": 0.0})


def test_path_of_four_betweenness():
    # given a -> b -> c -> d
    graph = TieGraph(people("a", "b", "c", "d"), visits(("a", "b"), ("b", "c"), ("c", "d")))

    # when
    result = betweenness_centrality(graph)

    # then: b is between (a, c) and (a, d), c between (b, d) and (a, d): 2 pairs each;
    # normalised by (4 - 1)(4 - 2) / 2 = 3 pairs: 2 / 3; the ends connect nobody
    assert result.exact
    assert result.scores == pytest.approx({"a": 0.0, "b": 2 / 3, "c": 2 / 3, "d": 0.0})
    assert density(graph) == pytest.approx(3 / 12)


def test_betweenness_ignores_direction():
    # given a and c both visited b (nobody travelled "through" b)
    graph = TieGraph(people("a", "b", "c"), visits(("a", "b"), ("c", "b")))

    # then b still connects a and c: 1 pair of 1 = 1.0
    assert betweenness_centrality(graph).scores["b"] == pytest.approx(1.0)


def test_betweenness_on_a_cycle_with_a_pendant():
    # given the square a-b-d-c-a with e hanging on d (n = 5, so (4 * 3) / 2 = 6 pairs at most)
    graph = TieGraph(
        people(*"abcde"),
        visits(("a", "b"), ("a", "c"), ("b", "d"), ("c", "d"), ("d", "e")),
    )

    # when
    scores = betweenness_centrality(graph).scores

    # then: a-d and a-e each have two shortest paths (via b or via c): b gets 1/2 + 1/2 = 1
    # and so does c; d is on every path of (b, e), (c, e), (a, e) = 3, plus half of (b, c)
    # (b-d-c or b-a-c) = 3.5; a gets the other half of (b, c) = 0.5; e nothing
    assert scores == pytest.approx({"a": 0.5 / 6, "b": 1 / 6, "c": 1 / 6, "d": 3.5 / 6, "e": 0.0})


def test_reciprocated_pair():
    # given a and b visited each other, and a only planned to visit c
    graph = TieGraph(
        people("a", "b", "c"),
        [VisitEdge("a", "b", 2), VisitEdge("b", "a", 1), VisitEdge("a", "c", 0, 1)],
    )

    # then: 2 ties of 3 * 2 = 6 pairs; both ties have their reverse: 2 / 2
    assert density(graph) == pytest.approx(2 / 6)
    assert reciprocity(graph) == 1.0
    # a planned visit is no tie, so c is isolated and unreached: a, b hosted; 2 / 3
    assert isolated_members(graph) == ("c",)
    assert reach(graph) == pytest.approx(2 / 3)


def test_half_reciprocated():
    # given a <-> b and a -> c: 3 ties, 2 of them reciprocated
    graph = TieGraph(people("a", "b", "c"), visits(("a", "b"), ("b", "a"), ("a", "c")))

    assert reciprocity(graph) == pytest.approx(2 / 3)


def test_empty_network():
    graph = TieGraph([], [])

    assert density(graph) == 0.0
    assert reach(graph) == 0.0
    assert reciprocity(graph) == 0.0
    assert isolated_members(graph) == ()
    assert cross_school_ties(graph) == ()
    assert degrees(graph) == {}
    assert betweenness_centrality(graph).scores == {}
    assert most_connecting({}) == ()


def test_people_without_visits_are_all_isolated():
    graph = TieGraph(people(3, 1, 2), [])

    assert isolated_members(graph) == (1, 2, 3)
    assert density(graph) == 0.0
    assert reach(graph) == 0.0
    assert betweenness_centrality(graph).scores == {1: 0.0, 2: 0.0, 3: 0.0}


def test_cross_school_ties():
    # given a, b at school 1, c at school 2 and d at an unknown school
    members = [Person("a", 1), Person("b", 1), Person("c", 2), Person("d", None)]
    edges = [
        VisitEdge("a", "b", 1),  # same school
        VisitEdge("c", "b", 2),  # cross
        VisitEdge("a", "c", 1),  # cross
        VisitEdge("d", "a", 1),  # d's school unknown: cannot tell
        VisitEdge("b", "c", 0, 3),  # only planned: no tie
    ]

    # when
    found = cross_school_ties(TieGraph(members, edges))

    # then, ordered by (visitor, host)
    assert [e.pair for e in found] == [("a", "c"), ("c", "b")]
    assert found[1].completed_count == 2


def test_degrees_merge_repeated_pairs():
    # given one edge per visit rather than one per pair
    edges = [
        VisitEdge("a", "b", 1, 0, date(2025, 1, 10), date(2025, 1, 10)),
        VisitEdge("a", "b", 2, 1, date(2025, 3, 5), date(2025, 4, 1)),
        VisitEdge("b", "c", 0, 1),
    ]

    # when
    graph = TieGraph(people("a", "b", "c"), edges)
    result = degrees(graph)

    # then: a made 1 + 2 = 3 visits to one peer and planned 1 more; c only has a planned visit
    assert result["a"] == MemberDegree(
        visits_made=3, visits_hosted=0, planned_made=1, planned_hosted=0, peers_visited=1
    )
    assert result["b"] == MemberDegree(
        visits_made=0, visits_hosted=3, planned_made=1, planned_hosted=1, visitors=1
    )
    assert result["c"] == MemberDegree(planned_hosted=1)
    merged = graph.edges[("a", "b")]
    assert (merged.first_date, merged.last_date) == (date(2025, 1, 10), date(2025, 4, 1))


def test_outsiders_and_self_visits_are_ignored():
    graph = TieGraph(people("a", "b"), visits(("a", "b"), ("a", "outsider"), ("b", "b")))

    assert graph.ties == {("a", "b")}
    assert density(graph) == pytest.approx(1 / 2)


def test_a_person_with_two_schools_is_refused():
    with pytest.raises(ValueError, match="two schools"):
        TieGraph([Person("a", 1), Person("a", 2)], [])


@pytest.mark.parametrize("counts", [(-1, 0), (0, -1)])
def test_negative_counts_are_refused(counts):
    with pytest.raises(ValueError, match="negative"):
        TieGraph([Person("a"), Person("b")], [VisitEdge("a", "b", *counts)])


def test_most_connecting_orders_by_score_then_id_and_skips_zeros():
    scores = {"e": 0.0, "d": 0.2, "c": 0.5, "b": 0.2, "a": 0.1}

    assert most_connecting(scores, 3) == ("c", "b", "d")
    assert most_connecting(scores, 10) == ("c", "b", "d", "a")


def test_mixed_id_types_sort_deterministically():
    graph = TieGraph([Person("x"), Person(2), Person(1)], [])

    assert graph.members == (1, 2, "x")


# --- a whole cohort -----------------------------------------------------------------------------


def full_cohort():
    blues = ("B1", "B2", "B3", "B4")
    yellows = {b: (f"{b}Y1", f"{b}Y2") for b in blues}
    cohort = CohortShape("c1", "s1", "L", blues, yellows)
    edges = [VisitEdge("L", b, 2) for b in blues]
    edges += [VisitEdge(b, y, 1) for b, ys in yellows.items() for y in ys]
    return cohort, edges


def test_measure_network_on_a_complete_cohort():
    # given the leader visited the 4 blue dots and each blue dot its 2 yellow dots
    cohort, edges = full_cohort()
    members = [Person(m, "s1") for m in cohort.member_ids]

    # when
    result = measure_network(members, edges, leader_ids={cohort.leader_id})

    # then: 12 ties of 13 * 12 = 156 ordered pairs; all 12 non-leaders reached
    assert (result.member_count, result.tie_count) == (13, 12)
    assert result.density == pytest.approx(12 / 156)
    assert result.reach == 1.0
    assert result.reciprocity == 0.0
    assert result.isolated_ids == ()
    assert result.cross_school_ties == ()
    # normalising by (12 * 11) / 2 = 66 pairs: the leader joins the 4 blue subtrees of 3
    # people: C(4, 2) * 3 * 3 = 54 pairs; a blue dot joins its 2 yellows to the other 10
    # people (20 pairs) and its two yellows to each other (1 pair): 21
    assert result.betweenness["L"] == pytest.approx(54 / 66)
    assert result.betweenness["B3"] == pytest.approx(21 / 66)
    assert result.betweenness["B3Y1"] == 0.0
    assert result.betweenness_exact
    assert result.most_connecting_ids == ("L", "B1", "B2", "B3", "B4")
    assert result.degrees["L"].visits_made == 8
    assert result.degrees["B1"] == MemberDegree(
        visits_made=2, visits_hosted=2, peers_visited=2, visitors=1
    )


def test_cohort_shape_freezes_and_lists_members():
    cohort = CohortShape(1, 1, "L", ["B"], {"B": ["Y1", "Y2"]}, ["U"])

    assert cohort.blue_ids == ("B",)
    assert cohort.member_ids == ("L", "B", "Y1", "Y2", "U")
    assert cohort.role_of("Y2") is Role.YELLOW
    assert cohort.role_of("U") is Role.YELLOW
    assert cohort.role_of("nobody") is None
    with pytest.raises(TypeError):
        cohort.yellow_of_blue["B"] = ()


def test_cohort_shape_refuses_inconsistent_roles():
    with pytest.raises(ValueError, match="non-blue"):
        CohortShape(1, 1, "L", ("B",), {"X": ("Y",)})
    with pytest.raises(ValueError, match="two places"):
        CohortShape(1, 1, "L", ("B",), {"B": ("L",)})


# --- betweenness against its definition ---------------------------------------------------------


def betweenness_by_definition(members, ties):
    """sum over pairs {s, t} of sigma_st(v) / sigma_st, from all-pairs BFS counts."""
    neighbours = {m: set() for m in members}
    for a, b in ties:
        neighbours[a].add(b)
        neighbours[b].add(a)

    def bfs(source):
        dist, sigma, queue = {source: 0}, {source: 1}, deque([source])
        while queue:
            v = queue.popleft()
            for w in neighbours[v]:
                if w not in dist:
                    dist[w], sigma[w] = dist[v] + 1, 0
                    queue.append(w)
                if dist[w] == dist[v] + 1:
                    sigma[w] += sigma[v]
        return dist, sigma

    paths = {m: bfs(m) for m in members}
    raw = dict.fromkeys(members, 0.0)
    for s, t in itertools.combinations(members, 2):
        dist_s, sigma_s = paths[s]
        dist_t, sigma_t = paths[t]
        if t not in dist_s:
            continue
        for v in members:
            on_a_path = v in dist_s and v in dist_t and dist_s[v] + dist_t[v] == dist_s[t]
            if v not in (s, t) and on_a_path:
                raw[v] += sigma_s[v] * sigma_t[v] / sigma_s[t]
    n = len(members)
    scale = 2 / ((n - 1) * (n - 2)) if n > 2 else 0.0
    return {m: value * scale for m, value in raw.items()}


@pytest.mark.parametrize("seed", range(60))
def test_betweenness_matches_its_definition(seed):
    # given a random sparse network: trees, cycles, reciprocal ties and isolated members
    rng = random.Random(seed)
    n = rng.randint(3, 25)
    edges = [VisitEdge(i, rng.randrange(i), 1) for i in range(1, n) if rng.random() < 0.85]
    edges += [VisitEdge(rng.randrange(n), rng.randrange(n), 1) for _ in range(rng.randint(0, n))]
    graph = TieGraph(people(*range(n)), edges)

    # when
    result = betweenness_centrality(graph, budget=None)

    # then
    expected = betweenness_by_definition(graph.members, graph.ties)
    assert result.exact
    assert result.scores == pytest.approx(expected, abs=1e-12)


def ring(n):
    return TieGraph(people(*range(n)), visits(*((i, (i + 1) % n) for i in range(n))))


def test_small_components_stay_exact_even_without_budget():
    # a ring of 10 is smaller than the fewest sources a sample would take
    assert MIN_SAMPLED_SOURCES >= 10
    result = betweenness_centrality(ring(10), budget=0)

    # each node is between the pairs around it: by definition
    assert result.exact
    assert result.scores == pytest.approx(betweenness_by_definition(range(10), ring(10).ties))


def test_over_budget_betweenness_is_sampled_deterministically():
    # given a ring of 200 (every member scores the same exactly)
    graph = ring(200)
    exact = betweenness_centrality(graph, budget=None)

    # when the budget allows only a sample of sources
    first = betweenness_centrality(graph, budget=0)
    again = betweenness_centrality(graph, budget=0)

    # then: flagged as estimated, repeatable, and on a ring every source's dependencies sum
    # to the same total, so the sample's mean over members is exact
    assert exact.exact and not first.exact
    assert first == again
    exact_mean = sum(exact.scores.values()) / 200
    assert sum(first.scores.values()) / 200 == pytest.approx(exact_mean)
    assert all(math.isfinite(v) and v >= 0 for v in first.scores.values())


def test_a_reciprocal_tie_is_one_link_for_betweenness():
    # given a path a - b - c where a and b visited each other
    one_way = TieGraph(people("a", "b", "c"), visits(("a", "b"), ("b", "c")))
    both_ways = TieGraph(people("a", "b", "c"), visits(("a", "b"), ("b", "a"), ("b", "c")))

    # then: b is on the one path between a and c either way (no doubled path counts)
    assert betweenness_centrality(both_ways).scores == betweenness_centrality(one_way).scores
    assert betweenness_centrality(both_ways).scores["b"] == pytest.approx(1.0)


def district_of_stars(cohorts=30, spokes=12, seed=3):
    """Stars (a leader visiting their spokes) joined in a ring by a few bridging spokes, plus
    teachers nobody has visited yet: the shape of a real district, where the bridges are the
    most connecting people."""
    rng = random.Random(seed)
    members, ties = [], []
    for c in range(cohorts):
        leader = f"L{c}"
        members.append(leader)
        for s in range(spokes):
            members.append(f"S{c}.{s}")
            ties.append((leader, f"S{c}.{s}"))
        members += [f"I{c}.{i}" for i in range(3)]
        ties.append((f"S{c}.0", f"L{(c + 1) % cohorts}"))
        ties.append((f"S{c}.{rng.randrange(1, spokes)}", f"S{rng.randrange(cohorts)}.1"))
    return TieGraph(people(*members), visits(*ties))


def test_a_sampled_betweenness_finds_the_same_most_connecting_people():
    # given a district too big for the budget
    graph = district_of_stars()
    exact = betweenness_centrality(graph, budget=None)

    # when only a sample of sources is affordable
    sampled = betweenness_centrality(graph, budget=0)

    # then: flagged as an estimate, close to the exact scores, and the leaders and bridges it
    # ranks highest are the exact answer's
    assert exact.exact and not sampled.exact
    assert sum(sampled.scores.values()) == pytest.approx(sum(exact.scores.values()), rel=0.05)
    assert max(abs(sampled.scores[m] - exact.scores[m]) for m in graph.members) < 0.04
    top = set(most_connecting(exact.scores, 5))
    assert len(top & set(most_connecting(sampled.scores, 5))) >= 4
    # isolated teachers start no path, so sampling never spends a source on them
    assert all(sampled.scores[m] == 0.0 for m in graph.members if str(m).startswith("I"))
