"""Survey statistics checked against arithmetic done by hand in each test."""

import dataclasses
import math
import random

import pytest

from surveys.statistics import (
    MINIMUM_GROUP_SIZE,
    GroupComparison,
    Summary,
    compare_groups,
    compare_summaries,
    construct_score,
    construct_scores,
    distribution,
    is_reportable,
    reverse_score,
    shuffled_comments,
    summarise,
)

FIVE_POINTS = [1, 2, 3, 4, 5]


# --- summarise / distribution -------------------------------------------------------------------


def test_summarise_item_by_hand():
    # given five answers and one unanswered item on a 1..5 scale
    answers = [1, 2, 2, 4, 5, None]

    # when
    summary = summarise(answers, FIVE_POINTS)

    # then: mean = (1 + 2 + 2 + 4 + 5) / 5 = 14 / 5 = 2.8
    # deviations -1.8, -0.8, -0.8, 1.2, 2.2; squares 3.24 + 0.64 + 0.64 + 1.44 + 4.84 = 10.8
    # sample variance = 10.8 / (5 - 1) = 2.7; sd = sqrt(2.7) = 1.643168
    assert summary.n == 5
    assert summary.mean == pytest.approx(2.8)
    assert summary.sd == pytest.approx(1.643168, abs=1e-6)
    assert summary.distribution == ((1, 1), (2, 2), (3, 0), (4, 1), (5, 1))


def test_summarise_keeps_every_point_when_nobody_answered():
    summary = summarise([], FIVE_POINTS)

    assert summary == Summary(
        n=0, mean=None, sd=None, distribution=((1, 0), (2, 0), (3, 0), (4, 0), (5, 0))
    )


def test_summarise_all_missing_is_like_empty():
    assert summarise([None, None, None], [1, 2, 3, 4]) == summarise([], [1, 2, 3, 4])


def test_summarise_single_answer_has_mean_but_no_sd():
    summary = summarise([4], FIVE_POINTS)

    assert summary.n == 1
    assert summary.mean == 4.0
    assert summary.sd is None
    assert summary.distribution == ((1, 0), (2, 0), (3, 0), (4, 1), (5, 0))


def test_summarise_zero_variance():
    summary = summarise([3, 3, 3], FIVE_POINTS)

    assert summary.mean == 3.0
    assert summary.sd == 0.0


def test_summarise_construct_scores_without_points_has_no_distribution():
    # construct scores 3.5, 4.0, 4.5: mean 4.0; deviations -0.5, 0, 0.5; variance 0.5 / 2 = 0.25
    summary = summarise([3.5, 4.0, 4.5])

    assert summary.mean == pytest.approx(4.0)
    assert summary.sd == pytest.approx(0.5)
    assert summary.distribution == ()


def test_distribution_follows_the_order_of_the_points_and_counts_floats_on_points():
    assert distribution([4.0, 1, 4, None], [4, 3, 2, 1]) == ((4, 2), (3, 0), (2, 0), (1, 1))


def test_distribution_rejects_answer_off_the_scale():
    with pytest.raises(ValueError, match="not a point"):
        distribution([1, 6], FIVE_POINTS)

    with pytest.raises(ValueError, match="not a point"):
        summarise([2.5], FIVE_POINTS)


def test_summary_is_frozen():
    summary = summarise([1, 2])

    with pytest.raises(dataclasses.FrozenInstanceError):
        summary.n = 3  # type: ignore[misc]


# --- reverse scoring ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "low", "high", "expected"),
    [
        (5, 1, 5, 1),  # k + 1 - value = 6 - 5
        (2, 1, 5, 4),  # 6 - 2
        (3, 1, 5, 3),  # the midpoint stays put
        (1, 1, 4, 4),  # 4-point scale: 5 - 1
        (0, 0, 10, 10),  # general form low + high - value = 0 + 10 - 0
        (3.5, 1, 5, 2.5),
    ],
)
def test_reverse_score(value, low, high, expected):
    assert reverse_score(value, low=low, high=high) == expected


@pytest.mark.parametrize("value", [0, 6])
def test_reverse_score_rejects_answer_outside_scale(value):
    with pytest.raises(ValueError, match="outside the scale"):
        reverse_score(value, low=1, high=5)


def test_reverse_score_rejects_inverted_scale():
    with pytest.raises(ValueError, match="low < high"):
        reverse_score(3, low=5, high=1)


# --- construct scores ---------------------------------------------------------------------------

ITEMS = ("a", "b", "c")


def test_construct_score_reverses_and_averages():
    # c is reversed on 1..5: 2 -> 6 - 2 = 4; score = (4 + 5 + 4) / 3 = 13 / 3
    score = construct_score(
        {"a": 4, "b": 5, "c": 2}, item_keys=ITEMS, reverse_item_keys={"c"}, low=1, high=5
    )

    assert score == pytest.approx(13 / 3)


def test_construct_score_skips_unanswered_items():
    # b unanswered, c reversed 5 -> 1: score = (3 + 1) / 2 = 2
    score = construct_score(
        {"a": 3, "b": None, "c": 5}, item_keys=ITEMS, reverse_item_keys={"c"}, low=1, high=5
    )

    assert score == 2.0


def test_construct_score_ignores_items_of_other_constructs():
    # only a counts: the answer to z belongs to another construct
    assert construct_score({"a": 2, "z": 5}, item_keys=ITEMS, low=1, high=5) == 2.0


def test_construct_score_without_any_answered_item_is_none():
    assert construct_score({"b": None, "z": 4}, item_keys=ITEMS, low=1, high=5) is None
    assert construct_score({}, item_keys=ITEMS, low=1, high=5) is None


def test_construct_scores_leave_out_respondents_with_no_answer():
    respondents = [
        {"a": 4, "b": 5, "c": 2},  # (4 + 5 + 4) / 3 = 13 / 3
        {"a": 3, "b": None, "c": 5},  # (3 + 1) / 2 = 2
        {"b": None},  # nothing answered: left out
        {"z": 5},  # answered only another construct: left out
    ]

    scores = construct_scores(respondents, item_keys=ITEMS, reverse_item_keys={"c"}, low=1, high=5)

    assert scores == pytest.approx([13 / 3, 2.0])


def test_construct_scores_of_nobody_is_empty():
    assert construct_scores([], item_keys=ITEMS, low=1, high=5) == []


def test_construct_scores_reject_reverse_key_that_is_not_an_item():
    with pytest.raises(ValueError, match="not items of the construct"):
        construct_scores([{"a": 1}], item_keys=ITEMS, reverse_item_keys={"typo"}, low=1, high=5)


# --- comparing baseline with six months ---------------------------------------------------------


def test_compare_groups_by_hand():
    # given
    baseline = [2, 3, 3, 4, None]  # n1 = 4, mean 3, SS = 1 + 0 + 0 + 1 = 2, s1^2 = 2 / 3
    six_months = [3, 4, 5, 4, 4, 4]  # n2 = 6, mean 4, SS = 1 + 0 + 1 + 0 + 0 + 0 = 2, s2^2 = 2 / 5

    # when
    comparison = compare_groups(baseline, six_months)

    # then
    # pooled variance = (3 * 2/3 + 5 * 2/5) / (4 + 6 - 2) = (2 + 2) / 8 = 0.5
    # pooled SD = sqrt(0.5) = 0.707107; d = 1 / sqrt(0.5) = sqrt(2) = 1.414214
    # J = 1 - 3 / (4 * 10 - 9) = 1 - 3/31 = 28/31; g = sqrt(2) * 28/31 = 1.277354
    # SE = sqrt(10/24 + g^2 / 20) = sqrt(0.416667 + 0.081582) = sqrt(0.498249) = 0.705867
    # CI = 1.277354 -+ 1.96 * 0.705867 = 1.277354 -+ 1.383499 = (-0.106145, 2.660853)
    assert comparison.n_baseline == 4
    assert comparison.n_follow_up == 6
    assert comparison.mean_difference == pytest.approx(1.0)
    assert comparison.pooled_sd == pytest.approx(0.707107, abs=1e-6)
    assert comparison.change_in_sd_units == pytest.approx(1.414214, abs=1e-6)
    assert comparison.hedges_g == pytest.approx(1.277354, abs=1e-6)
    assert comparison.hedges_g_ci_low == pytest.approx(-0.106145, abs=1e-6)
    assert comparison.hedges_g_ci_high == pytest.approx(2.660853, abs=1e-6)


def test_compare_summaries_textbook_example():
    # Borenstein, Hedges, Higgins & Rothstein (2009), Introduction to Meta-Analysis, ch. 4:
    # means 103 and 100, SDs 5.5 and 4.5, n = 50 in each group.
    # S_within = sqrt((49 * 5.5^2 + 49 * 4.5^2) / 98) = sqrt(25.25) = 5.0249
    # d = 3 / 5.0249 = 0.5970; J = 1 - 3 / (4 * 98 - 1) = 0.9923; g = 0.5970 * 0.9923 = 0.5924
    comparison = compare_summaries(
        n_baseline=50,
        mean_baseline=100,
        sd_baseline=4.5,
        n_follow_up=50,
        mean_follow_up=103,
        sd_follow_up=5.5,
    )

    assert comparison.mean_difference == 3.0
    assert comparison.pooled_sd == pytest.approx(5.0249, abs=1e-4)
    assert comparison.change_in_sd_units == pytest.approx(0.5970, abs=1e-4)
    assert comparison.hedges_g == pytest.approx(0.5924, abs=1e-4)
    # SE = sqrt(100 / 2500 + 0.5924^2 / 200) = sqrt(0.04 + 0.0017548) = 0.20434
    # CI = 0.5924 -+ 1.96 * 0.20434 = 0.5924 -+ 0.4005 = (0.1919, 0.9929)
    assert comparison.hedges_g_ci_low == pytest.approx(0.1919, abs=1e-4)
    assert comparison.hedges_g_ci_high == pytest.approx(0.9929, abs=1e-4)


def test_compare_groups_decrease_is_negative():
    comparison = compare_groups([3, 4, 5, 4, 4, 4], [2, 3, 3, 4])

    assert comparison.mean_difference == pytest.approx(-1.0)
    assert comparison.hedges_g == pytest.approx(-1.277354, abs=1e-6)
    # CI is symmetric around g, and SE depends on g^2 only
    assert comparison.hedges_g_ci_low == pytest.approx(-2.660853, abs=1e-6)
    assert comparison.hedges_g_ci_high == pytest.approx(0.106145, abs=1e-6)


def _undefined_effect(n_baseline, n_follow_up, mean_difference, pooled_sd):
    return GroupComparison(
        n_baseline=n_baseline,
        n_follow_up=n_follow_up,
        mean_difference=mean_difference,
        pooled_sd=pooled_sd,
        change_in_sd_units=None,
        hedges_g=None,
        hedges_g_ci_low=None,
        hedges_g_ci_high=None,
    )


def test_compare_groups_with_an_empty_group():
    assert compare_groups([], [3, 4]) == _undefined_effect(0, 2, None, None)
    assert compare_groups([None, None], [3, 4]) == _undefined_effect(0, 2, None, None)
    assert compare_groups([3, 4], []) == _undefined_effect(2, 0, None, None)
    assert compare_groups([], []) == _undefined_effect(0, 0, None, None)


def test_compare_groups_with_one_answer_in_a_group_gives_only_the_difference():
    # mean difference (3 + 5) / 2 - 2 = 2 is defined; a pooled SD needs n >= 2 in each group
    assert compare_groups([2], [3, 5]) == _undefined_effect(1, 2, 2.0, None)


def test_compare_groups_with_zero_spread():
    # both groups unanimous: the difference is 1 but there is no SD to express it in
    assert compare_groups([3, 3], [4, 4, 4]) == _undefined_effect(2, 3, 1.0, 0.0)


def test_compare_groups_no_change_is_zero_effect():
    comparison = compare_groups([2, 4], [2, 4])

    # pooled SD = sqrt((1 * 2 + 1 * 2) / 2) = sqrt(2); d = g = 0
    # SE = sqrt(4/4 + 0) = 1; CI = (-1.96, 1.96)
    assert comparison.pooled_sd == pytest.approx(math.sqrt(2))
    assert comparison.change_in_sd_units == 0.0
    assert comparison.hedges_g == 0.0
    assert comparison.hedges_g_ci_low == pytest.approx(-1.96)
    assert comparison.hedges_g_ci_high == pytest.approx(1.96)


def test_compare_summaries_with_missing_sd():
    comparison = compare_summaries(
        n_baseline=3,
        mean_baseline=3.0,
        sd_baseline=None,
        n_follow_up=3,
        mean_follow_up=4.0,
        sd_follow_up=1.0,
    )

    assert comparison == _undefined_effect(3, 3, 1.0, None)


# --- suppression --------------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "shown"), [(0, False), (4, False), (5, True), (12, True)])
def test_is_reportable_with_default_minimum(n, shown):
    assert MINIMUM_GROUP_SIZE == 5
    assert is_reportable(n) is shown


def test_is_reportable_with_other_minimum():
    assert is_reportable(3, minimum=3) is True
    assert is_reportable(2, minimum=3) is False


# --- open-text comments -------------------------------------------------------------------------


def test_shuffled_comments_is_a_reproducible_permutation_without_blanks():
    comments = ["first", "", "second", None, "third", "   ", "fourth", "fifth"]
    original = list(comments)

    shuffled = shuffled_comments(comments, rng=random.Random(7))

    expected = ["first", "second", "third", "fourth", "fifth"]
    random.Random(7).shuffle(expected)
    assert shuffled == expected
    assert sorted(shuffled) == sorted(["first", "second", "third", "fourth", "fifth"])
    assert comments == original


def test_shuffled_comments_changes_the_order():
    comments = [f"comment {i}" for i in range(10)]

    shuffled = shuffled_comments(comments, rng=random.Random(0))

    # a seeded shuffle of ten items keeping the original order would be a 1 in 10! accident
    assert shuffled != comments
    assert sorted(shuffled) == sorted(comments)


def test_shuffled_comments_of_nothing():
    assert shuffled_comments([], rng=random.Random(0)) == []
    assert shuffled_comments([None, " "], rng=random.Random(0)) == []
