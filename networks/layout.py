"""Ready-to-draw positions for network maps, so the phone draws dots and arrows without layout code.

Coordinate system: every position lies in the unit square, x to the right and y *down* (screen
and SVG convention), origin at the top-left, same scale on both axes; multiply by the side of
the drawing in points or pixels. Angles below are measured clockwise from 12 o'clock.

One cohort is drawn as rings around its leader: blue dots evenly on an inner ring, each yellow
dot on the outer ring inside its blue dot's angular sector (so the blue -> yellow arrows are
short), and yellow dots not yet assigned to a blue dot in a sector of their own. Several
cohorts (a school, a district) are laid out on a square grid of equal cells, grouped by school,
and scaled to fit. A person who belongs to several cohorts is placed once, in the first cohort
that holds them, and their place in later cohorts stays empty: edges to them then cross between
cohorts, which is exactly what a coordinator wants to see. Everything is sorted by id, so the
same cohorts always give the same picture whatever order the database returns them in.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from networks.graph import CohortId, CohortShape, PersonId, Role, SchoolId, id_key

# Cohort-local geometry: the cohort's bounding circle has radius 1. The outer ring stays well
# inside it so that dots and the labels under them do not spill into the next cohort.
BLUE_RING = 0.42
YELLOW_RING = 0.8
COHORT_RADIUS = 1.0
CELL_GAP = 0.1
"""Empty margin around each cohort's circle, as a share of its radius."""
MAX_NODE_RADIUS = 0.075
"""Largest dot radius in cohort-local units; dots shrink when a ring is crowded."""


@dataclass(frozen=True, slots=True)
class NodePosition:
    """Where one person is drawn, with the role and cohort they are drawn in."""

    person_id: PersonId
    x: float
    y: float
    role: Role
    cohort_id: CohortId
    blue_id: PersonId | None = None
    """For a yellow dot, the blue dot it is assigned to (None when unassigned)."""


@dataclass(frozen=True, slots=True)
class CohortFrame:
    """A cohort's circle: centre, bounding radius and the radii of its blue and yellow rings."""

    cohort_id: CohortId
    school_id: SchoolId | None
    x: float
    y: float
    radius: float
    blue_radius: float
    yellow_radius: float


@dataclass(frozen=True)
class NetworkLayout:
    """Positions of every person placed, the cohorts' circles, and a dot radius that fits.

    `node_radius` (same units as positions) is small enough that no two dots overlap.
    """

    nodes: tuple[NodePosition, ...]
    cohorts: tuple[CohortFrame, ...]
    node_radius: float
    _by_id: Mapping[PersonId, NodePosition] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {node.person_id: node for node in self.nodes})

    def position(self, person_id: PersonId) -> NodePosition | None:
        """Where the person is drawn, or None if they are in none of the cohorts."""
        return self._by_id.get(person_id)

    @property
    def roles(self) -> dict[PersonId, Role]:
        """Each placed person's role (in the cohort where they are drawn)."""
        return {node.person_id: node.role for node in self.nodes}


def layout_cohort(cohort: CohortShape) -> NetworkLayout:
    """Positions for a single cohort's map, centred in the unit square."""
    return layout_network([cohort])


def layout_network(cohorts: Iterable[CohortShape]) -> NetworkLayout:
    """Positions for the maps of several cohorts on one drawing (see the module docstring).

    Cohorts are ordered by school id then cohort id and filled into a grid row by row, so a
    school's cohorts sit next to each other; each grid cell holds one cohort's circle plus a
    margin, which keeps the circles from overlapping.
    """
    ordered = sorted(cohorts, key=_cohort_order)
    ids = [c.id for c in ordered]
    if len(set(ids)) != len(ids):
        raise ValueError("the same cohort is given twice")
    if not ordered:
        return NetworkLayout((), (), MAX_NODE_RADIUS)

    columns = math.ceil(math.sqrt(len(ordered)))
    rows = math.ceil(len(ordered) / columns)
    cell = 2 * COHORT_RADIUS * (1 + CELL_GAP)
    scale = 1 / (cell * max(columns, rows))
    # Centre the grid in the unit square when it is not square (e.g. 2 cohorts in a row).
    offset_x = (1 - columns * cell * scale) / 2
    offset_y = (1 - rows * cell * scale) / 2

    placed: dict[PersonId, NodePosition] = {}
    frames = []
    radius = MAX_NODE_RADIUS
    for i, cohort in enumerate(ordered):
        row, column = divmod(i, columns)
        cx = offset_x + (column + 0.5) * cell * scale
        cy = offset_y + (row + 0.5) * cell * scale
        frames.append(
            CohortFrame(
                cohort.id,
                cohort.school_id,
                cx,
                cy,
                COHORT_RADIUS * scale,
                BLUE_RING * scale,
                YELLOW_RING * scale,
            )
        )
        slots = _cohort_slots(cohort)
        radius = min(radius, _fitting_radius(slots))
        for person_id, role, blue_id, ring, angle in slots:
            if person_id in placed:
                continue
            x = cx + ring * scale * math.sin(angle)
            y = cy - ring * scale * math.cos(angle)
            placed[person_id] = NodePosition(person_id, x, y, role, cohort.id, blue_id)
    return NetworkLayout(tuple(placed.values()), tuple(frames), radius * scale)


def _cohort_order(cohort: CohortShape) -> tuple:
    school = ("", "") if cohort.school_id is None else id_key(cohort.school_id)
    return (school, id_key(cohort.id))


_Slot = tuple[PersonId, Role, PersonId | None, float, float]
"""(person, role, their blue dot, ring radius, angle) in cohort-local units."""


def _cohort_slots(cohort: CohortShape) -> list[_Slot]:
    """Every place in one cohort's rings, leader first, in a fixed order."""
    blues = sorted(cohort.blue_ids, key=id_key)
    unassigned = sorted(cohort.unassigned_yellow_ids, key=id_key)
    # One equal sector per blue dot, plus one for unassigned yellow dots if there are any:
    # equal sectors keep the blue dots evenly spaced however their yellow dots are spread.
    groups: list[tuple[PersonId | None, list[PersonId]]] = [
        (blue, sorted(cohort.yellow_of_blue.get(blue, ()), key=id_key)) for blue in blues
    ]
    if unassigned:
        groups.append((None, unassigned))

    slots: list[_Slot] = [(cohort.leader_id, Role.LEADER, None, 0.0, 0.0)]
    if not groups:
        return slots
    step = 2 * math.pi / len(groups)
    for i, (blue, yellows) in enumerate(groups):
        centre = i * step
        if blue is not None:
            slots.append((blue, Role.BLUE, None, BLUE_RING, centre))
        for j, yellow in enumerate(yellows):
            # Split the sector into equal slices and sit in the middle of slice j, so the
            # dots of neighbouring sectors are as far apart as those within a sector.
            angle = centre + ((j + 0.5) / len(yellows) - 0.5) * step
            slots.append((yellow, Role.YELLOW, blue, YELLOW_RING, angle))
    return slots


def _fitting_radius(slots: list[_Slot]) -> float:
    """Largest dot radius (local units, capped) at which no two dots of the cohort touch."""
    radius = MAX_NODE_RADIUS
    for ring in (BLUE_RING, YELLOW_RING):
        angles = sorted(angle for *_, r, angle in slots if r == ring)
        if len(angles) < 2:
            continue
        gaps = [b - a for a, b in itertools.pairwise(angles)]
        gaps.append(2 * math.pi - angles[-1] + angles[0])
        chord = 2 * ring * math.sin(min(gaps) / 2)
        radius = min(radius, 0.4 * chord)
    return radius
