"""The run-chart rules (improvement.run_chart) checked against an independent implementation.

The oracle is statsmodels (a test dependency only; never imported by the service): numpy's
median is the centre line, and `statsmodels.sandbox.stats.runs.Runs` splits the series of
useful observations (points not on the median, above = 1, below = 0) into runs. Its runs
count is the count the runs rule reads (Anhøj's "number of crossings" is that count less one),
and its longest run is the quantity the shift rule thresholds: a shift is reported exactly when
some run has 6 or more points. statsmodels' own `runstest_1samp` counts a point on the median
as above it (`x >= cutoff`); the IHI rules skip such points, so they are dropped here before
the runs are counted, as Perla, Provost and Murray (2011) and Anhøj and Olesen (2014) do.
"""

from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.sandbox.stats.runs import Runs

from improvement.run_chart import SHIFT_LENGTH, Point, SignalKind, analyse

START = date(2025, 1, 6)
ISSUE_SERIES = (
    (12, 14, 11, 13, 12, 15, 11, 13, 14, 12, 13, 12, 14, 11, 13),
    (12, 14, 11, 13, 12, 15, 11, 13, 12, 14, 12, 13, 15, 17, 19),
)


def oracle(values, baseline_count=None):
    """(median, runs count, longest run) by numpy and statsmodels alone."""
    x = np.asarray(values, dtype=float)
    median = float(np.median(x[:baseline_count] if baseline_count else x))
    useful = x[x != median]
    if useful.size == 0:
        return median, 0, 0
    runs = Runs((useful > median).astype(int))
    return median, int(runs.n_runs), int(runs.runs.max())


def ours(values, baseline_count=None):
    points = [Point(date=START + timedelta(days=7 * i), value=v) for i, v in enumerate(values)]
    return analyse(points, baseline_count=baseline_count)


def check_against_oracle(values, baseline_count=None):
    chart = ours(values, baseline_count)
    median, run_count, longest = oracle(values, baseline_count)

    assert chart.median == pytest.approx(median)
    assert chart.run_count == run_count
    assert max((len(run.indexes) for run in chart.runs), default=0) == longest
    assert bool(chart.signals_of(SignalKind.SHIFT)) == (longest >= SHIFT_LENGTH)
    shifts = {s.indexes for s in chart.signals_of(SignalKind.SHIFT)}
    assert all(len(indexes) >= SHIFT_LENGTH for indexes in shifts)
    return chart, (median, run_count, longest)


@pytest.mark.parametrize(
    ("values", "expected"), list(zip(ISSUE_SERIES, [(13.0, 9, 2), (13.0, 8, 3)], strict=True))
)
def test_the_issue_series_agree_with_the_oracle(values, expected):
    chart, oracle_says = check_against_oracle(values)

    # Both: median 13 (its points skipped), no run long enough for a shift.
    assert oracle_says == expected
    assert chart.signals_of(SignalKind.SHIFT) == ()


def test_a_hand_made_shift_agrees_with_the_oracle():
    # Median 4: five points below, six above (a shift), one below.
    chart, oracle_says = check_against_oracle((3, 1, 3, 1, 3, 5, 5, 5, 5, 5, 5, 1))

    assert oracle_says == (4.0, 3, 6)
    assert chart.signals_of(SignalKind.SHIFT)[0].indexes == (5, 6, 7, 8, 9, 10)


# Small integers make ties with the median, and so skipped points, common.
values_strategy = st.lists(
    st.integers(min_value=0, max_value=8).map(float), min_size=1, max_size=60
)


@settings(max_examples=400, deadline=None)
@given(values=values_strategy)
def test_generated_series_agree_with_the_oracle(values):
    check_against_oracle(values)


@settings(max_examples=300, deadline=None)
@given(values=values_strategy, data=st.data())
def test_generated_series_with_a_baseline_agree_with_the_oracle(values, data):
    baseline = data.draw(st.integers(min_value=1, max_value=len(values)))
    check_against_oracle(values, baseline)


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(
        st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, width=32),
        min_size=1,
        max_size=60,
    )
)
def test_generated_real_valued_series_agree_with_the_oracle(values):
    check_against_oracle(values)
