"""The ready-to-draw layout as the phone receives it: leader in the middle, blue ring, yellow dots
next to their blue dot; cohorts apart on school and district maps; one dot per person."""

import math

import pytest

from tests.factories import CoordinatorFactory, DistrictFactory, SchoolFactory, TeacherFactory

from ..conftest import MAP_QUERY, at_day, cohort_scope, district_scope, gid, school_scope


def angle(node, frame):
    return math.atan2(node["x"] - frame["x"], frame["y"] - node["y"]) % (2 * math.pi)


def apart(a, b):
    d = abs(a - b) % (2 * math.pi)
    return min(d, 2 * math.pi - d)


def distance(node, frame):
    return math.hypot(node["x"] - frame["x"], node["y"] - frame["y"])


def test_a_cohort_is_drawn_as_rings_around_its_leader(api_for, seeder, make_group):
    g = make_group(seeder)  # 4 blue dots with 2 yellow dots each
    seeder.save()

    data = api_for(g.leader).data(MAP_QUERY, {"scope": cohort_scope(g.cohort)})["networkMap"]

    (cohort,) = data["cohorts"]
    frame = cohort["frame"]
    nodes = {n["personId"]: n for n in data["nodes"]}
    assert len(nodes) == 13
    leader = nodes[gid("Person", g.leader.pk)]
    assert (leader["role"], leader["x"], leader["y"]) == ("LEADER", frame["x"], frame["y"])
    blues = [n for n in nodes.values() if n["role"] == "BLUE"]
    yellows = [n for n in nodes.values() if n["role"] == "YELLOW"]
    assert len(blues) == 4 and len(yellows) == 8
    for blue in blues:
        assert distance(blue, frame) == pytest.approx(frame["blueRingRadius"], abs=1e-4)
    for yellow in yellows:
        assert distance(yellow, frame) == pytest.approx(frame["yellowRingRadius"], abs=1e-4)
        own = nodes[yellow["blueDotId"]]
        # each yellow dot sits in its own blue dot's sector: nearer to it than to any other
        nearest = min(blues, key=lambda b: apart(angle(b, frame), angle(yellow, frame)))
        assert nearest is own
    assert 0 < data["nodeRadius"] < frame["blueRingRadius"]
    assert all(0 <= n["x"] <= 1 and 0 <= n["y"] <= 1 for n in nodes.values())


def test_school_maps_keep_cohorts_apart(api_for, seeder, make_group):
    school = SchoolFactory()
    groups = [make_group(seeder, school, name=f"Cohort {i}") for i in range(3)]
    seeder.save()
    coordinator = CoordinatorFactory(coordinated_district=school.district)

    data = api_for(coordinator).data(MAP_QUERY, {"scope": school_scope(school)})["networkMap"]

    frames = {c["cohortId"]: c["frame"] for c in data["cohorts"]}
    assert len(frames) == 3
    for a in frames.values():
        for b in frames.values():
            if a is not b:
                assert math.hypot(a["x"] - b["x"], a["y"] - b["y"]) >= a["radius"] + b["radius"]
    for node in data["nodes"]:
        frame = frames[node["cohortId"]]
        assert distance(node, frame) <= frame["radius"]
    assert {n["cohortId"] for n in data["nodes"]} == {gid("Cohort", g.cohort.pk) for g in groups}


def test_a_person_in_two_cohorts_is_one_dot_and_ties_between_cohorts_show(
    api_for, seeder, make_group
):
    district = DistrictFactory()
    north, south = SchoolFactory(district=district), SchoolFactory(district=district)
    a = make_group(seeder, north, name="A", blues=1, yellows_per_blue=1)
    b = make_group(seeder, north, name="B", blues=1, yellows_per_blue=1)
    c = make_group(seeder, south, name="C", blues=1, yellows_per_blue=1)
    # A's blue dot is also a yellow dot in B
    seeder.member(b.cohort, a.blues[0], "YELLOW", started_at=at_day(0))
    # A's yellow dot visits C's leader at the other school, twice
    seeder.visit(a.yellows[0][0], c.leader, starts_at=at_day(3))
    seeder.visit(a.yellows[0][0], c.leader, starts_at=at_day(10))
    # B's leader visits A's blue dot, who is in B too: not a cross-cohort tie
    seeder.visit(b.leader, a.blues[0], starts_at=at_day(4))
    seeder.save()
    coordinator = CoordinatorFactory(coordinated_district=district)

    data = api_for(coordinator).data(MAP_QUERY, {"scope": district_scope(district)})["networkMap"]

    shared = [n for n in data["nodes"] if n["personId"] == gid("Person", a.blues[0].pk)]
    assert len(shared) == 1
    assert shared[0]["cohortId"] == gid("Cohort", a.cohort.pk)
    assert shared[0]["role"] == "BLUE"
    assert shared[0]["otherPlaces"] == [{"cohortId": gid("Cohort", b.cohort.pk), "role": "YELLOW"}]
    assert len(data["nodes"]) == 9
    edges = {(e["visitorId"], e["hostId"]): e for e in data["edges"]}
    across = edges[(gid("Person", a.yellows[0][0].pk), gid("Person", c.leader.pk))]
    assert (across["isCrossSchool"], across["isCrossCohort"], across["completedCount"]) == (
        True,
        True,
        2,
    )
    inside = edges[(gid("Person", b.leader.pk), gid("Person", a.blues[0].pk))]
    assert (inside["isCrossSchool"], inside["isCrossCohort"]) == (False, False)
    measures = data["measures"]
    assert (measures["crossSchoolTieCount"], measures["crossCohortTieCount"]) == (1, 1)
    assert {s["name"] for s in data["schools"]} == {north.name, south.name}


def test_people_outside_the_map_leave_no_edges(api_for, seeder, make_group):
    g = make_group(seeder, blues=1, yellows_per_blue=0)
    stranger = TeacherFactory(school=g.cohort.school)
    seeder.visit(g.leader, stranger, starts_at=at_day(2))
    seeder.visit(stranger, g.blues[0], starts_at=at_day(3))
    seeder.save()

    data = api_for(g.leader).data(MAP_QUERY, {"scope": cohort_scope(g.cohort)})["networkMap"]

    assert data["edges"] == []
    assert len(data["nodes"]) == 2


def test_betweenness_is_computed_only_when_asked_for(api_for, seeder, make_group, monkeypatch):
    from networks import graph

    g = make_group(seeder, blues=2, yellows_per_blue=1)
    seeder.visit(g.leader, g.blues[0], starts_at=at_day(1))
    seeder.visit(g.blues[0], g.yellows[0][0], starts_at=at_day(2))
    seeder.save()
    calls = []
    real = graph.betweenness_centrality
    monkeypatch.setattr(
        graph, "betweenness_centrality", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    api = api_for(g.leader)
    scope = {"scope": cohort_scope(g.cohort)}

    plain = api.data(
        "query M($scope: NetworkScopeInput!) "
        "{ networkMap(scope: $scope) { measures { density } } }",
        scope,
    )
    assert (plain["networkMap"]["measures"]["density"], calls) == (pytest.approx(2 / 20), [])

    with_fragment = api.data(
        """
        query M($scope: NetworkScopeInput!) { networkMap(scope: $scope) { ...Connectors } }
        fragment Connectors on NetworkMap { measures { mostConnecting { personId betweenness } } }
        """,
        scope,
    )
    assert calls == [1]
    (top,) = with_fragment["networkMap"]["measures"]["mostConnecting"]
    assert top["personId"] == gid("Person", g.blues[0].pk)
