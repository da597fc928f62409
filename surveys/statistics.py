"""Descriptive statistics for survey reports, in plain Python.

Reports on the trust and learning culture survey compare a baseline administration with one six
months later, per construct and per item; the confidence and peer-feedback surveys are reported
per item. Everything here works on plain numbers so that it can be tested without a database and
reused by any report (GraphQL field, PDF export, coordinator dashboard).

Unanswered items arrive as ``None`` and are skipped, never counted as zero.
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "MINIMUM_GROUP_SIZE",
    "GroupComparison",
    "Summary",
    "compare_groups",
    "compare_summaries",
    "construct_score",
    "construct_scores",
    "distribution",
    "is_reportable",
    "reverse_score",
    "shuffled_comments",
    "summarise",
]

# Reports never show a figure for fewer respondents than this, so that nobody's answer can be
# inferred from a small group (DOMAIN.md, "Surveys").
MINIMUM_GROUP_SIZE = 5

# Two-sided 95% normal quantile, as in the usual large-sample interval for Hedges' g.
_Z_95 = 1.96


@dataclass(frozen=True)
class Summary:
    """What a report shows for one item or construct in one administration.

    ``mean`` is None without answers and ``sd`` (the sample standard deviation, n - 1 in the
    denominator) is None for fewer than two, because neither is defined there. ``distribution``
    lists ``(point, count)`` in the order of the scale's points, including points nobody chose,
    so that a chart has a bar for every point; it is empty when no points were given.
    """

    n: int
    mean: float | None
    sd: float | None
    distribution: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class GroupComparison:
    """Change from a baseline group to a follow-up group (e.g. baseline vs six months).

    The groups are independent samples: responses are anonymous, so nobody's baseline answer
    can be paired with their later one. Differences are ``follow_up - baseline``, so a positive
    value is an increase. A measure that is undefined for the data is None:

    - ``mean_difference`` needs at least one answer in each group;
    - ``pooled_sd`` needs at least two answers in each group;
    - ``change_in_sd_units`` (Cohen's d: difference / pooled SD), ``hedges_g`` (d corrected for
      small samples) and its 95% confidence interval also need a pooled SD above zero.
    """

    n_baseline: int
    n_follow_up: int
    mean_difference: float | None
    pooled_sd: float | None
    change_in_sd_units: float | None
    hedges_g: float | None
    hedges_g_ci_low: float | None
    hedges_g_ci_high: float | None


def _answered(values: Iterable[float | None]) -> list[float]:
    return [value for value in values if value is not None]


def distribution(
    values: Iterable[float | None], points: Sequence[int]
) -> tuple[tuple[int, int], ...]:
    """Count the answers on each scale point, in the order of ``points``, zeros included.

    An answer that is not one of the points raises ValueError: it means the data and the scale
    disagree, and silently dropping it would misstate the counts.
    """
    counts = dict.fromkeys(points, 0)
    for value in _answered(values):
        if value not in counts:
            raise ValueError(f"answer {value!r} is not a point of the scale {tuple(points)!r}")
        # Equal numbers hash alike, so an answer stored as 3.0 is counted on point 3.
        counts[value] += 1  # type: ignore[index]
    return tuple(counts.items())


def summarise(values: Iterable[float | None], points: Sequence[int] | None = None) -> Summary:
    """Summarise the answers to one item, or the construct scores of one construct.

    Pass the scale's ``points`` for an item to get its distribution. Construct scores are means
    of several answers and seldom fall on a point, so leave ``points`` out for them (or pass the
    construct's pooled item answers to :func:`distribution` if a chart needs one).
    """
    answered = _answered(values)
    n = len(answered)
    return Summary(
        n=n,
        mean=statistics.fmean(answered) if n else None,
        sd=statistics.stdev(answered) if n >= 2 else None,
        distribution=distribution(answered, points) if points is not None else (),
    )


def reverse_score(value: float, *, low: int, high: int) -> float:
    """Reverse an answer on a scale from ``low`` to ``high``: ``low + high - value``.

    Negatively worded items ("I keep my teaching to myself") are reversed so that a higher
    score always means more of the construct before answers are averaged. On a 1..5 scale,
    5 becomes 1 and 2 becomes 4.
    """
    if low >= high:
        raise ValueError(f"scale bounds must satisfy low < high, got {low}..{high}")
    if not low <= value <= high:
        raise ValueError(f"answer {value!r} is outside the scale {low}..{high}")
    return low + high - value


def construct_score(
    answers: Mapping[str, float | None],
    *,
    item_keys: Collection[str],
    reverse_item_keys: Collection[str] = (),
    low: int,
    high: int,
) -> float | None:
    """One respondent's score on a construct: the mean of their answers to its items.

    ``answers`` maps item keys to a respondent's answers; items of other constructs are ignored.
    Items in ``reverse_item_keys`` are reversed first (see :func:`reverse_score`). Unanswered
    items (missing or None) are skipped, so one skipped question does not drop the whole
    respondent; with no answered item at all the score is None.
    """
    _check_reverse_keys(item_keys, reverse_item_keys)
    scored = []
    for key in item_keys:
        value = answers.get(key)
        if value is None:
            continue
        if key in reverse_item_keys:
            value = reverse_score(value, low=low, high=high)
        scored.append(value)
    return statistics.fmean(scored) if scored else None


def construct_scores(
    respondents: Iterable[Mapping[str, float | None]],
    *,
    item_keys: Collection[str],
    reverse_item_keys: Collection[str] = (),
    low: int,
    high: int,
) -> list[float]:
    """Construct scores of all respondents, leaving out those who answered none of its items.

    Leaving them out (rather than scoring them zero or None) keeps ``n`` in a report equal to
    the number of people the figure is actually about.
    """
    _check_reverse_keys(item_keys, reverse_item_keys)
    scores = (
        construct_score(
            answers,
            item_keys=item_keys,
            reverse_item_keys=reverse_item_keys,
            low=low,
            high=high,
        )
        for answers in respondents
    )
    return [score for score in scores if score is not None]


def _check_reverse_keys(item_keys: Collection[str], reverse_item_keys: Collection[str]) -> None:
    # A reverse key that is not an item of the construct is almost certainly a typo, and would
    # otherwise leave a negatively worded item unreversed without anyone noticing.
    unknown = set(reverse_item_keys) - set(item_keys)
    if unknown:
        raise ValueError(f"reverse-scored keys are not items of the construct: {sorted(unknown)}")


def compare_summaries(
    *,
    n_baseline: int,
    mean_baseline: float | None,
    sd_baseline: float | None,
    n_follow_up: int,
    mean_follow_up: float | None,
    sd_follow_up: float | None,
) -> GroupComparison:
    """Compare two independent groups from their sizes, means and sample SDs.

    Useful when only aggregates are stored, and the arithmetic behind :func:`compare_groups`:

    - pooled SD = sqrt(((n1 - 1) s1^2 + (n2 - 1) s2^2) / (n1 + n2 - 2))
    - d = (mean2 - mean1) / pooled SD
    - g = d * J with J = 1 - 3 / (4 (n1 + n2) - 9)
    - SE(g) = sqrt((n1 + n2) / (n1 n2) + g^2 / (2 (n1 + n2))), 95% CI = g +- 1.96 SE(g)
    """
    n1, n2 = n_baseline, n_follow_up
    mean_difference = None
    if n1 >= 1 and n2 >= 1 and mean_baseline is not None and mean_follow_up is not None:
        mean_difference = float(mean_follow_up - mean_baseline)

    pooled_sd = None
    if n1 >= 2 and n2 >= 2 and sd_baseline is not None and sd_follow_up is not None:
        pooled_variance = ((n1 - 1) * sd_baseline**2 + (n2 - 1) * sd_follow_up**2) / (n1 + n2 - 2)
        pooled_sd = math.sqrt(pooled_variance)

    d = g = ci_low = ci_high = None
    # No spread at all means there is no unit to measure the change in; a huge "effect" from
    # dividing by a rounding error would be worse than saying nothing.
    if mean_difference is not None and pooled_sd is not None and pooled_sd > 0:
        d = mean_difference / pooled_sd
        correction = 1 - 3 / (4 * (n1 + n2) - 9)
        g = d * correction
        se = math.sqrt((n1 + n2) / (n1 * n2) + g**2 / (2 * (n1 + n2)))
        ci_low, ci_high = g - _Z_95 * se, g + _Z_95 * se

    return GroupComparison(
        n_baseline=n1,
        n_follow_up=n2,
        mean_difference=mean_difference,
        pooled_sd=pooled_sd,
        change_in_sd_units=d,
        hedges_g=g,
        hedges_g_ci_low=ci_low,
        hedges_g_ci_high=ci_high,
    )


def compare_groups(
    baseline: Iterable[float | None], follow_up: Iterable[float | None]
) -> GroupComparison:
    """Compare the answers (or construct scores) of two administrations of a survey.

    The groups are treated as independent samples (see :class:`GroupComparison`); None values
    are unanswered and skipped.
    """
    first, second = summarise(baseline), summarise(follow_up)
    return compare_summaries(
        n_baseline=first.n,
        mean_baseline=first.mean,
        sd_baseline=first.sd,
        n_follow_up=second.n,
        mean_follow_up=second.mean,
        sd_follow_up=second.sd,
    )


def is_reportable(n: int, minimum: int = MINIMUM_GROUP_SIZE) -> bool:
    """Whether a figure based on ``n`` respondents may be shown without risking anonymity."""
    return n >= minimum


def shuffled_comments(comments: Iterable[str | None], *, rng: random.Random) -> list[str]:
    """Open-text answers in random order, blanks dropped, so a report does not reveal who wrote
    what by the order the answers came in (e.g. the first comment being the first respondent).

    The caller supplies ``rng``: ``random.SystemRandom()`` in production, a seeded
    ``random.Random`` in tests. The input is not modified.
    """
    kept = [comment for comment in comments if comment is not None and comment.strip()]
    rng.shuffle(kept)
    return kept
