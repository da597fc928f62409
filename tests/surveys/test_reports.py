"""Reports checked against arithmetic done by hand, and the rules that hide small groups."""

import random
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from surveys.models import AdministrationKind
from surveys.reports import (
    ReportStatus,
    administration_report,
    administrations_comparison,
    comparison_csv,
    report_csv,
)
from tests.surveys.factories import administration, answer, small_instrument

pytestmark = pytest.mark.django_db

NOW = timezone.now()
# q1 agreement; q2 agreement, reverse-scored; q3 open text. None = skipped.
BASELINE = [(4, 2), (5, 1), (3, 3), (4, None), (2, 4)]
# The same construct scores (4, 5, 3, 4, 2) with nobody skipping q2: the construct is about the
# same five people as each of its items, so it can be shown (see surveys.reports.publish).
BASELINE_COMPLETE = [(4, 2), (5, 1), (3, 3), (4, 2), (2, 4)]
FOLLOW_UP = [(5, 1), (4, 2), (5, 2), (4, 1), (3, 3), (5, 1)]


def closed_survey(leader, people, instrument, rows, *, kind=AdministrationKind.OTHER, texts=()):
    """A survey that ran last week and has closed, answered with `rows` of (q1, q2)."""
    survey = administration(
        instrument=instrument,
        people=people,
        created_by=leader,
        kind=kind,
        opens_at=NOW - timedelta(days=10),
        closes_at=NOW - timedelta(days=3),
    )
    for index, (q1, q2) in enumerate(rows):
        values = {"q1": q1}
        if q2 is not None:
            values["q2"] = q2
        if index < len(texts):
            values["q3"] = texts[index]
        answer(survey, people[index], values, now=NOW - timedelta(days=5))
    return survey


@pytest.fixture
def instrument(leader):
    return small_instrument(school=leader.school)


def test_a_report_by_hand(leader, peers, instrument):
    survey = closed_survey(leader, peers[:7], instrument, BASELINE_COMPLETE)

    report = administration_report(survey)

    assert report.status == ReportStatus.AVAILABLE
    assert (report.invited_count, report.responded_count) == (7, 5)
    assert report.response_rate == pytest.approx(5 / 7)
    [construct] = report.constructs
    # Construct scores: q2 reversed (6 - q2), then the mean of the answered items:
    # (4+4)/2=4, (5+5)/2=5, (3+3)/2=3, (4+4)/2=4, (2+2)/2=2 -> 4, 5, 3, 4, 2
    # mean 18/5 = 3.6; squares of deviations .16+1.96+.36+.16+2.56 = 5.2; var 5.2/4 = 1.3
    assert construct.figures.n == 5
    assert construct.figures.mean == pytest.approx(3.6)
    assert construct.figures.sd == pytest.approx(1.140175, abs=1e-6)  # sqrt(1.3)
    assert construct.figures.distribution == ()
    q1, q2 = construct.items
    assert (q1.figures.n, q1.figures.mean) == (5, pytest.approx(3.6))
    assert [(p.value, p.label, p.count) for p in q1.figures.distribution] == [
        (1, "Strongly disagree", 0),
        (2, "Disagree", 1),
        (3, "Neither agree nor disagree", 1),
        (4, "Agree", 2),
        (5, "Strongly agree", 1),
    ]
    assert (q2.figures.n, q2.figures.mean) == (5, pytest.approx(2.4))


def test_a_withheld_item_withholds_its_construct(leader, peers, instrument):
    survey = closed_survey(leader, peers[:7], instrument, BASELINE)

    [construct] = administration_report(survey).constructs

    q1, q2 = construct.items
    assert q1.figures.n == 5
    # q2 was answered by four people: below the minimum of five, nothing is shown, not even n.
    assert q2.figures.suppressed
    assert (q2.figures.n, q2.figures.mean, q2.figures.sd, q2.figures.distribution) == (
        None, None, None, ()
    )  # fmt: skip
    # The construct mixes q2's four answers with q1's five: with q1's distribution its n, mean
    # and SD would give q2's answers back, so it is withheld as well.
    assert construct.figures.suppressed


def test_baseline_against_six_months_by_hand(leader, peers, instrument):
    baseline = closed_survey(
        leader, peers, instrument, BASELINE_COMPLETE, kind=AdministrationKind.BASELINE
    )
    follow_up = closed_survey(
        leader, peers, instrument, FOLLOW_UP, kind=AdministrationKind.SIX_MONTH
    )

    comparison = administrations_comparison(baseline, follow_up)

    assert comparison.status == ReportStatus.AVAILABLE
    [construct] = comparison.constructs
    change = construct.change.comparison
    # Follow-up construct scores: (5+5)/2, (4+4)/2, (5+4)/2, (4+5)/2, (3+3)/2, (5+5)/2
    # = 5, 4, 4.5, 4.5, 3, 5: mean 26/6 = 4.3333; squares .4444+.1111+.0278+.0278+1.7778+.4444
    # = 2.8333; var 2.8333/5 = 0.56667
    assert construct.change.follow_up.mean == pytest.approx(4.333333, abs=1e-6)
    assert construct.change.follow_up.sd == pytest.approx(0.752773, abs=1e-6)
    # change = 4.3333 - 3.6 = 0.7333
    # pooled SD = sqrt((4 * 1.3 + 5 * 0.56667) / 9) = sqrt(8.03333 / 9) = 0.944771
    # d = 0.7333 / 0.944771 = 0.776202; J = 1 - 3 / (4 * 11 - 9) = 0.914286; g = 0.709670
    # SE = sqrt(11 / 30 + g^2 / 22) = 0.624147; CI = g -+ 1.96 SE = -0.513657 .. 1.932998
    assert change.mean_difference == pytest.approx(0.733333, abs=1e-6)
    assert change.pooled_sd == pytest.approx(0.944771, abs=1e-6)
    assert change.change_in_sd_units == pytest.approx(0.776202, abs=1e-6)
    assert change.hedges_g == pytest.approx(0.709670, abs=1e-6)
    assert change.hedges_g_ci_low == pytest.approx(-0.513657, abs=1e-6)
    assert change.hedges_g_ci_high == pytest.approx(1.932998, abs=1e-6)
    # q1: follow-up 5, 4, 5, 4, 3, 5: mean 4.3333, var (.4444+.1111+.4444+.1111+1.7778+.4444)/5
    # = 0.66667; pooled SD sqrt((5.2 + 3.3333) / 9) = 0.973729; d = 0.753119; g = 0.688566
    changes = {entry.item.key: entry.change for entry in comparison.items}
    assert changes["q1"].comparison.hedges_g == pytest.approx(0.688566, abs=1e-6)
    assert changes["q1"].comparison.hedges_g_ci_low == pytest.approx(-0.532654, abs=1e-6)
    # q2 (raw) 2, 1, 3, 2, 4 -> 1, 2, 2, 1, 3, 1: the mirror image of q1's change.
    assert changes["q2"].comparison.hedges_g == pytest.approx(-0.688566, abs=1e-6)


def test_a_comparison_withholds_what_either_report_withholds(leader, peers, instrument):
    baseline = closed_survey(leader, peers, instrument, BASELINE, kind=AdministrationKind.BASELINE)
    follow_up = closed_survey(
        leader, peers, instrument, FOLLOW_UP, kind=AdministrationKind.SIX_MONTH
    )

    comparison = administrations_comparison(baseline, follow_up)

    [construct] = comparison.constructs
    assert construct.change.suppressed and construct.change.baseline.suppressed
    assert construct.change.comparison is None
    q1_change, q2_change = comparison.items
    assert q1_change.item.key == "q1" and not q1_change.change.suppressed
    # q2 had four answers at baseline: no comparison, listed after the ones that are shown.
    assert q2_change.item.key == "q2"
    assert q2_change.change.suppressed
    assert q2_change.change.comparison is None
    assert not q2_change.change.follow_up.suppressed  # six answers at follow-up


def test_the_largest_rises_and_falls_come_first(leader, peers, instrument):
    # q1 falls a lot, q2 (raw) rises a little.
    baseline = closed_survey(leader, peers, instrument, [(5, 2), (5, 3), (4, 2), (5, 2), (4, 3)])
    follow_up = closed_survey(leader, peers, instrument, [(2, 3), (1, 3), (2, 2), (1, 3), (2, 3)])

    comparison = administrations_comparison(baseline, follow_up)

    assert [entry.item.key for entry in comparison.items] == ["q1", "q2"]
    assert comparison.items[0].change.comparison.mean_difference < 0
    sizes = [abs(entry.change.comparison.hedges_g) for entry in comparison.items]
    assert sizes == sorted(sizes, reverse=True)


def test_nothing_is_shown_while_the_survey_is_open(leader, peers, instrument):
    survey = administration(instrument=instrument, people=peers, created_by=leader)
    for person in peers[:8]:
        answer(survey, person, {"q1": 4})

    report = administration_report(survey)

    # Figures that changed with each response could be subtracted to find the newest answer.
    assert report.status == ReportStatus.NOT_CLOSED
    assert (report.responded_count, report.constructs, report.comments) == (8, [], [])


def test_a_report_below_the_minimum_size_shows_nothing(leader, peers, instrument):
    survey = closed_survey(leader, peers, instrument, BASELINE[:4], texts=["Only four of us"])

    report = administration_report(survey)

    assert report.status == ReportStatus.TOO_FEW_RESPONSES
    assert report.constructs == [] and report.comments == []
    assert "Only four of us" not in report_csv(report)


def test_a_single_response_after_the_close_shows_nothing(leader, peers, instrument):
    survey = closed_survey(leader, peers, instrument, [(5, 1)])

    assert administration_report(survey).status == ReportStatus.TOO_FEW_RESPONSES


def test_the_minimum_group_size_is_configurable_with_a_floor(settings, leader, peers, instrument):
    survey = closed_survey(leader, peers, instrument, BASELINE)

    settings.SURVEY_MIN_GROUP_SIZE = 6
    assert administration_report(survey).status == ReportStatus.TOO_FEW_RESPONSES
    settings.SURVEY_MIN_GROUP_SIZE = 1  # too small to hide anyone: three is the floor
    report = administration_report(survey)
    assert report.minimum_group_size == 3
    assert not report.constructs[0].items[1].figures.suppressed  # q2 with four answers


def test_comments_need_a_larger_group_and_come_shuffled(settings, leader, peers, instrument):
    texts = [f"comment {n}" for n in range(7)]
    rows = [(4, 2)] * 7
    survey = closed_survey(leader, peers, instrument, rows, texts=texts)

    report = administration_report(survey)
    assert report.minimum_comment_group_size == 8
    assert report.comments[0].suppressed and report.comments[0].comments == []
    assert report.constructs[0].figures.n == 7  # numbers are shown for seven

    settings.SURVEY_MIN_GROUP_SIZE_TEXT = 7
    orders = {
        tuple(administration_report(survey, rng=random.Random(seed)).comments[0].comments)
        for seed in range(5)
    }
    assert all(sorted(order) == texts for order in orders)
    assert len(orders) > 1


def test_comparing_different_instruments_is_refused(leader, peers, instrument, trust):
    mine = closed_survey(leader, peers, instrument, BASELINE)
    other = administration(instrument=trust, people=peers, created_by=leader)

    with pytest.raises(ValidationError):
        administrations_comparison(mine, other)


def test_a_comparison_waits_for_both_sides(leader, peers, instrument):
    baseline = closed_survey(leader, peers, instrument, BASELINE)
    follow_up = administration(instrument=instrument, people=peers, created_by=leader)

    comparison = administrations_comparison(baseline, follow_up)

    assert comparison.status == ReportStatus.NOT_CLOSED
    assert comparison.items == [] and comparison.comments == []


def test_the_csv_export_has_the_figures_and_neutralises_formulas(
    settings, leader, peers, instrument
):
    settings.SURVEY_MIN_GROUP_SIZE_TEXT = 5
    texts = ['=HYPERLINK("http://x")', "fine", "", "", ""]
    survey = closed_survey(leader, peers, instrument, BASELINE, texts=texts)

    lines = report_csv(administration_report(survey)).splitlines()

    assert lines[0].startswith("level,construct,item_key,question,reverse_scored,n,mean,sd")
    # q2 is withheld (four answers), so is the construct that mixes it with q1 (complementary).
    assert "construct,Trust,c1,,,,,,," in lines
    assert any(line.startswith("item,Trust,q1,Statement q1,false,5,3.600,1.140,") for line in lines)
    assert "item,Trust,q2,Statement q2,true,,,,," in lines
    assert any(line.endswith(',"\'=HYPERLINK(""http://x"")"') for line in lines)


def test_the_comparison_csv(leader, peers, instrument):
    baseline = closed_survey(leader, peers, instrument, BASELINE_COMPLETE)
    follow_up = closed_survey(leader, peers, instrument, FOLLOW_UP)

    lines = comparison_csv(administrations_comparison(baseline, follow_up)).splitlines()

    assert "hedges_g_ci_low" in lines[0]
    assert (
        "construct,Trust,c1,,,5,3.600,1.140,6,4.333,0.753,0.733,0.776,0.710,-0.514,1.933," in lines
    )
