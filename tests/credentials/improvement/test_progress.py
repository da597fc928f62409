"""Understanding Improvement, Using Improvement Methods and Sharing Improvement Strategies
counted from a teacher's real PDSA cycles and run charts (issue 22, design section 5)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from credentials.progress import IN_PROGRESS, MET, NOT_STARTED
from credentials.selectors import pursuit_progress
from improvement.models import Stage

from .conftest import SHARING, UNDERSTANDING, USING, pursue

pytestmark = pytest.mark.django_db


def progress_of(pursuit) -> dict:
    return {p.slot_key: p for p in pursuit_progress([pursuit])[pursuit.pk]}


# --- Understanding Improvement: two complete cycles ----------------------------------------------


def test_nothing_yet_says_where_to_start(improvement_catalogue, teacher):
    pursuit = pursue(improvement_catalogue, teacher, "understanding")
    found = progress_of(pursuit)["pdsa-tests"]
    assert (found.state, found.have, found.need, found.capability) == (NOT_STARTED, 0, 2, None)
    assert found.reasons == [
        f"{UNDERSTANDING}: tests of change 0 of 2; start a cycle in the PDSA tracker"
    ]


def test_a_cycle_still_in_study_is_not_counted(improvement_catalogue, teacher, mine):
    done = mine.cycle(to=Stage.ACT)
    mine.cycle(to=Stage.STUDY)
    pursuit = pursue(improvement_catalogue, teacher, "understanding")

    found = progress_of(pursuit)["pdsa-tests"]
    assert (found.state, found.have, found.candidates) == (IN_PROGRESS, 1, [done.pk])
    assert found.reasons == [f"{UNDERSTANDING}: tests of change 1 of 2; cycle 1 is still in Study"]


def test_two_complete_cycles_meet_it_on_the_next_read(improvement_catalogue, teacher, mine):
    first = mine.cycle(to=Stage.DONE)
    second = mine.cycle(to=Stage.STUDY)
    pursuit = pursue(improvement_catalogue, teacher, "understanding")
    assert progress_of(pursuit)["pdsa-tests"].have == 1

    from improvement.services.pdsa import pdsa_advance, pdsa_update

    second = pdsa_update(owner=teacher, pdsa=second, study_results="It worked for most")
    second = pdsa_advance(owner=teacher, pdsa=second, to=Stage.ACT)
    found = progress_of(pursuit)["pdsa-tests"]
    assert found.reasons == [
        f"{UNDERSTANDING}: tests of change 1 of 2; cycle 1 has no Act decision yet"
    ]
    pdsa_update(owner=teacher, pdsa=second, act_decision="ADAPT")

    found = progress_of(pursuit)["pdsa-tests"]
    assert (found.state, found.have, found.need) == (MET, 2, 2)
    assert sorted(found.candidates) == sorted([first.pk, second.pk])
    assert found.reasons == [f"{UNDERSTANDING}: tests of change 2 of 2"]


def test_a_cycle_whose_measure_has_no_data_is_not_complete(improvement_catalogue, teacher, mine):
    empty = mine.measure(0)
    mine.cycle(to=Stage.ACT, measure=empty)
    pursuit = pursue(improvement_catalogue, teacher, "understanding")
    found = progress_of(pursuit)["pdsa-tests"]
    assert (found.state, found.have) == (IN_PROGRESS, 0)
    assert found.reasons == [
        f"{UNDERSTANDING}: tests of change 0 of 2; cycle 1 has no measure with data yet"
    ]
    mine.points(empty, 1)
    assert progress_of(pursuit)["pdsa-tests"].have == 1


def test_another_teachers_cycles_never_count(improvement_catalogue, teacher, mine, theirs):
    theirs.cycle(to=Stage.DONE)
    theirs.cycle(to=Stage.DONE)
    pursuit = pursue(improvement_catalogue, teacher, "understanding")
    found = progress_of(pursuit)["pdsa-tests"]
    assert (found.state, found.have, found.candidates) == (NOT_STARTED, 0, [])
    # Their own pursuit counts them: the rows were there to be read.
    theirs_pursuit = pursue(improvement_catalogue, theirs.owner, "understanding")
    assert progress_of(theirs_pursuit)["pdsa-tests"].state == MET


# --- Using Improvement Methods: 15 points, annotated -------------------------------------------


def test_fourteen_points_are_one_short(improvement_catalogue, teacher, mine):
    measure = mine.measure(14)
    mine.note(measure, mine.today - timedelta(days=10))
    pursuit = pursue(improvement_catalogue, teacher, "using")

    found = progress_of(pursuit)["run-chart"]
    assert (found.state, found.have, found.need) == (IN_PROGRESS, 0, 1)
    assert found.reasons == [f"{USING}: run chart points 14 of 15"]

    mine.points(measure, 1, first=mine.today - timedelta(days=2))
    found = progress_of(pursuit)["run-chart"]
    assert (found.state, found.have, found.candidates) == (MET, 1, [measure.pk])
    assert found.reasons == [f"{USING}: run charts 1 of 1"]


def test_fifteen_points_marking_no_change_do_not_count(improvement_catalogue, teacher, mine):
    measure = mine.measure(15)
    pursuit = pursue(improvement_catalogue, teacher, "using")
    found = progress_of(pursuit)["run-chart"]
    assert (found.state, found.have) == (IN_PROGRESS, 0)
    assert found.reasons == [
        f"{USING}: the chart marks no change yet (pin a note, or link the cycle whose Do starts "
        "within it)"
    ]
    assert progress_of(pursuit)["run-chart"].candidates == []
    mine.note(measure, mine.today - timedelta(days=8))
    assert progress_of(pursuit)["run-chart"].state == MET


def test_a_linked_cycle_starting_within_the_chart_annotates_it(
    improvement_catalogue, teacher, mine
):
    measure = mine.measure(16, first=mine.today - timedelta(days=30))
    # A cycle whose Do starts after the last point does not mark the chart...
    mine.cycle(to=Stage.DO, measure=measure)
    pursuit = pursue(improvement_catalogue, teacher, "using")
    assert progress_of(pursuit)["run-chart"].have == 0
    # ...one that starts between the first and the last point does.
    mine.cycle(to=Stage.DO, measure=measure, started=mine.today - timedelta(days=20))
    found = progress_of(pursuit)["run-chart"]
    assert (found.state, found.candidates) == (MET, [measure.pk])


def test_another_teachers_chart_never_counts(improvement_catalogue, teacher, theirs):
    measure = theirs.measure(20)
    theirs.note(measure, theirs.today - timedelta(days=8))
    pursuit = pursue(improvement_catalogue, teacher, "using")
    found = progress_of(pursuit)["run-chart"]
    assert (found.state, found.have) == (NOT_STARTED, 0)
    assert found.reasons == [
        f"{USING}: run charts 0 of 1; record points on a measure in the PDSA tracker"
    ]


# --- Sharing Improvement Strategies: one complete cycle, one annotated chart ---------------------


def test_sharing_counts_a_complete_cycle_and_an_annotated_chart(
    improvement_catalogue, teacher, mine, theirs
):
    theirs.cycle(to=Stage.DONE)
    pursuit = pursue(improvement_catalogue, teacher, "sharing")
    before = progress_of(pursuit)
    assert before["shared-pdsa"].state == NOT_STARTED
    assert before["shared-run-chart"].state == NOT_STARTED

    measure = mine.measure(3, first=mine.today - timedelta(days=12))
    cycle = mine.cycle(to=Stage.PLAN, measure=measure)
    during = progress_of(pursuit)
    assert during["shared-pdsa"].reasons == [
        f"{SHARING}: tests of change 0 of 1; cycle 1 is still in Plan"
    ]
    assert during["shared-run-chart"].state == IN_PROGRESS  # points, nothing marked

    from improvement.services.pdsa import pdsa_advance, pdsa_update

    cycle = pdsa_advance(owner=teacher, pdsa=cycle, to=Stage.DO)
    pdsa_update(owner=teacher, pdsa=cycle, do_started_on=mine.today - timedelta(days=11))
    after = progress_of(pursuit)
    assert after["shared-run-chart"].state == MET  # the cycle's start marks it (3 points do)
    assert after["shared-pdsa"].state == IN_PROGRESS
    done = mine.cycle(to=Stage.ACT)
    assert progress_of(pursuit)["shared-pdsa"].candidates == [done.pk]


# --- reads -------------------------------------------------------------------------------------


def count_queries(pursuits) -> int:
    with CaptureQueriesContext(connection) as captured:
        pursuit_progress(pursuits)
    return len(captured.captured_queries)


def test_query_count_does_not_grow_with_cycles_charts_or_pursuits(
    improvement_catalogue, teacher, mine, theirs
):
    pursuits = [pursue(improvement_catalogue, teacher, key) for key in ("understanding", "using")]
    pursuits.append(pursue(improvement_catalogue, teacher, "sharing"))
    mine.cycle(to=Stage.ACT)
    few = count_queries(pursuits)
    for _ in range(4):
        measure = mine.measure(15)
        mine.note(measure, mine.today - timedelta(days=8))
        mine.cycle(to=Stage.DONE, measure=measure)
        mine.cycle(to=Stage.STUDY)
    pursuits.append(pursue(improvement_catalogue, theirs.owner, "sharing"))
    theirs.cycle(to=Stage.DONE)
    assert count_queries(pursuits) == few
    # slots, evidence, one for the cycles, one for the charts, the consents
    assert few == 5
    assert progress_of(pursuits[0])["pdsa-tests"].state == MET


SECRET = "Jordan whispers the answers"


def test_no_source_query_selects_what_a_cycle_or_a_measure_says(
    improvement_catalogue, teacher, mine
):
    measure = mine.measure(15, name=SECRET)
    mine.note(measure, mine.today - timedelta(days=8), text=SECRET)
    mine.cycle(to=Stage.DONE, measure=measure, idea=SECRET, results=SECRET)
    pursuit = pursue(improvement_catalogue, teacher, "sharing")

    with CaptureQueriesContext(connection) as captured:
        found = pursuit_progress([pursuit])[pursuit.pk]

    sql = "\n".join(q["sql"] for q in captured.captured_queries)
    assert "improvement_pdsa" in sql and "improvement_datapoint" in sql
    for table, column in (
        ("pdsa", "change_idea"), ("pdsa", "predictions"), ("pdsa", "do_notes"),
        ("pdsa", "study_results"), ("pdsa", "act_next"), ("annotation", "text"),
        ("measure", "name"), ("measure", "how_collected"), ("datapoint", "value"),
    ):  # fmt: skip
        name = f'"improvement_{table}"."{column}"'
        # An emptiness test returns a boolean, never the text.
        assert name not in sql.replace(f"{name} = ''", ""), name
    assert SECRET not in repr(found)
    assert all(p.state == MET for p in found)
