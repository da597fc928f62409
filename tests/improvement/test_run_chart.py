"""The run-chart rules (Perla, Provost and Murray 2011) against hand-computed series, the runs
table against the exact Swed-Eisenhart distribution computed here independently, and properties
of shifts, trends and the median over generated series."""

import itertools
import math
from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from improvement.run_chart import (
    RUNS_LIMITS,
    UNRELIABLE_REASON,
    Direction,
    Point,
    Side,
    SignalKind,
    analyse,
    median_of,
)

START = date(2025, 1, 6)


def series(*values: float) -> list[Point]:
    return [Point(date=START + timedelta(days=7 * i), value=v) for i, v in enumerate(values)]


def kinds(chart) -> list[SignalKind]:
    return [s.kind for s in chart.signals]


# -- the issue's two series ---------------------------------------------------------------------


def test_issue_series_without_signal():
    chart = analyse(series(12, 14, 11, 13, 12, 15, 11, 13, 14, 12, 13, 12, 14, 11, 13))

    assert chart.median == 13
    # Four 13s sit on the median: 11 useful observations in 9 runs (limits 4 to 9), no shift
    # (longest run 2), no trend (longest rise 11, 13, 14).
    assert chart.useful_observations == 11
    assert chart.run_count == 9
    assert chart.signals == ()
    assert chart.reliable is True
    assert chart.reason is None


def test_issue_series_with_a_rising_trend_and_no_shift():
    chart = analyse(series(12, 14, 11, 13, 12, 15, 11, 13, 12, 14, 12, 13, 15, 17, 19))

    assert chart.median == 13
    assert kinds(chart) == [SignalKind.TREND]
    (trend,) = chart.signals
    assert trend.indexes == (10, 11, 12, 13, 14)
    assert trend.direction is Direction.UP
    assert "Points 11 to 15" in trend.message
    assert chart.signals_of(SignalKind.SHIFT) == ()


# -- shift ----------------------------------------------------------------------------------------


def test_six_in_a_row_on_one_side_of_the_median_is_a_shift():
    # Median of 1..12 is 6.5: six below, then six above, neither rising or falling five in a row.
    chart = analyse(series(3, 1, 5, 2, 6, 4, 9, 7, 11, 8, 12, 10))

    below, above = chart.signals_of(SignalKind.SHIFT)
    assert (below.side, below.indexes) == (Side.BELOW, (0, 1, 2, 3, 4, 5))
    assert (above.side, above.indexes) == (Side.ABOVE, (6, 7, 8, 9, 10, 11))
    assert "Points 7 to 12 (17 Feb 2025 to 24 Mar 2025): 6 in a row above" in above.message
    # Two runs in 12 useful observations are also too few (the lower limit is 4).
    assert kinds(chart) == [SignalKind.SHIFT, SignalKind.SHIFT, SignalKind.TOO_FEW_RUNS]


def test_five_in_a_row_is_not_a_shift():
    # Median 6.5: five below, one above, one below, five above.
    chart = analyse(series(3, 1, 5, 2, 4, 9, 6, 11, 8, 12, 10, 7))

    assert max(len(r.indexes) for r in chart.runs) == 5
    assert chart.signals_of(SignalKind.SHIFT) == ()


def test_points_on_the_median_are_skipped_inside_a_shift():
    # Median 5: three above, one on the median, three above: one shift of six, not two runs of 3.
    values = (7, 8, 6, 5, 9, 7, 8, 1, 2, 5, 3, 6, 2, 4, 1)
    chart = analyse(series(*values))

    assert chart.median == 5
    assert chart.useful_observations == 13
    assert kinds(chart) == [SignalKind.SHIFT]
    (shift,) = chart.signals
    assert shift.indexes == (0, 1, 2, 4, 5, 6)
    assert "1 on the median in between, not counted" in shift.message
    # The later median point does not join the three below before it to those after the 6.
    assert [r.indexes for r in chart.runs] == [(0, 1, 2, 4, 5, 6), (7, 8, 10), (11,), (12, 13, 14)]


# -- trend ----------------------------------------------------------------------------------------


def test_a_repeated_value_neither_adds_to_nor_breaks_a_trend():
    chart = analyse(series(9, 1, 2, 3, 3, 4, 8, 6, 7, 5, 10, 0))

    (trend,) = chart.signals_of(SignalKind.TREND)
    assert trend.indexes == (1, 2, 3, 5, 6)
    assert trend.direction is Direction.UP


def test_four_counted_points_with_a_repeat_are_not_a_trend():
    chart = analyse(series(9, 1, 2, 3, 3, 4, 0, 6, 2, 5, 1, 7))

    assert chart.signals_of(SignalKind.TREND) == ()


def test_a_falling_trend_and_a_rising_one_share_their_turning_point():
    chart = analyse(series(9, 8, 7, 6, 5, 6, 7, 8, 9, 10))

    trends = chart.signals_of(SignalKind.TREND)
    assert [(t.direction, t.indexes) for t in trends] == [
        (Direction.DOWN, (0, 1, 2, 3, 4)),
        (Direction.UP, (4, 5, 6, 7, 8, 9)),
    ]


# -- baseline -------------------------------------------------------------------------------------


def test_a_baseline_median_extends_over_the_later_points():
    # Baseline 4, 6, 5, 7, 3, 5, 6, 4 has median 5; after the change every point is above it.
    values = (4, 6, 5, 7, 3, 5, 6, 4, 9, 8, 10, 9, 11, 8)
    chart = analyse(series(*values), baseline_count=8)

    assert chart.median == 5
    assert chart.baseline_count == 8
    (shift,) = chart.signals_of(SignalKind.SHIFT)
    assert shift.indexes == (8, 9, 10, 11, 12, 13)
    # Over all points the median would be 6.5 and the same data would read differently.
    assert analyse(series(*values)).median == 6.5


@pytest.mark.parametrize("baseline", [0, 15, -1])
def test_a_baseline_outside_the_series_is_refused(baseline):
    with pytest.raises(ValueError, match="baseline"):
        analyse(series(*range(14)), baseline_count=baseline)


# -- runs -----------------------------------------------------------------------------------------

# 17 points: 1..7 below the median 8, two 8s on it, 9..16 above: 15 useful observations.
FIFTEEN_USEFUL_TOO_FEW = (3, 1, 2, 8, 10, 9, 12, 11, 5, 4, 7, 6, 8, 14, 13, 16, 15)
FIFTEEN_USEFUL_TOO_MANY = (9, 1, 10, 2, 11, 3, 12, 8, 8, 4, 13, 5, 14, 6, 15, 7, 16)


def test_too_few_runs_at_fifteen_useful_observations():
    chart = analyse(series(*FIFTEEN_USEFUL_TOO_FEW))

    assert chart.median == 8
    assert chart.useful_observations == 15
    assert chart.run_count == 4
    assert chart.runs_limits == (5, 12)
    assert kinds(chart) == [SignalKind.TOO_FEW_RUNS]
    (signal,) = chart.signals
    assert signal.indexes == tuple(i for i in range(17) if i not in (3, 12))
    assert "4 runs where chance alone gives 5 to 12" in signal.message


def test_too_many_runs_at_fifteen_useful_observations():
    chart = analyse(series(*FIFTEEN_USEFUL_TOO_MANY))

    assert chart.useful_observations == 15
    assert chart.run_count == 15
    assert kinds(chart) == [SignalKind.TOO_MANY_RUNS]


# 20 distinct values, median 10.5: four runs of five (values mixed so no trend or shift).
TWENTY_TOO_FEW = (3, 1, 5, 2, 4, 13, 11, 15, 12, 14, 8, 6, 10, 7, 9, 18, 16, 20, 17, 19)
TWENTY_TOO_MANY = tuple(v for pair in zip(range(1, 11), range(11, 21), strict=True) for v in pair)


def test_too_few_runs_at_twenty_useful_observations():
    chart = analyse(series(*TWENTY_TOO_FEW))

    assert chart.useful_observations == 20
    assert chart.run_count == 4
    assert kinds(chart) == [SignalKind.TOO_FEW_RUNS]


def test_too_many_runs_at_twenty_useful_observations():
    chart = analyse(series(*TWENTY_TOO_MANY))

    assert chart.useful_observations == 20
    assert chart.run_count == 20
    assert kinds(chart) == [SignalKind.TOO_MANY_RUNS]


@pytest.mark.parametrize("useful", [10, 15, 20, 30, 40, 60])
def test_runs_at_the_limits_are_not_signals_and_one_beyond_is(useful):
    lower, upper = RUNS_LIMITS[useful]
    for runs, expected in [
        (lower - 1, [SignalKind.TOO_FEW_RUNS]),
        (lower, []),
        (upper, []),
        (upper + 1, [SignalKind.TOO_MANY_RUNS]),
    ]:
        chart = analyse(series(*_with_runs(useful, runs)))
        assert chart.useful_observations == useful
        assert chart.run_count == runs
        assert [k for k in kinds(chart) if "runs" in k] == expected, (useful, runs)


def _with_runs(useful: int, runs: int) -> list[float]:
    """`useful` values split around 0 in exactly `runs` runs. For an odd count two zeros lead
    the series: they are its median, so the useful observations are exactly the others."""
    below, above = useful // 2, useful - useful // 2
    sides = _arrangement(below, above, runs)
    zeros = [0.0, 0.0] if useful % 2 else []
    return zeros + [1.0 + i if side > 0 else -1.0 - i for i, side in enumerate(sides)]


def _arrangement(below: int, above: int, runs: int) -> list[int]:
    # Start with the larger side so an odd number of runs up to 2*min+1 is reachable.
    first, second = (1, -1) if above >= below else (-1, 1)
    counts = {1: above, -1: below}
    lengths = {first: (runs + 1) // 2, second: runs // 2}
    out: list[int] = []
    blocks = {s: _split(counts[s], lengths[s]) for s in (1, -1)}
    for k in range(runs):
        side = first if k % 2 == 0 else second
        out += [side] * blocks[side][k // 2]
    return out


def _split(total: int, parts: int) -> list[int]:
    return [total - (parts - 1)] + [1] * (parts - 1)


def test_outside_the_table_the_runs_rule_is_not_applied():
    chart = analyse(series(*_with_runs(62, 2)))

    assert chart.runs_limits is None
    assert not [k for k in kinds(chart) if "runs" in k]


# Rows of Perla et al. table 1 as quoted by secondary sources, where the exact distribution
# reproduces them (the printed paper itself was not at hand; see the report of issue 22).
PUBLISHED_ROWS = [(10, (3, 9)), (14, (4, 12)), (16, (5, 13)), (24, (8, 18)), (30, (11, 21))]
PUBLISHED_ROWS += [(40, (15, 27)), (50, (19, 33)), (60, (24, 38))]


@pytest.mark.parametrize(("useful", "limits"), PUBLISHED_ROWS)
def test_published_rows_of_the_runs_table(useful, limits):
    assert RUNS_LIMITS[useful] == limits


def _runs_distribution(n1: int, n2: int) -> dict[int, Fraction]:
    """Swed-Eisenhart: the exact distribution of the number of runs among n1 + n2 symbols."""
    total = math.comb(n1 + n2, n1)
    out = {}
    for r in range(2, n1 + n2 + 1):
        k = r // 2
        if r % 2 == 0:
            ways = 2 * math.comb(n1 - 1, k - 1) * math.comb(n2 - 1, k - 1)
        else:
            ways = math.comb(n1 - 1, k - 1) * math.comb(n2 - 1, k) + math.comb(
                n1 - 1, k
            ) * math.comb(n2 - 1, k - 1)
        out[r] = Fraction(ways, total)
    return out


def test_the_runs_distribution_formula_matches_enumeration():
    # The oracle's oracle: count runs over every arrangement of a small series.
    for n1, n2 in [(5, 5), (5, 6), (7, 7), (7, 8)]:
        counts: dict[int, int] = {}
        for above in itertools.combinations(range(n1 + n2), n2):
            sides = [i in above for i in range(n1 + n2)]
            r = 1 + sum(a != b for a, b in itertools.pairwise(sides))
            counts[r] = counts.get(r, 0) + 1
        total = math.comb(n1 + n2, n1)
        dist = _runs_distribution(n1, n2)
        assert {r: Fraction(c, total) for r, c in counts.items()} == {
            r: p for r, p in dist.items() if p
        }


def test_the_runs_table_equals_the_swed_eisenhart_limits_at_five_percent():
    tail = Fraction(1, 40)  # 2.5% in each tail
    computed = {}
    for n in range(10, 61):
        dist = _runs_distribution(n // 2, n - n // 2)
        low = 1 + max(r for r in dist if sum(p for s, p in dist.items() if s <= r) <= tail)
        high = min(r for r in dist if sum(p for s, p in dist.items() if s >= r) <= tail) - 1
        computed[n] = (low, high)

    assert computed == RUNS_LIMITS


# -- reliability, refusal, astronomical -----------------------------------------------------------


def test_fewer_than_ten_useful_points_are_not_reliable():
    # Ten points whose two middle values are 5, both on the median: only 8 are useful.
    chart = analyse(series(1, 2, 3, 4, 5, 5, 8, 9, 10, 11))

    assert chart.median == 5
    assert chart.useful_observations == 8
    assert chart.reliable is False
    assert chart.reason == UNRELIABLE_REASON
    assert analyse(series(*range(10))).reliable is True


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_values_are_refused(bad):
    with pytest.raises(ValueError, match="point 3"):
        analyse(series(1, 2, bad, 4))


def test_an_empty_series_is_refused():
    with pytest.raises(ValueError):
        analyse([])


def test_a_flagged_point_is_an_astronomical_signal_and_nothing_else_is():
    values = (12, 14, 11, 13, 12, 15, 11, 13, 14, 12, 13, 12, 40, 11, 13)
    assert analyse(series(*values)).signals_of(SignalKind.ASTRONOMICAL) == ()

    chart = analyse(series(*values), astronomical={12})
    (signal,) = chart.signals_of(SignalKind.ASTRONOMICAL)
    assert signal.indexes == (12,)
    assert "point 13" in signal.message
    with pytest.raises(ValueError, match="no point 16"):
        analyse(series(*values), astronomical={15})


# -- properties -----------------------------------------------------------------------------------

values_strategy = st.lists(
    st.integers(min_value=0, max_value=6).map(float), min_size=1, max_size=40
)


@settings(max_examples=300, deadline=None)
@given(values=values_strategy, data=st.data())
def test_shifts_are_maximal_and_each_obeys_the_rule(values, data):
    baseline = data.draw(st.none() | st.integers(min_value=1, max_value=len(values)))
    chart = analyse(series(*values), baseline_count=baseline)
    m = chart.median
    useful = [i for i, v in enumerate(values) if v != m]

    for shift in chart.signals_of(SignalKind.SHIFT):
        idx = shift.indexes
        assert len(idx) >= 6
        above = shift.side is Side.ABOVE
        assert all((values[i] > m) == above and values[i] != m for i in idx)
        # Consecutive among useful points: only median points lie between them.
        between = range(idx[0], idx[-1] + 1)
        assert [i for i in between if values[i] != m] == list(idx)
        # Maximal: the useful neighbours on either side are on the other side.
        pos = useful.index(idx[0])
        if pos > 0:
            assert (values[useful[pos - 1]] > m) != above
        pos = useful.index(idx[-1])
        if pos + 1 < len(useful):
            assert (values[useful[pos + 1]] > m) != above

    # Every long enough run is reported.
    longest = _longest_same_side(values, m)
    assert bool(chart.signals_of(SignalKind.SHIFT)) == (longest >= 6)


def _longest_same_side(values, m):
    best, length, side = 0, 0, None
    for v in values:
        if v == m:
            continue
        length = length + 1 if (v > m) == side else 1
        side = v > m
        best = max(best, length)
    return best


@settings(max_examples=300, deadline=None)
@given(values=values_strategy)
def test_trends_are_maximal_and_each_obeys_the_rule(values):
    chart = analyse(series(*values))
    for trend in chart.signals_of(SignalKind.TREND):
        idx = trend.indexes
        up = trend.direction is Direction.UP
        assert len(idx) >= 5
        for a, b in itertools.pairwise(idx):
            assert (values[b] > values[a]) if up else (values[b] < values[a])
            # Points skipped between counted ones repeat the earlier value.
            assert all(values[i] == values[a] for i in range(a + 1, b))
        # The point just after the last counted one is not a repeat (else it would be skipped
        # and the next distinct value would decide).
        after = next(
            (i for i in range(idx[-1] + 1, len(values)) if values[i] != values[idx[-1]]), None
        )
        if after is not None:
            assert (values[after] > values[idx[-1]]) != up
        before = idx[0] - 1
        if before >= 0:
            assert values[before] != values[idx[0]]
            assert (values[idx[0]] > values[before]) != up

    assert bool(chart.signals_of(SignalKind.TREND)) == (_longest_trend(values) >= 5)


def _longest_trend(values):
    distinct = [v for i, v in enumerate(values) if i == 0 or v != values[i - 1]]
    best = min(len(distinct), 1)
    up = down = 1
    for a, b in itertools.pairwise(distinct):
        up, down = (up + 1, 1) if b > a else (1, down + 1)
        best = max(best, up, down)
    return best


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(
        st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6),
        min_size=1,
        max_size=30,
    ),
    data=st.data(),
)
def test_the_median_is_unchanged_by_reordering(values, data):
    shuffled = data.draw(st.permutations(values))
    assert median_of(shuffled) == median_of(values)
    ordered = sorted(values)
    n = len(ordered)
    expected = ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2
    assert median_of(values) == expected
