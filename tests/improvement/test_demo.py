"""The demo's improvement work: what `make run` shows the leader (improvement/demo.py)."""

import pytest

from backend import demo
from backend.accounts.models import User
from improvement import run_chart, selectors
from improvement.demo import load_improvement_demo
from improvement.models import Annotation, DataPoint, Measure, Pdsa, PdsaRevision, Stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    assert "improvement.demo" in demo.APP_DEMOS
    # Before the credentials demo, whose progress counts the leader's cycles.
    assert demo.APP_DEMOS.index("improvement.demo") < demo.APP_DEMOS.index("credentials.demo")
    assert demo.load_demo() is True
    assert load_improvement_demo() is False  # twice: nothing more
    return User.objects.get(email="leader@demo.school")


def test_the_leader_ran_two_complete_cycles_the_second_adapting_the_first(leader):
    first, second = Pdsa.objects.filter(owner=leader).order_by("cycle_number")

    assert (first.stage, first.act_decision, first.cycle_number) == (Stage.DONE, "ADAPT", 1)
    assert (second.stage, second.act_decision, second.cycle_number) == (Stage.DONE, "ADOPT", 2)
    assert second.follows == first
    for cycle in (first, second):
        assert cycle.slq.host == leader and cycle.slq.crafted_with is None
        assert cycle.study_results and cycle.act_next and cycle.do_notes
        assert cycle.do_started_on <= cycle.do_ended_on
        # Every stage was written through the services: each change kept a revision.
        stages = list(PdsaRevision.objects.filter(pdsa=cycle).values_list("stage", flat=True))
        assert stages[0] == Stage.PLAN and stages[-1] == Stage.DONE
        assert set(stages) == set(Stage.values)
    assert first.do_ended_on < second.do_started_on
    assert list(first.measures.all()) == list(second.measures.all())
    assert Pdsa.objects.exclude(owner=leader).count() == 0


def test_the_measure_has_18_points_and_shifts_after_the_first_change(leader):
    measure = Measure.objects.get(owner=leader)
    first = Pdsa.objects.get(owner=leader, cycle_number=1)
    points = list(DataPoint.objects.filter(measure=measure).order_by("on"))
    assert len(points) == 18 and measure.baseline_count == 8
    change = next(index for index, p in enumerate(points) if p.on >= first.do_started_on)
    assert change == 8  # the baseline is all before the change

    chart = run_chart.analyse(
        [run_chart.Point(date=p.on, value=p.value) for p in points],
        baseline_count=measure.baseline_count,
    )

    assert chart.reliable is True
    assert chart.median == 12
    shifts = chart.signals_of(run_chart.SignalKind.SHIFT)
    assert len(shifts) == 1
    shift = shifts[0]
    assert shift.side == run_chart.Side.ABOVE
    assert len(shift.indexes) >= 6
    assert min(shift.indexes) >= change  # after the change, not before
    assert shift.indexes == tuple(range(change, 18))


def test_the_chart_shows_both_cycle_starts_and_one_free_note(leader):
    measure = selectors.with_chart_data(Measure.objects.filter(owner=leader)).get()
    first, second = Pdsa.objects.filter(owner=leader).order_by("cycle_number")

    drawn = selectors.run_chart(measure)

    assert drawn is not None
    assert drawn.chart.signals_of(run_chart.SignalKind.SHIFT)
    notes = [(note.on, note.text.split(":")[0]) for note in drawn.annotations]
    free = Annotation.objects.get(measure=measure)
    assert sorted(notes) == sorted(
        [
            (first.do_started_on, "Cycle 1 starts"),
            (second.do_started_on, "Cycle 2 starts"),
            (free.on, free.text.split(":")[0]),
        ]
    )
    # The last point is today at the leader's school: the demo never grows stale.
    from improvement.services.common import school_today

    assert drawn.chart.points[-1].date == school_today(leader)


def test_the_first_cycle_is_in_the_school_library_with_one_answered_question(leader):
    from improvement import selectors_library
    from improvement.demo import COLLEAGUE_EMAIL
    from improvement.models import LibraryEntry, LibraryQuestion
    from notifications.models import Kind, Notification

    first = Pdsa.objects.get(owner=leader, cycle_number=1)
    colleague = User.objects.get(email=COLLEAGUE_EMAIL)
    assert colleague != leader and colleague.school_id == leader.school_id

    entry = LibraryEntry.objects.get()  # one entry: the second cycle is left to share
    assert entry.pdsa == first and entry.owner == leader
    assert entry.unpublished_at is None and entry.committed_to_answer_at is not None
    assert (entry.scope, entry.school_id) == ("SCHOOL", leader.school_id)
    # in scope for the colleague, live in their library; the chart travelled with it
    assert selectors_library.entries_visible_to(colleague).filter(pk=entry.pk).exists()
    assert entry in selectors_library.library_of(colleague)
    assert len(entry.snapshot["measures"]) == 1
    # one question, asked by the colleague, answered by the leader
    question = LibraryQuestion.objects.get(entry=entry)
    assert question.asker == colleague
    assert question.answer.text
    # each went to the other through the outbox (a push), never straight to a device
    kinds = set(
        Notification.objects.filter(key__startswith="improvement:").values_list("kind", flat=True)
    )
    assert kinds == {Kind.IMPROVEMENT_QUESTION, Kind.IMPROVEMENT_ANSWER}
