"""The network map of a cohort, a school or a district (the stuck list: `networks.stuck_list`).

`network_map` is the service the GraphQL field, the picture view and the benchmark call. It
reads through `networks.sources` (a fixed number of queries, whatever the size of the
district), measures with `networks.graph`, places dots with `networks.layout` and counts
progress with `networks.progress`, and returns plain dataclasses.

**asOf.** A map can be asked for as it was on a date, to replay how the network grew. The date
becomes an instant: the end of that day (midnight after it) in the time zone of the scope's
school; for a district with schools in several zones, the latest of those ends, so the day is
over at every school. The instant is never later than now. Without a date the map is as of now.
What counts at that instant is defined in `networks.sources`.

**People in several cohorts** are one node: drawn once, in the first cohort that holds them
(by school, then cohort id; see `networks.layout`), with their other places listed on the node.
Their visits are one set of edges, so a tie between two cohorts shows as a cross-cohort edge.
"""

from __future__ import annotations

import dataclasses
import gc
from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.utils import timezone

from networks import access, graph, sources
from networks.access import MapTarget, Scope
from networks.graph import CohortShape, PersonId, Role
from networks.layout import CohortFrame, NetworkLayout, NodePosition, layout_network
from networks.progress import REFLECTION_DUE, CohortProgress, cohort_progress
from networks.sources import CohortRow, MemberRow, PairVisits

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
"""Maps asked for before this show it: the programme had no data then."""
MOST_CONNECTING = 10
"""How many of the most connecting people (highest betweenness) a map lists."""
BETWEENNESS_BUDGET = graph.DEFAULT_BETWEENNESS_BUDGET
"""Work spent on exact betweenness before it is estimated from sampled sources (see
`networks.graph.betweenness_centrality`): exact for any cohort or school, sampled (a few
hundred sources, about 0.15 s) for a district of thousands whose ties join up."""


# --- what a map is ------------------------------------------------------------------------------


class MapPlace(NamedTuple):
    """A place a person holds in one of the map's cohorts."""

    cohort_id: int
    role: Role


class MapNode(NamedTuple):
    person_id: int
    full_name: str
    school_id: int | None
    role: Role
    cohort_id: int
    blue_id: int | None
    x: float
    y: float
    visits_made: int
    visits_hosted: int
    planned_made: int
    planned_hosted: int
    peers_visited: int
    visitors: int
    cycles_completed: int
    last_visit_date: date | None
    betweenness: float
    is_isolated: bool
    other_places: tuple[MapPlace, ...]


class MapEdge(NamedTuple):
    visitor_id: int
    host_id: int
    completed_count: int
    planned_count: int
    first_visit_date: date | None
    last_visit_date: date | None
    next_planned_date: date | None
    is_cross_school: bool
    is_cross_cohort: bool


@dataclass(frozen=True, slots=True)
class MapCohort:
    cohort: CohortRow
    frame: CohortFrame
    member_count: int
    progress: CohortProgress


@dataclass(frozen=True, slots=True)
class MapSchool:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class Connector:
    person_id: int
    full_name: str
    betweenness: float


@dataclass(frozen=True, slots=True)
class MapMeasures:
    member_count: int
    tie_count: int
    density: float
    reach: float
    reciprocity: float
    isolated_ids: tuple[int, ...]
    cross_school_tie_count: int
    cross_cohort_tie_count: int
    most_connecting: tuple[Connector, ...]
    betweenness_exact: bool


@dataclass(frozen=True)
class NetworkMap:
    scope: Scope
    name: str
    as_of: date
    at: datetime
    generated_at: datetime
    node_radius: float
    nodes: tuple[MapNode, ...]
    edges: tuple[MapEdge, ...]
    cohorts: tuple[MapCohort, ...]
    schools: tuple[MapSchool, ...]
    measures: MapMeasures
    layout: NetworkLayout
    """The layout without vacant leader seats, ready for `networks.render`."""

    @property
    def labels(self) -> dict[int, str]:
        return {node.person_id: node.full_name for node in self.nodes}

    @property
    def visit_edges(self) -> list[graph.VisitEdge]:
        return [
            graph.VisitEdge(
                e.visitor_id,
                e.host_id,
                e.completed_count,
                e.planned_count,
                e.first_visit_date,
                e.last_visit_date,
            )
            for e in self.edges
        ]


# --- time ---------------------------------------------------------------------------------------


def as_of_instant(
    as_of: date | None, time_zones: Iterable[str], now: datetime
) -> tuple[date, datetime]:
    """(the day shown, the instant it stands for); see the module docstring."""
    zones = [ZoneInfo(name) for name in sorted(set(time_zones))] or [ZoneInfo("UTC")]
    if as_of is None:
        # "Today" is the day still running somewhere in the scope: the westernmost school's.
        west = min(zones, key=lambda zone: now.astimezone(zone).utcoffset())
        return now.astimezone(west).date(), now
    if as_of >= now.date():  # today or later (also keeps date.max from overflowing)
        return as_of, now
    if as_of < EARLIEST.date():  # nothing happened then; keeps date arithmetic in range
        return as_of, EARLIEST
    day_after = as_of + timedelta(days=1)
    end = max(datetime.combine(day_after, time.min, tzinfo=zone) for zone in zones)
    return as_of, min(end, now)


# --- the map ------------------------------------------------------------------------------------


def network_map(
    *,
    viewer,
    scope: Scope,
    as_of: date | None = None,
    now: datetime | None = None,
    with_betweenness: bool = True,
) -> NetworkMap:
    """The map `viewer` asked for; raises access.ScopeNotFound or PermissionDenied.

    Betweenness is the one costly measure on a district (see `BETWEENNESS_BUDGET`); without
    `with_betweenness` it is left out (every score 0, nobody most connecting)."""
    target = access.map_target(viewer, scope)
    with cyclic_gc_paused():
        return build_map(target, as_of=as_of, now=now, with_betweenness=with_betweenness)


@contextmanager
def cyclic_gc_paused():
    """A district map allocates a few hundred thousand small objects without reference
    cycles; the cyclic collector would walk the growing heap again and again for nothing (a
    quarter to a third of the time on a 5,000-teacher district). Reference counting still
    frees everything; the collector runs again as soon as the map is built."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def build_map(
    target: MapTarget,
    *,
    as_of: date | None,
    now: datetime | None = None,
    with_betweenness: bool = True,
) -> NetworkMap:
    now = now or timezone.now()
    day, at = as_of_instant(as_of, target.time_zones, now)
    rows = [row for row in target.cohorts if target.explicit or row.running_at(at)]
    ids = [row.id for row in rows]

    members = sources.cohort_members(ids, at)
    shapes = cohort_shapes(rows, members)
    pairs = sources.visit_pairs(ids, at, member_time_zones(members))
    cycles = sources.cycles_completed(ids, at)
    leader_cycles = sources.leader_reflection_cycles(ids, at)
    surveys = sources.survey_windows(ids, at)
    meetings = sources.meetings_held(ids, at)
    overdue = sources.overdue_reflections(ids, at, at - REFLECTION_DUE)

    edges = [pair.edge for pair in pairs]
    people = [graph.Person(p.person_id, p.school_id) for p in members.people.values()]
    leaders = {s.leader_id for s in shapes if not sources.is_vacant(s.leader_id)}
    measured = _measure(people, edges, leaders, with_betweenness)
    ties = {edge.pair for edge in edges if edge.completed_count > 0}
    cohorts_of = cohort_roles(shapes)

    full_layout = layout_network(shapes)
    layout = NetworkLayout(
        tuple(n for n in full_layout.nodes if not sources.is_vacant(n.person_id)),
        full_layout.cohorts,
        full_layout.node_radius,
    )
    frames = {frame.cohort_id: frame for frame in layout.cohorts}
    last_by_cohort = last_visit_by_cohort(pairs, cohorts_of)
    map_cohorts = tuple(
        MapCohort(
            cohort=row,
            frame=frames[row.id],
            member_count=len(shape.member_ids) - (1 if sources.is_vacant(shape.leader_id) else 0),
            progress=cohort_progress(
                row,
                shape,
                ties,
                at=at,
                leader_cycles=leader_cycles,
                surveys=surveys,
                meetings=meetings,
                overdue=overdue,
                last_visit_date=last_by_cohort.get(row.id),
            ),
        )
        for row, shape in zip(rows, shapes, strict=True)
    )
    map_edges = _edges(pairs, members.people, {p: frozenset(c) for p, c in cohorts_of.items()})
    nodes = _nodes(layout.nodes, members.people, measured, cycles, pairs, cohorts_of)
    schools = {row.school_id: row.school_name for row in rows}
    return NetworkMap(
        scope=target.scope,
        name=target.name,
        as_of=day,
        at=at,
        generated_at=now,
        node_radius=layout.node_radius,
        nodes=nodes,
        edges=map_edges,
        cohorts=map_cohorts,
        schools=tuple(MapSchool(i, schools[i]) for i in sorted(schools)),
        measures=MapMeasures(
            member_count=measured.member_count,
            tie_count=measured.tie_count,
            density=measured.density,
            reach=measured.reach,
            reciprocity=measured.reciprocity,
            isolated_ids=tuple(measured.isolated_ids),
            cross_school_tie_count=len(measured.cross_school_ties),
            cross_cohort_tie_count=sum(
                1 for e in map_edges if e.completed_count and e.is_cross_cohort
            ),
            most_connecting=tuple(
                Connector(p, members.people[p].full_name, measured.betweenness[p])
                for p in measured.most_connecting_ids
            ),
            betweenness_exact=measured.betweenness_exact,
        ),
        layout=layout,
    )


def _measure(people, edges, leaders, with_betweenness: bool) -> graph.NetworkMeasures:
    """`graph.measure_network`, with betweenness only when asked for."""
    if with_betweenness:
        return graph.measure_network(
            people,
            edges,
            leader_ids=leaders,
            top_k=MOST_CONNECTING,
            betweenness_budget=BETWEENNESS_BUDGET,
        )
    tie_graph = graph.TieGraph(people, edges)
    return graph.NetworkMeasures(
        member_count=len(tie_graph.members),
        tie_count=len(tie_graph.ties),
        density=graph.density(tie_graph),
        reach=graph.reach(tie_graph, leaders),
        reciprocity=graph.reciprocity(tie_graph),
        isolated_ids=graph.isolated_members(tie_graph),
        cross_school_ties=graph.cross_school_ties(tie_graph),
        degrees=graph.degrees(tie_graph),
        betweenness={},
        betweenness_exact=True,
        most_connecting_ids=(),
    )


def member_time_zones(members: sources.CohortMembers) -> dict[int, str]:
    return {p.person_id: p.time_zone for p in members.people.values() if p.time_zone}


def cohort_shapes(rows: list[CohortRow], members: sources.CohortMembers) -> list[CohortShape]:
    return [dataclasses.replace(members.shapes[row.id], school_id=row.school_id) for row in rows]


def cohort_roles(shapes: list[CohortShape]) -> dict[PersonId, dict[int, Role]]:
    """Person -> {cohort id: role} over the map's cohorts, in map order."""
    found: dict[PersonId, dict[int, Role]] = defaultdict(dict)
    for shape in shapes:
        for person in shape.member_ids:
            if not sources.is_vacant(person):
                found[person][shape.id] = shape.role_of(person)
    return found


def last_visit_by_cohort(pairs: list[PairVisits], cohorts_of) -> dict[int, date]:
    """Per cohort, the date of the last completed visit between two of its members."""
    last: dict[int, date] = {}
    for pair in pairs:
        edge = pair.edge
        if not edge.completed_count or edge.last_date is None:
            continue
        mine = cohorts_of.get(edge.visitor_id, {})
        for cohort_id in cohorts_of.get(edge.host_id, {}):
            if cohort_id in mine:
                seen = last.get(cohort_id)
                if seen is None or edge.last_date > seen:
                    last[cohort_id] = edge.last_date
    return last


_NONE: frozenset = frozenset()


def _edges(
    pairs: list[PairVisits], people: dict[int, MemberRow], cohort_sets: dict[int, frozenset]
) -> tuple[MapEdge, ...]:
    school_of = {person_id: row.school_id for person_id, row in people.items()}
    sets_of = cohort_sets.get
    edges = []
    append = edges.append
    for pair in pairs:
        edge = pair.edge
        visitor, host = edge.visitor_id, edge.host_id
        visitor_school = school_of[visitor]
        host_school = school_of[host]
        append(
            MapEdge(
                visitor,
                host,
                edge.completed_count,
                edge.planned_count,
                edge.first_date,
                edge.last_date,
                pair.next_planned_date,
                visitor_school is not None
                and host_school is not None
                and visitor_school != host_school,
                sets_of(visitor, _NONE).isdisjoint(sets_of(host, _NONE)),
            )
        )
    return tuple(edges)


def _nodes(
    positions: Iterable[NodePosition],
    people: dict[int, MemberRow],
    measured: graph.NetworkMeasures,
    cycles: dict[int, int],
    pairs: list[PairVisits],
    cohorts_of,
) -> tuple[MapNode, ...]:
    last_visit: dict[PersonId, date] = {}
    for pair in pairs:
        edge = pair.edge
        last = edge.last_date
        if last is None:
            continue
        for person in (edge.visitor_id, edge.host_id):
            seen = last_visit.get(person)
            if seen is None or last > seen:
                last_visit[person] = last
    isolated = set(measured.isolated_ids)
    nodes = []
    for position in positions:
        person = people[position.person_id]
        degree = measured.degrees[position.person_id]
        places = cohorts_of.get(position.person_id, {})
        nodes.append(
            MapNode(
                person_id=person.person_id,
                full_name=person.full_name,
                school_id=person.school_id,
                role=position.role,
                cohort_id=position.cohort_id,
                blue_id=position.blue_id,
                x=position.x,
                y=position.y,
                visits_made=degree.visits_made,
                visits_hosted=degree.visits_hosted,
                planned_made=degree.planned_made,
                planned_hosted=degree.planned_hosted,
                peers_visited=degree.peers_visited,
                visitors=degree.visitors,
                cycles_completed=cycles.get(person.person_id, 0),
                last_visit_date=last_visit.get(person.person_id),
                betweenness=measured.betweenness.get(person.person_id, 0.0),
                is_isolated=person.person_id in isolated,
                other_places=tuple(
                    MapPlace(cohort_id, role)
                    for cohort_id, role in places.items()
                    if cohort_id != position.cohort_id
                ),
            )
        )
    return tuple(nodes)
