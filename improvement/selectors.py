"""Reads of cycles and measures, and a measure's run chart.

A PDSA cycle and its measures are private to their owner: no leader, coordinator or staff
member reads them here (a later slice publishes snapshots to colleagues). Every query below
filters by the person asking, so an id of someone else's cycle finds nothing.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, QuerySet

from . import run_chart as rules
from .models import Annotation, DataPoint, Measure, Pdsa, PdsaMeasure


def pdsas_visible_to(person, queryset: QuerySet | None = None) -> QuerySet:
    queryset = Pdsa.objects.all() if queryset is None else queryset
    if person is None or not person.is_authenticated:
        return queryset.none()
    return queryset.filter(owner_id=person.pk)


def measures_visible_to(person, queryset: QuerySet | None = None) -> QuerySet:
    queryset = Measure.objects.all() if queryset is None else queryset
    if person is None or not person.is_authenticated:
        return queryset.none()
    return queryset.filter(owner_id=person.pk)


def with_chart_data(measures: QuerySet) -> QuerySet:
    """Measures with what `run_chart` reads already fetched: three queries for any number."""
    return measures.prefetch_related(
        Prefetch("points", queryset=DataPoint.objects.order_by("on", "recorded_at", "id")),
        Prefetch("annotations", queryset=Annotation.objects.order_by("on", "id")),
        Prefetch("pdsas", queryset=Pdsa.objects.order_by("cycle_number", "id")),
    )


def measures_of_pdsas(owner_id: int) -> dict[int, list[Measure]]:
    """Every cycle of the owner -> its measures (ready for `run_chart`), in linking order."""
    links = PdsaMeasure.objects.filter(pdsa__owner_id=owner_id).order_by("linked_at", "id")
    measures = {
        m.pk: m
        for m in with_chart_data(
            Measure.objects.filter(owner_id=owner_id, pdsa_links__in=links).distinct()
        )
    }
    found: dict[int, list[Measure]] = {}
    for pdsa_id, measure_id in links.values_list("pdsa_id", "measure_id"):
        found.setdefault(pdsa_id, []).append(measures[measure_id])
    return found


@dataclass(frozen=True)
class ChartAnnotation:
    on: date
    text: str


@dataclass(frozen=True)
class MeasureChart:
    """The rules' findings and the notes to draw on the chart."""

    chart: rules.RunChart
    annotations: tuple[ChartAnnotation, ...]


def _cycle_label(pdsa: Pdsa) -> str:
    idea = " ".join(pdsa.change_idea.split())
    if len(idea) > 60:
        idea = idea[:59].rstrip() + "…"
    return f"Cycle {pdsa.cycle_number} starts: {idea}"


def run_chart(measure: Measure) -> MeasureChart | None:
    """The measure's run chart: its points by date (recording order within a day), the median
    of its baseline when one is marked (all points while the baseline is still being
    collected), the points the teacher flagged, and the annotations: each linked cycle's start
    of Do and the free notes. None while the measure has no points."""
    points = sorted(measure.points.all(), key=lambda p: (p.on, p.recorded_at, p.pk))
    if not points:
        return None
    baseline = measure.baseline_count
    chart = rules.analyse(
        [rules.Point(date=p.on, value=p.value) for p in points],
        baseline_count=min(baseline, len(points)) if baseline else None,
        astronomical={index for index, p in enumerate(points) if p.astronomical},
    )
    notes = [
        ChartAnnotation(on=pdsa.do_started_on, text=_cycle_label(pdsa))
        for pdsa in measure.pdsas.all()
        if pdsa.do_started_on is not None
    ]
    notes += [ChartAnnotation(on=a.on, text=a.text) for a in measure.annotations.all()]
    notes.sort(key=lambda note: note.on)
    return MeasureChart(chart=chart, annotations=tuple(notes))
