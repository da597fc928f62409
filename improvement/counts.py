"""Coordinators' counts of a district's improvement work: how many PDSA cycles are at each
stage, how many measures and data points, and how many entries are live in the improvement
library, per school. Numbers only.

Cycles, measures and points are their owner's alone (design §4); what a coordinator may learn
is how much improvement work goes on at each school, never what a cycle says, whose it is or
any value. So the four queries below group by the owner's school (and the cycle's stage) and
select only that key and a count: no change idea, no measure name, no value, no person. A
school with one cycle shows 1: these count activity, not people. `tests/improvement/
test_counts.py` checks the SQL and the result.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from backend.accounts import scope

from .models import STAGE_ORDER, DataPoint, LibraryEntry, Measure, Pdsa


@dataclass(frozen=True)
class ImprovementCount:
    """One school's improvement activity: cycles per stage (every stage, in order, zeros
    included), measures and data points. Only schools with a cycle or a measure appear."""

    school_id: int
    pdsas_by_stage: tuple[tuple[str, int], ...]
    measures: int
    data_points: int
    library_entries: int = 0
    """Entries live in the improvement library from the school's teachers."""

    @property
    def pdsas(self) -> int:
        return sum(count for _, count in self.pdsas_by_stage)


def improvement_counts(
    viewer, district_id: int, school_id: int | None = None
) -> list[ImprovementCount] | None:
    """The district's (or one of its schools') counts, one row per school with any cycle or
    measure, by school id; None for a district the viewer does not coordinate, one that does
    not exist, and a school that is not in it (the same answer for each)."""
    if not scope.reads_district_counts(viewer, district_id, school_id):
        return None
    where = {"owner__school__district_id": district_id}
    if school_id is not None:
        where["owner__school_id"] = school_id

    stages: dict[int, dict[str, int]] = {}
    for school, stage, count in (
        Pdsa.objects.filter(**where)
        .order_by()
        .values_list("owner__school_id", "stage")
        .annotate(n=Count("id"))
    ):
        stages.setdefault(school, {})[stage] = count
    measures = dict(
        Measure.objects.filter(**where)
        .order_by()
        .values_list("owner__school_id")
        .annotate(n=Count("id"))
        .values_list("owner__school_id", "n")
    )
    points = dict(
        DataPoint.objects.filter(**{f"measure__{key}": value for key, value in where.items()})
        .order_by()
        .values_list("measure__owner__school_id")
        .annotate(n=Count("id"))
        .values_list("measure__owner__school_id", "n")
    )
    shared = dict(
        LibraryEntry.objects.filter(
            unpublished_at__isnull=True, **{f"pdsa__{key}": value for key, value in where.items()}
        )
        .order_by()
        .values_list("pdsa__owner__school_id")
        .annotate(n=Count("id"))
        .values_list("pdsa__owner__school_id", "n")
    )
    schools = sorted(set(stages) | set(measures))
    return [
        ImprovementCount(
            school_id=school,
            pdsas_by_stage=tuple(
                (stage.value, stages.get(school, {}).get(stage.value, 0)) for stage in STAGE_ORDER
            ),
            measures=measures.get(school, 0),
            data_points=points.get(school, 0),
            library_entries=shared.get(school, 0),
        )
        for school in schools
    ]
