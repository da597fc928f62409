"""The run-chart rules: when does a teacher's series of data points show a real change?

A run chart plots one measure over time with its median as the centre line. The rules below are
the four that Perla, Provost and Murray set out in "The run chart: a simple analytical tool for
learning from variation in healthcare processes", BMJ Quality & Safety 2011;20(1):46-51. Said in
our words:

- **Shift**: six or more points in a row all on the same side of the median. A point exactly on
  the median is skipped: it neither adds to the shift nor ends it.
- **Trend**: five or more points in a row each higher than the one before (or each lower). When a
  point repeats its neighbour's value, the pair counts as one point: the repeat neither adds to
  the trend nor ends it. Trends ignore the median.
- **Too few or too many runs**: a run is a stretch of points on one side of the median (points on
  the median are skipped: they are not useful observations). Chance alone produces a predictable
  range of runs for a given number of useful observations; fewer runs than that range means the
  points cluster (the process moved), more means they alternate suspiciously.
- **Astronomical point**: a point everyone looking at the chart would call unusual. That is a
  judgement, not arithmetic, so only the teacher flags one; the engine reports what it is told.

The rules are only trustworthy from ten useful observations on; below that the chart still shows
what it finds but says the rules are not yet reliable.

This module is pure (no Django): it takes points and returns a `RunChart`. Indexes are positions
in the sequence the caller passes (ordered by date, the caller's order kept for equal dates);
messages number points from 1, as a teacher counts them.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

SHIFT_LENGTH = 6
TREND_LENGTH = 5
MIN_USEFUL_OBSERVATIONS = 10
UNRELIABLE_REASON = "the rules need at least 10 points that are not on the median"

# Lower and upper limits of the number of runs for 10 to 60 useful observations: fewer runs than
# the lower limit, or more than the upper, is a signal. Perla et al. 2011 (table 1) present this
# table from Swed and Eisenhart (1943), "Tables for testing randomness of grouping in a sequence
# of alternatives", Annals of Mathematical Statistics 14(1):66-87. These values are the exact
# Swed-Eisenhart distribution of the number of runs for floor(n/2) points on one side and
# ceil(n/2) on the other (the median halves the useful observations), at 5% (2.5% in each tail):
# lower = 1 + the largest r with P(runs <= r) <= 0.025, upper = the smallest r with
# P(runs >= r) <= 0.025, minus 1. tests/improvement/test_run_chart.py recomputes every row.
RUNS_LIMITS: dict[int, tuple[int, int]] = {
    10: (3, 9), 11: (4, 9), 12: (4, 10), 13: (4, 11), 14: (4, 12), 15: (5, 12),
    16: (5, 13), 17: (6, 13), 18: (6, 14), 19: (6, 15), 20: (7, 15), 21: (7, 16),
    22: (8, 16), 23: (8, 17), 24: (8, 18), 25: (9, 18), 26: (9, 19), 27: (10, 19),
    28: (10, 20), 29: (10, 21), 30: (11, 21), 31: (11, 22), 32: (12, 22), 33: (12, 23),
    34: (12, 24), 35: (13, 24), 36: (13, 25), 37: (14, 25), 38: (14, 26), 39: (14, 26),
    40: (15, 27), 41: (15, 28), 42: (16, 28), 43: (16, 29), 44: (17, 29), 45: (17, 30),
    46: (17, 31), 47: (18, 31), 48: (18, 32), 49: (19, 32), 50: (19, 33), 51: (20, 33),
    52: (20, 34), 53: (20, 35), 54: (21, 35), 55: (21, 36), 56: (22, 36), 57: (22, 37),
    58: (23, 37), 59: (23, 38), 60: (24, 38),
}  # fmt: skip


class Side(StrEnum):
    ABOVE = "above"
    BELOW = "below"


class Direction(StrEnum):
    UP = "up"
    DOWN = "down"


class SignalKind(StrEnum):
    SHIFT = "shift"
    TREND = "trend"
    TOO_FEW_RUNS = "too_few_runs"
    TOO_MANY_RUNS = "too_many_runs"
    ASTRONOMICAL = "astronomical"


@dataclass(frozen=True)
class Point:
    """One data point of a measure: the day it was taken and its (finite) value."""

    date: date
    value: float


@dataclass(frozen=True)
class Run:
    """Consecutive useful observations on one side of the median (median points skipped)."""

    side: Side
    indexes: tuple[int, ...]


@dataclass(frozen=True)
class Signal:
    """Something the rules found: which points make it and a sentence a teacher can read.

    `side` is set for a shift, `direction` for a trend. For too few or too many runs, the points
    are all the useful observations (the pattern belongs to the whole chart)."""

    kind: SignalKind
    indexes: tuple[int, ...]
    message: str
    side: Side | None = None
    direction: Direction | None = None


@dataclass(frozen=True)
class RunChart:
    """A measure's run chart with what the rules found.

    `runs_limits` is None when the number of useful observations is outside the published table
    (10 to 60): then the runs rule is not applied. `reliable` is False, with `reason`, below ten
    useful observations; the other rules are still reported so the teacher sees the pattern."""

    points: tuple[Point, ...]
    median: float
    baseline_count: int | None
    useful_observations: int
    runs: tuple[Run, ...]
    runs_limits: tuple[int, int] | None
    signals: tuple[Signal, ...]
    reliable: bool
    reason: str | None = None
    astronomical: frozenset[int] = field(default_factory=frozenset)

    @property
    def run_count(self) -> int:
        return len(self.runs)

    def signals_of(self, kind: SignalKind) -> tuple[Signal, ...]:
        return tuple(s for s in self.signals if s.kind is kind)


def median_of(values: Sequence[float]) -> float:
    """The median: the middle value once sorted, or the mean of the two middle values."""
    if not values:
        raise ValueError("a median needs at least one value")
    return float(statistics.median(values))


def analyse(
    points: Sequence[Point],
    *,
    baseline_count: int | None = None,
    astronomical: Collection[int] = frozenset(),
) -> RunChart:
    """Apply the run-chart rules of Perla, Provost and Murray (2011) to `points`.

    The centre line is the median of all points, or of the first `baseline_count` points when the
    teacher marks a baseline; that median then extends over the later points, and the rules read
    every point against it. `astronomical` holds the indexes of points the teacher flagged.

    Raises ValueError for a non-finite value, an empty series, a baseline outside 1..len(points)
    or a flagged index that is not a point."""
    points = tuple(points)
    if not points:
        raise ValueError("a run chart needs at least one point")
    for index, point in enumerate(points):
        if not math.isfinite(point.value):
            raise ValueError(f"point {index + 1} has a value that is not a finite number")
    if baseline_count is not None and not 1 <= baseline_count <= len(points):
        raise ValueError(f"the baseline must be between 1 and {len(points)} points")
    flagged = frozenset(astronomical)
    for index in sorted(flagged):
        if not 0 <= index < len(points):
            raise ValueError(f"there is no point {index + 1} to flag as astronomical")

    values = [p.value for p in points]
    centre = median_of(values[:baseline_count] if baseline_count else values)
    runs = _runs(values, centre)
    useful = sum(len(run.indexes) for run in runs)
    limits = RUNS_LIMITS.get(useful)

    signals: list[Signal] = []
    signals.extend(_shift_signal(run, points) for run in runs if len(run.indexes) >= SHIFT_LENGTH)
    signals.extend(_trend_signals(points))
    if limits is not None:
        signals.extend(_runs_signals(runs, limits, useful))
    signals.extend(
        Signal(
            kind=SignalKind.ASTRONOMICAL,
            indexes=(index,),
            message=(
                f"You marked point {index + 1} ({_day(points[index].date)}) as astronomical: "
                "clearly unlike the others. Look for what happened that day."
            ),
        )
        for index in sorted(flagged)
    )

    reliable = useful >= MIN_USEFUL_OBSERVATIONS
    return RunChart(
        points=points,
        median=centre,
        baseline_count=baseline_count,
        useful_observations=useful,
        runs=runs,
        runs_limits=limits,
        signals=tuple(signals),
        reliable=reliable,
        reason=None if reliable else UNRELIABLE_REASON,
        astronomical=flagged,
    )


def _runs(values: Sequence[float], centre: float) -> tuple[Run, ...]:
    """Split the useful observations into runs; a point on the median belongs to none and does
    not end the run it sits in (so a shift's points are exactly a long run's points)."""
    runs: list[Run] = []
    for index, value in enumerate(values):
        if value == centre:
            continue
        side = Side.ABOVE if value > centre else Side.BELOW
        if runs and runs[-1].side is side:
            runs[-1] = Run(side=side, indexes=(*runs[-1].indexes, index))
        else:
            runs.append(Run(side=side, indexes=(index,)))
    return tuple(runs)


def _trend_signals(points: Sequence[Point]) -> list[Signal]:
    """Maximal stretches of five or more counted points each strictly above (or below) the one
    before. A point equal to its predecessor is not counted (the pair counts once), so the
    reported indexes are the first point of each group of equal neighbours."""
    counted: list[int] = []
    for index, point in enumerate(points):
        if not counted or point.value != points[counted[-1]].value:
            counted.append(index)

    signals: list[Signal] = []
    start = 0  # position in `counted` where the current monotone stretch begins
    direction: Direction | None = None
    for position in range(1, len(counted) + 1):
        step: Direction | None = None
        if position < len(counted):
            rising = points[counted[position]].value > points[counted[position - 1]].value
            step = Direction.UP if rising else Direction.DOWN
        if step is not direction or position == len(counted):
            if direction is not None and position - start >= TREND_LENGTH:
                signals.append(_trend_signal(tuple(counted[start:position]), direction, points))
            # A turning point ends one stretch and starts the next one.
            start = position - 1
            direction = step
    return signals


def _runs_signals(runs: Sequence[Run], limits: tuple[int, int], useful: int) -> list[Signal]:
    lower, upper = limits
    every = tuple(i for run in runs for i in run.indexes)
    count = len(runs)
    if count < lower:
        return [
            Signal(
                kind=SignalKind.TOO_FEW_RUNS,
                indexes=every,
                message=(
                    f"The points cross the median too rarely: {count} runs where chance alone "
                    f"gives {lower} to {upper} for {useful} points off the median. The points "
                    "cluster on each side, which suggests the process changed."
                ),
            )
        ]
    if count > upper:
        return [
            Signal(
                kind=SignalKind.TOO_MANY_RUNS,
                indexes=every,
                message=(
                    f"The points cross the median too often: {count} runs where chance alone "
                    f"gives {lower} to {upper} for {useful} points off the median. Regular "
                    "up-and-down alternation often comes from how the data are collected "
                    "(for example two groups measured in turn)."
                ),
            )
        ]
    return []


def _shift_signal(run: Run, points: Sequence[Point]) -> Signal:
    first, last = run.indexes[0], run.indexes[-1]
    skipped = (last - first + 1) - len(run.indexes)
    note = f" ({skipped} on the median in between, not counted)" if skipped else ""
    return Signal(
        kind=SignalKind.SHIFT,
        indexes=run.indexes,
        side=run.side,
        message=(
            f"Points {first + 1} to {last + 1} ({_span(points, first, last)}): "
            f"{len(run.indexes)} in a row {run.side} the median{note}. A shift: six or more "
            "in a row on one side rarely happens by chance."
        ),
    )


def _trend_signal(
    indexes: tuple[int, ...], direction: Direction, points: Sequence[Point]
) -> Signal:
    first, last = indexes[0], indexes[-1]
    word = "rising" if direction is Direction.UP else "falling"
    return Signal(
        kind=SignalKind.TREND,
        indexes=indexes,
        direction=direction,
        message=(
            f"Points {first + 1} to {last + 1} ({_span(points, first, last)}): "
            f"{len(indexes)} points each {word} from the last. A trend: five or more in a row "
            "going one way rarely happens by chance."
        ),
    )


def _span(points: Sequence[Point], first: int, last: int) -> str:
    return f"{_day(points[first].date)} to {_day(points[last].date)}"


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"
