"""`selectors.run_chart`: a measure's stored points, baseline, flags and notes, read by the
pure rules."""

import uuid
from datetime import date, timedelta

import pytest

from improvement import selectors
from improvement.models import Annotation, DataPoint, Measure, Stage
from improvement.run_chart import SignalKind
from improvement.services.measures import pdsa_measure_link
from improvement.services.pdsa import pdsa_advance, pdsa_create

pytestmark = pytest.mark.django_db

START = date(2026, 1, 5)


def add_points(measure, values, *, flagged=()):
    for index, value in enumerate(values):
        DataPoint.objects.create(
            measure=measure,
            client_id=uuid.uuid4(),
            on=START + timedelta(days=index),
            value=value,
            astronomical=index in flagged,
        )


def test_no_points_no_chart(measure):
    assert selectors.run_chart(measure) is None


def test_points_are_read_by_date_not_by_recording_order(measure):
    DataPoint.objects.create(measure=measure, client_id=uuid.uuid4(), on=START, value=9)
    DataPoint.objects.create(
        measure=measure, client_id=uuid.uuid4(), on=START - timedelta(days=1), value=1
    )
    chart = selectors.run_chart(measure).chart
    assert [p.value for p in chart.points] == [1, 9]


def test_the_baseline_sets_the_median_and_a_short_series_uses_what_it_has(owner, measure):
    Measure.objects.filter(pk=measure.pk).update(baseline_count=4)
    measure.refresh_from_db()
    add_points(measure, [2, 2, 4, 4, 9, 9, 9])
    assert selectors.run_chart(measure).chart.median == 3.0
    other = Measure.objects.create(owner=owner, name="short", baseline_count=10)
    add_points(other, [1, 5, 6])
    # Still collecting the baseline: the median of the points so far.
    assert selectors.run_chart(other).chart.median == 5.0


def test_flagged_points_and_notes_reach_the_chart(owner, slq, measure):
    add_points(measure, [3, 4, 30, 4, 3], flagged={2})
    pdsa = pdsa_create(owner=owner, slq=slq, change_idea="Seat groups of three", predictions="p")
    pdsa_measure_link(owner=owner, pdsa=pdsa, measure=measure)
    pdsa = pdsa_advance(owner=owner, pdsa=pdsa, to=Stage.DO)
    Annotation.objects.create(measure=measure, on=START, text="Baseline week")
    found = selectors.run_chart(measure)
    astronomical = found.chart.signals_of(SignalKind.ASTRONOMICAL)
    assert [s.indexes for s in astronomical] == [(2,)]
    assert [(a.on, a.text) for a in found.annotations] == [
        (START, "Baseline week"),
        (pdsa.do_started_on, "Cycle 1 starts: Seat groups of three"),
    ]
    assert found.chart.reliable is False  # five points: too few for the rules
