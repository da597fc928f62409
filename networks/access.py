"""Who may ask for which network map.

- **Staff** may map anything.
- **Coordinators** map their own district: the district, any of its schools, any of its cohorts.
- **Teacher leaders** map the cohorts they lead now, one at a time or as their school's map
  (which then shows only the cohorts they lead there).
- **Members** (blue and yellow dots, and leaders too) map a cohort they are in now.

Membership is taken as it is *now*, even when the map replays an earlier date: someone who left
a cohort no longer sees it, and someone who joined late sees its whole year.

A scope that does not exist and one the viewer may not even know about give the same answer
(`ScopeNotFound`), so ids reveal nothing. A school or district the viewer can see exists (their
own) but may not map is refused with `PermissionDenied`. The API answers both with a null map
and the links with 404 (README "How the API fails"): only the domain tells them apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import PermissionDenied

from backend.accounts import scope as school_scope
from networks import sources
from networks.graph import Role
from networks.sources import CohortRow


class ScopeKind(StrEnum):
    COHORT = "COHORT"
    SCHOOL = "SCHOOL"
    DISTRICT = "DISTRICT"


@dataclass(frozen=True, slots=True)
class Scope:
    """What to map: one cohort, a school's cohorts, or a district's cohorts."""

    kind: ScopeKind
    id: int


class ScopeNotFound(Exception):
    """No such cohort, school or district, or none the viewer may know about."""


@dataclass(frozen=True)
class MapTarget:
    """What the viewer may map for a scope.

    `cohorts` are every cohort of the scope the viewer may see, of every year; a school or
    district map then keeps those running at the date asked about, while a single cohort
    asked for by id (`explicit`) is drawn whatever its dates.
    """

    scope: Scope
    name: str
    district_id: int
    cohorts: tuple[CohortRow, ...]
    time_zones: tuple[str, ...]
    explicit: bool = False


def map_target(viewer, scope: Scope) -> MapTarget:
    """The cohorts `viewer` may map for `scope`; raises ScopeNotFound or PermissionDenied."""
    if viewer is None or not viewer.is_authenticated or not viewer.is_active:
        raise ScopeNotFound()
    if scope.kind == ScopeKind.COHORT:
        return _cohort_target(viewer, scope)
    if scope.kind == ScopeKind.SCHOOL:
        return _school_target(viewer, scope)
    return _district_target(viewer, scope)


def may_map_cohort(viewer, cohort_id: int) -> bool:
    """Whether `viewer` may see the map of this cohort now (used when a signed image URL is
    fetched, to re-check access)."""
    try:
        map_target(viewer, Scope(ScopeKind.COHORT, cohort_id))
    except (ScopeNotFound, PermissionDenied):
        return False
    return True


def _cohort_target(viewer, scope: Scope) -> MapTarget:
    rows = sources.cohort_rows(cohort_ids=[scope.id])
    if not rows:
        raise ScopeNotFound()
    cohort = rows[0]
    # Members see their own cohort; to everyone else it does not exist.
    if not school_scope.oversees_row(viewer, cohort, "district_id") and cohort.id not in (
        sources.current_cohort_roles(viewer.pk)
    ):
        raise ScopeNotFound()
    return MapTarget(
        scope=scope,
        name=cohort.name,
        district_id=cohort.district_id,
        cohorts=(cohort,),
        time_zones=(cohort.time_zone,),
        explicit=True,
    )


def _school_target(viewer, scope: Scope) -> MapTarget:
    school = sources.school_place(scope.id)
    if school is None or not school_scope.in_district_row(viewer, school, "district_id"):
        raise ScopeNotFound()
    if school_scope.oversees_row(viewer, school, "district_id"):
        rows = sources.cohort_rows(school_id=school.id)
    else:
        led = [
            cohort_id
            for cohort_id, role in sources.current_cohort_roles(viewer.pk).items()
            if role == Role.LEADER
        ]
        rows = sources.cohort_rows(cohort_ids=led, school_id=school.id) if led else []
        if not rows:
            raise PermissionDenied("Only the school's cohort leaders and coordinators map it.")
    return MapTarget(
        scope=scope,
        name=school.name,
        district_id=school.district_id,
        cohorts=tuple(rows),
        time_zones=school.time_zones,
    )


def _district_target(viewer, scope: Scope) -> MapTarget:
    district = sources.district_place(scope.id)
    if district is None or not school_scope.in_district_row(viewer, district, "id"):
        raise ScopeNotFound()
    if not school_scope.oversees_row(viewer, district, "id"):
        raise PermissionDenied("Only the district's coordinators map the whole district.")
    return MapTarget(
        scope=scope,
        name=district.name,
        district_id=district.id,
        cohorts=tuple(sources.cohort_rows(district_id=district.id)),
        time_zones=district.time_zones,
    )
