"""Cohort map positions: rings around the leader, sectors per blue dot, cohorts kept apart."""

import itertools
import math
import random

import pytest

from networks.graph import CohortShape, Role
from networks.layout import NetworkLayout, layout_cohort, layout_network


def cohort(cohort_id, school_id=1, *, prefix=None, yellows_per_blue=2, unassigned=()):
    p = prefix or str(cohort_id)
    blues = tuple(f"{p}-B{i}" for i in range(1, 5))
    yellow_of_blue = {b: tuple(f"{b}-Y{j}" for j in range(1, yellows_per_blue + 1)) for b in blues}
    return CohortShape(
        cohort_id,
        school_id,
        f"{p}-L",
        blues,
        yellow_of_blue,
        tuple(f"{p}-U{u}" for u in unassigned),
    )


def angle_of(node, frame):
    """Clockwise from 12 o'clock, in [0, 2 pi), with y pointing down."""
    return math.atan2(node.x - frame.x, frame.y - node.y) % (2 * math.pi)


def angular_distance(a, b):
    d = abs(a - b) % (2 * math.pi)
    return min(d, 2 * math.pi - d)


def radius_of(node, frame):
    return math.hypot(node.x - frame.x, node.y - frame.y)


def test_leader_at_the_centre_of_the_cohort():
    layout = layout_cohort(cohort(1))
    frame = layout.cohorts[0]

    leader = layout.position("1-L")

    assert leader.role is Role.LEADER
    assert (leader.x, leader.y) == pytest.approx((frame.x, frame.y))
    # a single cohort is centred in the unit square
    assert (frame.x, frame.y) == pytest.approx((0.5, 0.5))


@pytest.mark.parametrize(("unassigned", "sectors"), [((), 4), ((1, 2, 3), 5)])
def test_blue_dots_on_one_ring_evenly_spaced(unassigned, sectors):
    # given 4 blue dots, and an extra sector for unassigned yellow dots when there are some
    layout = layout_cohort(cohort(1, unassigned=unassigned))
    frame = layout.cohorts[0]
    blues = [n for n in layout.nodes if n.role is Role.BLUE]

    # then: same radius, and consecutive blue dots one sector (2 pi / sectors) apart
    assert len(blues) == 4
    for blue in blues:
        assert radius_of(blue, frame) == pytest.approx(frame.blue_radius)
    angles = sorted(angle_of(b, frame) for b in blues)
    steps = [b - a for a, b in itertools.pairwise(angles)]
    assert steps == pytest.approx([2 * math.pi / sectors] * 3)


def test_each_yellow_dot_in_its_blue_dots_sector_on_the_outer_ring():
    # given blue dots with 1, 2 and 3 yellow dots and 2 unassigned ones (5 sectors of 72 deg)
    shape = CohortShape(
        "c",
        1,
        "L",
        ("B1", "B2", "B3", "B4"),
        {"B1": ("Y1",), "B2": ("Y2", "Y3"), "B3": ("Y4", "Y5", "Y6")},
        ("U1", "U2"),
    )
    layout = layout_cohort(shape)
    frame = layout.cohorts[0]
    half_sector = math.pi / 5
    yellows = [n for n in layout.nodes if n.role is Role.YELLOW]

    assert len(yellows) == 8
    blue_angles = []
    for yellow in yellows:
        assert radius_of(yellow, frame) == pytest.approx(frame.yellow_radius)
        assert frame.yellow_radius > frame.blue_radius
        if yellow.blue_id is None:
            continue
        blue = layout.position(yellow.blue_id)
        blue_angles.append(angle_of(blue, frame))
        assert angular_distance(angle_of(yellow, frame), angle_of(blue, frame)) < half_sector

    # unassigned yellow dots sit in their own arc: outside every blue dot's sector
    for name in ("U1", "U2"):
        node = layout.position(name)
        assert node.blue_id is None
        for blue_angle in blue_angles:
            assert angular_distance(angle_of(node, frame), blue_angle) > half_sector


def test_dots_do_not_overlap_even_in_a_crowded_sector():
    shape = cohort(1, yellows_per_blue=2)
    crowded = CohortShape(
        2, 1, "L", ("B",), {"B": tuple(f"Y{i}" for i in range(20))}, ("U1", "U2", "U3")
    )
    layout = layout_network([shape, crowded])

    for a, b in itertools.combinations(layout.nodes, 2):
        assert math.hypot(a.x - b.x, a.y - b.y) >= 2 * layout.node_radius


def district(count):
    return [cohort(i, school_id=i % 4) for i in range(count)]


@pytest.mark.parametrize("count", [2, 3, 5, 12, 40])
def test_cohort_circles_do_not_overlap_and_fit(count):
    layout = layout_network(district(count))

    assert len(layout.cohorts) == count
    for a, b in itertools.combinations(layout.cohorts, 2):
        assert math.hypot(a.x - b.x, a.y - b.y) >= a.radius + b.radius
    for frame in layout.cohorts:
        assert frame.radius <= frame.x <= 1 - frame.radius
        assert frame.radius <= frame.y <= 1 - frame.radius
    for node in layout.nodes:
        assert 0 <= node.x <= 1 and 0 <= node.y <= 1


def test_cohorts_of_a_school_sit_together():
    layout = layout_network(district(8))

    # ordered by school, then cohort id
    assert [f.cohort_id for f in layout.cohorts] == [0, 4, 1, 5, 2, 6, 3, 7]


def test_a_person_in_two_cohorts_is_placed_once_in_the_first():
    # given the leader of cohort "b" is a blue dot of cohort "a"
    first = cohort("a")
    second = CohortShape("b", 1, "a-B1", ("b-B1",), {"b-B1": ("a-B2-Y1", "b-Y")})

    # when (the order of the input does not matter)
    layout = layout_network([second, first])

    # then: one position each, with the role of the first cohort
    ids = [n.person_id for n in layout.nodes]
    assert len(ids) == len(set(ids)) == 13 + 2
    assert layout.position("a-B1").role is Role.BLUE
    assert layout.position("a-B1").cohort_id == "a"
    assert layout.position("a-B2-Y1").cohort_id == "a"
    assert layout.position("b-Y").cohort_id == "b"
    # the second cohort's centre stays empty rather than moving the shared person
    frame_b = layout.cohorts[1]
    assert not any((n.x, n.y) == pytest.approx((frame_b.x, frame_b.y)) for n in layout.nodes)


def test_layout_is_deterministic_whatever_the_input_order():
    cohorts = district(6)
    rng = random.Random(3)

    def shuffled(shape):
        blues = list(shape.blue_ids)
        rng.shuffle(blues)
        mapping = {b: tuple(rng.sample(ys, len(ys))) for b, ys in shape.yellow_of_blue.items()}
        mapping = dict(rng.sample(sorted(mapping.items()), len(mapping)))
        return CohortShape(shape.id, shape.school_id, shape.leader_id, tuple(blues), mapping)

    reordered = [shuffled(c) for c in rng.sample(cohorts, len(cohorts))]

    assert layout_network(reordered) == layout_network(cohorts)
    assert layout_network(cohorts) == layout_network(cohorts)


def test_no_cohorts_no_positions():
    layout = layout_network([])

    assert layout == NetworkLayout((), (), layout.node_radius)
    assert layout.position("anyone") is None


def test_a_cohort_of_a_leader_alone():
    layout = layout_cohort(CohortShape(1, 1, "L"))

    assert [(n.person_id, n.x, n.y) for n in layout.nodes] == [("L", 0.5, 0.5)]


def test_the_same_cohort_twice_is_refused():
    with pytest.raises(ValueError):
        layout_network([cohort(1), cohort(1)])
