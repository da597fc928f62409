"""The coordinators' stuck list: a district's running cohorts that are stuck (see
`networks.progress.stuck_cohort`), read at the same instant and through the same sources as the
network map (`networks.maps`), in a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from networks import access, sources
from networks.access import MapTarget, Scope, ScopeKind
from networks.maps import (
    as_of_instant,
    cohort_roles,
    cohort_shapes,
    cyclic_gc_paused,
    last_visit_by_cohort,
    member_time_zones,
)
from networks.progress import REFLECTION_DUE, StuckCohort, stuck_cohort
from networks.sources import MemberRow


@dataclass(frozen=True)
class StuckList:
    district_name: str
    as_of: date
    weeks_without_visit: int
    cohorts: tuple[StuckCohort, ...]
    people: dict[int, MemberRow]


def stuck_cohorts(
    *,
    viewer,
    district_id: int,
    weeks_without_visit: int = 4,
    as_of: date | None = None,
    now: datetime | None = None,
) -> StuckList:
    """The district's running cohorts that are stuck (see `networks.progress.stuck_cohort`),
    by school then cohort name. Coordinators of the district and staff only."""
    target = access.map_target(viewer, Scope(ScopeKind.DISTRICT, district_id))
    with cyclic_gc_paused():
        return _stuck_list(target, weeks_without_visit, as_of, now or timezone.now())


def _stuck_list(target: MapTarget, weeks_without_visit: int, as_of, now: datetime) -> StuckList:
    day, at = as_of_instant(as_of, target.time_zones, now)
    rows = [row for row in target.cohorts if row.running_at(at)]
    ids = [row.id for row in rows]
    members = sources.cohort_members(ids, at)
    shapes = cohort_shapes(rows, members)
    pairs = sources.visit_pairs(ids, at, member_time_zones(members))
    overdue = sources.overdue_reflections(ids, at, at - REFLECTION_DUE)
    ties = {pair.edge.pair for pair in pairs if pair.edge.completed_count > 0}
    last_by_cohort = last_visit_by_cohort(pairs, cohort_roles(shapes))
    found = []
    for row, shape in zip(rows, shapes, strict=True):
        stuck = stuck_cohort(
            row,
            shape,
            ties,
            day=day,
            at=at,
            weeks=weeks_without_visit,
            assigned_since=members.assigned_since,
            last_visit_date=last_by_cohort.get(row.id),
            overdue_reflections=overdue.get(row.id, 0),
        )
        if stuck is not None:
            found.append(stuck)
    found.sort(key=lambda s: (s.cohort.school_name, s.cohort.name, s.cohort.id))
    return StuckList(target.name, day, weeks_without_visit, tuple(found), members.people)
