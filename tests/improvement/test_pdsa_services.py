"""PDSA cycles: planning on one's own question, editing the current stage only, moving one
stage forward at a time, and every change kept as a revision."""

from datetime import date, timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from improvement.errors import ImprovementError as Codes
from improvement.models import Pdsa, PdsaRevision, Stage
from improvement.services.pdsa import pdsa_advance, pdsa_create, pdsa_update
from tests.observations.factories import StudentLearningQuestionFactory

pytestmark = pytest.mark.django_db


def codes(error: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in error.error_dict.items()}


def advance_to(owner, pdsa, *stages):
    for stage in stages:
        pdsa = pdsa_advance(owner=owner, pdsa=pdsa, to=stage)
    return pdsa


def test_a_plan_starts_at_plan_with_its_first_revision(owner, plan):
    assert plan.stage == Stage.PLAN
    assert plan.cycle_number == 1
    revision = PdsaRevision.objects.get(pdsa=plan)
    assert (revision.number, revision.stage, revision.edited_by) == (1, "PLAN", owner)
    assert revision.data["change_idea"] == "Ninety seconds of think time before hands go up"
    assert plan.revision == 1


def test_the_question_must_be_the_owners_own(owner, other_teacher):
    theirs = StudentLearningQuestionFactory(host=other_teacher)
    with pytest.raises(ValidationError) as refused:
        pdsa_create(owner=owner, slq=theirs, change_idea="x", predictions="y")
    assert codes(refused.value) == {"slq_id": [Codes.NOT_FOUND]}
    # ...exactly as for a missing one: whether it exists is not the caller's to learn.
    with pytest.raises(ValidationError) as missing:
        pdsa_create(owner=owner, slq=None, change_idea="x", predictions="y")
    assert codes(missing.value) == codes(refused.value)
    assert not Pdsa.objects.exists()


def test_a_plan_needs_a_change_idea_and_predictions(owner, slq):
    with pytest.raises(ValidationError) as refused:
        pdsa_create(owner=owner, slq=slq, change_idea="  ", predictions="y")
    assert codes(refused.value) == {"change_idea": [Codes.REQUIRED]}


def test_edits_of_the_current_stage_are_kept_as_revisions(owner, plan):
    pdsa_update(owner=owner, pdsa=plan, predictions="Half the class will explain")
    pdsa_update(owner=owner, pdsa=plan, predictions="A third of the class will explain")
    plan.refresh_from_db()
    assert plan.predictions == "A third of the class will explain"
    assert plan.revision == 3
    kept = list(PdsaRevision.objects.filter(pdsa=plan).values_list("number", "data__predictions"))
    assert kept == [
        (1, "More students will explain their reasoning"),
        (2, "Half the class will explain"),
        (3, "A third of the class will explain"),
    ]


def test_an_edit_that_changes_nothing_keeps_no_revision(owner, plan):
    pdsa_update(owner=owner, pdsa=plan, predictions=plan.predictions)
    assert PdsaRevision.objects.filter(pdsa=plan).count() == 1


def test_fields_of_another_stage_cannot_change(owner, linked):
    with pytest.raises(ValidationError) as early:
        pdsa_update(owner=owner, pdsa=linked, study_results="It worked")
    assert codes(early.value) == {"study_results": [Codes.NOT_ALLOWED]}
    doing = advance_to(owner, linked, Stage.DO)
    with pytest.raises(ValidationError) as late:
        pdsa_update(owner=owner, pdsa=doing, change_idea="Something else")
    assert codes(late.value) == {"change_idea": [Codes.NOT_ALLOWED]}
    assert Pdsa.objects.get().change_idea.startswith("Ninety seconds")


def test_a_failed_edit_keeps_no_revision(owner, plan):
    with pytest.raises(ValidationError), transaction.atomic():
        pdsa_update(owner=owner, pdsa=plan, change_idea="")
    assert PdsaRevision.objects.filter(pdsa=plan).count() == 1


def test_do_needs_a_measure(owner, plan):
    with pytest.raises(ValidationError) as refused:
        pdsa_advance(owner=owner, pdsa=plan, to=Stage.DO)
    assert codes(refused.value) == {"stage": [Codes.MEASURE_REQUIRED]}
    assert Pdsa.objects.get().stage == Stage.PLAN


def test_do_starts_today_at_the_school(owner, linked):
    # 03:00 UTC on 5 March is still 4 March in Chicago.
    now = date(2026, 3, 5)
    with mock.patch("django.utils.timezone.now") as clock:
        from datetime import UTC, datetime

        clock.return_value = datetime(2026, 3, 5, 3, 0, tzinfo=UTC)
        doing = pdsa_advance(owner=owner, pdsa=linked, to=Stage.DO)
    assert doing.do_started_on == now - timedelta(days=1)


@pytest.mark.parametrize("target", [Stage.PLAN, Stage.STUDY, Stage.ACT, Stage.DONE])
def test_only_the_next_stage_is_reachable_from_plan(owner, linked, target):
    with pytest.raises(ValidationError) as refused:
        pdsa_advance(owner=owner, pdsa=linked, to=target)
    assert codes(refused.value) == {"stage": [Codes.INVALID_TRANSITION]}


def test_act_before_study_is_written_is_refused(owner, linked):
    studying = advance_to(owner, linked, Stage.DO, Stage.STUDY)
    with pytest.raises(ValidationError) as refused:
        pdsa_advance(owner=owner, pdsa=studying, to=Stage.ACT)
    assert codes(refused.value) == {"stage": [Codes.INVALID_TRANSITION]}
    pdsa_update(owner=owner, pdsa=studying, study_results="12 of 24 explained, up from 5")
    assert pdsa_advance(owner=owner, pdsa=studying, to=Stage.ACT).stage == Stage.ACT


def test_done_needs_a_decision_and_then_nothing_moves(owner, linked):
    pdsa = advance_to(owner, linked, Stage.DO, Stage.STUDY)
    pdsa_update(owner=owner, pdsa=pdsa, study_results="Better")
    pdsa = advance_to(owner, pdsa, Stage.ACT)
    with pytest.raises(ValidationError) as undecided:
        pdsa_advance(owner=owner, pdsa=pdsa, to=Stage.DONE)
    assert codes(undecided.value) == {"stage": [Codes.INVALID_TRANSITION]}
    pdsa_update(owner=owner, pdsa=pdsa, act_decision="ADAPT", act_next="Try it in pairs")
    done = pdsa_advance(owner=owner, pdsa=pdsa, to=Stage.DONE)
    assert done.stage == Stage.DONE
    with pytest.raises(ValidationError) as after:
        pdsa_advance(owner=owner, pdsa=done, to=Stage.DONE)
    assert codes(after.value) == {"stage": [Codes.INVALID_TRANSITION]}
    with pytest.raises(ValidationError) as edit:
        pdsa_update(owner=owner, pdsa=done, act_next="Changed my mind")
    assert codes(edit.value) == {"act_next": [Codes.NOT_ALLOWED]}
    # Every step was kept: plan, link-free advances, study, act, decision, done.
    stages = list(PdsaRevision.objects.filter(pdsa=done).values_list("stage", flat=True))
    assert stages == ["PLAN", "DO", "STUDY", "STUDY", "ACT", "ACT", "DONE"]


def test_a_resent_advance_is_refused_not_repeated(owner, linked):
    advance_to(owner, linked, Stage.DO)
    with pytest.raises(ValidationError) as resent:
        pdsa_advance(owner=owner, pdsa=linked, to=Stage.DO)
    assert codes(resent.value) == {"stage": [Codes.INVALID_TRANSITION]}
    assert Pdsa.objects.get().stage == Stage.DO


def test_do_dates_cannot_be_future_or_reversed(owner, linked):
    doing = advance_to(owner, linked, Stage.DO)
    start = doing.do_started_on
    with pytest.raises(ValidationError) as future:
        pdsa_update(owner=owner, pdsa=doing, do_ended_on=start + timedelta(days=30))
    assert codes(future.value) == {"do_ended_on": [Codes.FUTURE_DATE]}
    with pytest.raises(ValidationError) as reversed_:
        pdsa_update(owner=owner, pdsa=doing, do_ended_on=start - timedelta(days=1))
    assert codes(reversed_.value) == {"do_ended_on": [Codes.INVALID_DATES]}
    updated = pdsa_update(
        owner=owner, pdsa=doing, do_started_on=start - timedelta(days=7), do_ended_on=start
    )
    assert (updated.do_started_on, updated.do_ended_on) == (start - timedelta(days=7), start)


def test_another_teachers_cycle_is_not_found(other_teacher, linked):
    with pytest.raises(ValidationError) as update:
        pdsa_update(owner=other_teacher, pdsa=linked, predictions="mine now")
    assert codes(update.value) == {"pdsa_id": [Codes.NOT_FOUND]}
    with pytest.raises(ValidationError) as advance:
        pdsa_advance(owner=other_teacher, pdsa=linked, to=Stage.DO)
    assert codes(advance.value) == {"pdsa_id": [Codes.NOT_FOUND]}


def test_a_next_cycle_follows_an_adapted_one_once(owner, slq, linked):
    with pytest.raises(ValidationError) as early:
        pdsa_create(owner=owner, slq=slq, change_idea="b", predictions="c", follows=linked)
    assert codes(early.value) == {"follows_id": [Codes.INVALID]}
    pdsa = advance_to(owner, linked, Stage.DO, Stage.STUDY)
    pdsa_update(owner=owner, pdsa=pdsa, study_results="Some")
    pdsa = advance_to(owner, pdsa, Stage.ACT)
    pdsa_update(owner=owner, pdsa=pdsa, act_decision="ADAPT")
    pdsa = advance_to(owner, pdsa, Stage.DONE)
    second = pdsa_create(owner=owner, slq=slq, change_idea="b", predictions="c", follows=pdsa)
    assert second.cycle_number == 2
    with pytest.raises(ValidationError) as twice:
        pdsa_create(owner=owner, slq=slq, change_idea="d", predictions="e", follows=pdsa)
    assert codes(twice.value) == {"follows_id": [Codes.INVALID]}


def test_the_database_keeps_the_stage_rules(owner, slq):
    # A bug in a service must not store an Act without a Study or a Done without a decision.
    base = {"owner": owner, "slq": slq, "change_idea": "a", "predictions": "b"}
    for bad in (
        {"stage": "LATER"},
        {"stage": Stage.DO},  # no start date
        {"stage": Stage.ACT, "do_started_on": date(2026, 1, 5)},
        {
            "stage": Stage.DONE,
            "do_started_on": date(2026, 1, 5),
            "study_results": "ok",
        },
        {"do_started_on": date(2026, 1, 5), "do_ended_on": date(2026, 1, 4)},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Pdsa.objects.create(**base, **bad)
