"""Who-visited-whom measures of a peer-observation network (a cohort, a school or a district).

The GraphQL layer reads people, cohorts and aggregated visits from the database and hands them
to these functions as the frozen dataclasses below, so nothing here needs Django.

A *tie* is an ordered pair (visitor, host) with at least one completed visit: planned visits
show intent, not a relationship, so no measure counts them unless its docstring says so.
Edges whose visitor or host is not among the people passed in are ignored (a cohort's map
leaves out visits to outsiders), and so are self-visits, which the programme has no use for.

Every measure is linear in people plus edges except betweenness, which is Brandes' O(V*E) on
the (undirected) tie graph, run by igraph and sampled on large districts; see
`betweenness_centrality`.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import Any, NamedTuple, TypeAlias

import igraph

PersonId: TypeAlias = int | str
SchoolId: TypeAlias = int | str
CohortId: TypeAlias = int | str


def id_key(value: PersonId) -> tuple[str, Any]:
    """Sort key that orders ids of mixed types (ints before strings) deterministically."""
    return (type(value).__name__, value)


class Role(StrEnum):
    """A member's place in a cohort (the names match the `Membership` roles)."""

    LEADER = "LEADER"
    BLUE = "BLUE"
    YELLOW = "YELLOW"


@dataclass(frozen=True, slots=True)
class Person:
    """A member of the network; `school_id` tells cross-school ties apart (None: unknown)."""

    id: PersonId
    school_id: SchoolId | None = None


@dataclass(frozen=True)
class CohortShape:
    """One learning group: a leader, the blue dots they visit, the yellow dots each blue visits.

    `yellow_of_blue` maps a blue dot's id to the ids of the yellow dots assigned to it;
    `unassigned_yellow_ids` are yellow dots not yet assigned to any blue dot. The mapping is
    copied into a read-only one so the shape stays immutable.
    """

    id: CohortId
    school_id: SchoolId | None
    leader_id: PersonId
    blue_ids: tuple[PersonId, ...] = ()
    yellow_of_blue: Mapping[PersonId, tuple[PersonId, ...]] = field(
        default_factory=dict, hash=False
    )
    unassigned_yellow_ids: tuple[PersonId, ...] = ()

    def __post_init__(self) -> None:
        # Callers pass lists and dicts straight from queries; freeze them here once.
        object.__setattr__(self, "blue_ids", tuple(self.blue_ids))
        object.__setattr__(self, "unassigned_yellow_ids", tuple(self.unassigned_yellow_ids))
        frozen = MappingProxyType({b: tuple(ys) for b, ys in self.yellow_of_blue.items()})
        object.__setattr__(self, "yellow_of_blue", frozen)
        unknown = set(frozen) - set(self.blue_ids)
        if unknown:
            raise ValueError(f"cohort {self.id!r}: yellow dots assigned to non-blue {unknown!r}")
        members = self.member_ids
        if len(set(members)) != len(members):
            raise ValueError(f"cohort {self.id!r}: a person holds two places in the cohort")

    @property
    def yellow_ids(self) -> tuple[PersonId, ...]:
        """Every yellow dot: assigned ones in blue-dot order, then the unassigned ones."""
        assigned = tuple(y for b in self.blue_ids for y in self.yellow_of_blue.get(b, ()))
        return assigned + self.unassigned_yellow_ids

    @property
    def member_ids(self) -> tuple[PersonId, ...]:
        """Leader, blue dots, then yellow dots."""
        return (self.leader_id, *self.blue_ids, *self.yellow_ids)

    def role_of(self, person_id: PersonId) -> Role | None:
        """The person's role in this cohort, or None if they are not in it."""
        if person_id == self.leader_id:
            return Role.LEADER
        if person_id in self.blue_ids:
            return Role.BLUE
        if person_id in self.yellow_ids:
            return Role.YELLOW
        return None


class VisitEdge(NamedTuple):
    """All visits from one visitor to one host, aggregated.

    `first_date` and `last_date` span the pair's visits (the map shows "when last"); the
    measures only use the counts. A tuple, not a dataclass: a district map makes tens of
    thousands, and a frozen dataclass takes four times as long to build. `TieGraph` refuses
    negative counts.
    """

    visitor_id: PersonId
    host_id: PersonId
    completed_count: int = 0
    planned_count: int = 0
    first_date: date | None = None
    last_date: date | None = None

    @property
    def pair(self) -> tuple[PersonId, PersonId]:
        return (self.visitor_id, self.host_id)


def _merge(a: VisitEdge, b: VisitEdge) -> VisitEdge:
    firsts = [d for d in (a.first_date, b.first_date) if d is not None]
    lasts = [d for d in (a.last_date, b.last_date) if d is not None]
    return VisitEdge(
        a.visitor_id,
        a.host_id,
        a.completed_count + b.completed_count,
        a.planned_count + b.planned_count,
        min(firsts) if firsts else None,
        max(lasts) if lasts else None,
    )


class TieGraph:
    """People and their visit edges, indexed once so that every measure is a cheap pass.

    Edges repeated for the same ordered pair are merged (counts summed, dates widened), so a
    caller may pass one edge per visit as well as one per pair.
    """

    __slots__ = ("edges", "in_ties", "members", "out_ties", "school_of", "ties")

    def __init__(self, people: Iterable[Person], edges: Iterable[VisitEdge]) -> None:
        school_of: dict[PersonId, SchoolId | None] = {}
        for person in people:
            known = school_of.setdefault(person.id, person.school_id)
            if known != person.school_id:
                raise ValueError(f"person {person.id!r} is given two schools")
        self.school_of: Mapping[PersonId, SchoolId | None] = school_of
        self.members: tuple[PersonId, ...] = tuple(sorted(school_of, key=id_key))

        merged: dict[tuple[PersonId, PersonId], VisitEdge] = {}
        for edge in edges:
            visitor, host, completed, planned = edge[:4]
            if completed < 0 or planned < 0:
                raise ValueError(f"visit counts cannot be negative: {edge!r}")
            if visitor == host or visitor not in school_of or host not in school_of:
                continue
            pair = (visitor, host)
            seen = merged.get(pair)
            merged[pair] = edge if seen is None else _merge(seen, edge)
        self.edges: Mapping[tuple[PersonId, PersonId], VisitEdge] = merged
        self.ties: frozenset[tuple[PersonId, PersonId]] = frozenset(
            pair for pair, edge in merged.items() if edge.completed_count > 0
        )
        self.out_ties: dict[PersonId, set[PersonId]] = {m: set() for m in school_of}
        self.in_ties: dict[PersonId, set[PersonId]] = {m: set() for m in school_of}
        for visitor, host in self.ties:
            self.out_ties[visitor].add(host)
            self.in_ties[host].add(visitor)


# --- simple measures ----------------------------------------------------------------------------


def density(graph: TieGraph) -> float:
    """Directed density: ties / (n * (n - 1)); 0.0 with fewer than two members."""
    n = len(graph.members)
    return len(graph.ties) / (n * (n - 1)) if n > 1 else 0.0


def reach(graph: TieGraph, leader_ids: Collection[PersonId] = ()) -> float:
    """Share of members, leaders excluded, who hosted at least one completed visit.

    Reach = |{m not a leader : completed in-degree(m) >= 1}| / |{m not a leader}|. Leaders are
    left out because the programme has the leader visit others; nobody is due to visit them,
    so counting them would make a fully reached cohort look incomplete. 0.0 when no member is
    left to reach.
    """
    leaders = set(leader_ids)
    candidates = [m for m in graph.members if m not in leaders]
    if not candidates:
        return 0.0
    return sum(1 for m in candidates if graph.in_ties[m]) / len(candidates)


def reciprocity(graph: TieGraph) -> float:
    """Share of ties whose reverse is also a tie (A visited B and B visited A); 0.0 if none."""
    if not graph.ties:
        return 0.0
    mutual = sum(1 for visitor, host in graph.ties if (host, visitor) in graph.ties)
    return mutual / len(graph.ties)


def isolated_members(graph: TieGraph) -> tuple[PersonId, ...]:
    """Members with no completed visit in or out, in id order (planned visits do not count)."""
    return tuple(m for m in graph.members if not graph.out_ties[m] and not graph.in_ties[m])


def cross_school_ties(graph: TieGraph) -> tuple[VisitEdge, ...]:
    """Ties between members of two different schools, ordered by (visitor, host).

    A member whose school is unknown (None) makes no cross-school tie: we cannot tell.
    """
    school = graph.school_of
    rank = {m: i for i, m in enumerate(graph.members)}
    found = sorted(
        (rank[v], rank[h], v, h)
        for v, h in graph.ties
        if school[v] is not None and school[h] is not None and school[v] != school[h]
    )
    return tuple(graph.edges[(v, h)] for _, _, v, h in found)


class MemberDegree(NamedTuple):
    """One member's visit counts: completed and planned, made and hosted, and distinct peers."""

    visits_made: int = 0
    visits_hosted: int = 0
    planned_made: int = 0
    planned_hosted: int = 0
    peers_visited: int = 0
    """Out-degree: distinct peers this member completed a visit to."""
    visitors: int = 0
    """In-degree: distinct peers who completed a visit to this member."""


def degrees(graph: TieGraph) -> dict[PersonId, MemberDegree]:
    """Visit counts per member (every member has an entry, in id order)."""
    counts = {m: [0, 0, 0, 0] for m in graph.members}
    for (visitor, host), edge in graph.edges.items():
        counts[visitor][0] += edge.completed_count
        counts[host][1] += edge.completed_count
        counts[visitor][2] += edge.planned_count
        counts[host][3] += edge.planned_count
    return {
        m: MemberDegree(
            made,
            hosted,
            planned_made,
            planned_hosted,
            len(graph.out_ties[m]),
            len(graph.in_ties[m]),
        )
        for m, (made, hosted, planned_made, planned_hosted) in counts.items()
    }


# --- betweenness --------------------------------------------------------------------------------

DEFAULT_BETWEENNESS_BUDGET = 15_000_000
"""Work units (BFS sources x (members + adjacency entries)) spent on exact betweenness before
sampling sources: about 0.15 s of igraph on a 2-CPU server. See `betweenness_centrality`.
"""
MIN_SAMPLED_SOURCES = 100
"""Fewest sources a sampled estimate uses, whatever the budget, so it stays meaningful."""


@dataclass(frozen=True, slots=True)
class Betweenness:
    """Normalised betweenness per member, and whether it is exact or estimated from samples."""

    scores: Mapping[PersonId, float]
    exact: bool


def betweenness_centrality(
    graph: TieGraph, *, budget: int | None = DEFAULT_BETWEENNESS_BUDGET, seed: int = 0
) -> Betweenness:
    """Betweenness centrality of each member on the undirected tie graph, normalised to [0, 1].

    Undirected, because "who connects people" does not depend on who travelled: a blue dot links
    the leader and its yellow dots whichever way the visits went. A member's score is the share
    of pairs of other members whose shortest paths run through them:
    sum over pairs {s, t} of sigma_st(v) / sigma_st, divided by (n - 1)(n - 2) / 2, with n all
    members (so it is comparable to networkx's normalised undirected betweenness).

    Brandes' algorithm (igraph's, in C) costs one breadth-first search per source member. When
    searching from every member would cost more than `budget` work units, a seeded sample of
    sources stands for all of them, scaled up (Brandes and Pich, 2007), and `exact` is False;
    `budget=None` always computes exactly. Members without ties start no path, so only members
    with ties are sampled: on a district of 5,000 teachers the sample of a few hundred finds
    eight or nine of the ten most connecting people that the exact answer (2 s) finds.
    """
    members = graph.members
    n = len(members)
    if n == 0:
        return Betweenness({}, True)
    index = {m: i for i, m in enumerate(members)}
    pairs = {
        (a, b) if a < b else (b, a)
        for a, b in ((index[visitor], index[host]) for visitor, host in graph.ties)
    }
    tie_graph = igraph.Graph(n=n, edges=sorted(pairs), directed=False)
    connected = [v for v, degree in enumerate(tie_graph.degree()) if degree]
    per_source = n + 2 * len(pairs)
    affordable = math.inf if budget is None else max(MIN_SAMPLED_SOURCES, budget // per_source)
    if len(connected) <= affordable:
        raw = tie_graph.betweenness(directed=False) if pairs else [0.0] * n
        factor, exact = 1.0, True
    else:
        sources = sorted(random.Random(seed).sample(connected, int(affordable)))
        raw = tie_graph.betweenness(directed=False, sources=sources)
        factor, exact = len(connected) / len(sources), False

    scale = 2 / ((n - 1) * (n - 2)) * factor if n > 2 else 0.0
    return Betweenness({m: raw[i] * scale for i, m in enumerate(members)}, exact)


def most_connecting(scores: Mapping[PersonId, float], k: int = 5) -> tuple[PersonId, ...]:
    """The k members with the highest betweenness, best first, ties broken by id.

    Members scoring zero connect nobody and are left out, so the result may be shorter than k.
    """
    positive = ((score, m) for m, score in scores.items() if score > 0)
    best = heapq.nsmallest(k, positive, key=lambda item: (-item[0], id_key(item[1])))
    return tuple(m for _, m in best)


# --- everything at once -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NetworkMeasures:
    """All measures of one network, as the coordinator's map and dashboard show them."""

    member_count: int
    tie_count: int
    density: float
    reach: float
    reciprocity: float
    isolated_ids: tuple[PersonId, ...]
    cross_school_ties: tuple[VisitEdge, ...]
    degrees: Mapping[PersonId, MemberDegree]
    betweenness: Mapping[PersonId, float]
    betweenness_exact: bool
    most_connecting_ids: tuple[PersonId, ...]


def measure_network(
    people: Iterable[Person],
    edges: Iterable[VisitEdge],
    *,
    leader_ids: Collection[PersonId] = (),
    top_k: int = 5,
    betweenness_budget: int | None = DEFAULT_BETWEENNESS_BUDGET,
) -> NetworkMeasures:
    """Compute every measure of the network in one call (see each function for definitions)."""
    graph = TieGraph(people, edges)
    between = betweenness_centrality(graph, budget=betweenness_budget)
    return NetworkMeasures(
        member_count=len(graph.members),
        tie_count=len(graph.ties),
        density=density(graph),
        reach=reach(graph, leader_ids),
        reciprocity=reciprocity(graph),
        isolated_ids=isolated_members(graph),
        cross_school_ties=cross_school_ties(graph),
        degrees=degrees(graph),
        betweenness=between.scores,
        betweenness_exact=between.exact,
        most_connecting_ids=most_connecting(between.scores, top_k),
    )
