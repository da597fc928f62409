"""Publishing, unpublishing and publishing again; the refusals; the database invariants;
who sees an entry; questions, answers and their pushes."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from improvement import selectors_library
from improvement.models import LibraryEntry, LibraryScope, Stage
from improvement.services.library import pdsa_publish, pdsa_unpublish
from improvement.services.questions import library_question_answer, library_question_ask
from notifications.models import Kind, Notification
from tests.factories import CoordinatorFactory, StaffFactory
from tests.observations.factories import StudentLearningQuestionFactory

from .conftest import make_cycle

pytestmark = pytest.mark.django_db


def codes(exc: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in exc.error_dict.items()}


def publish(owner, pdsa, scope=LibraryScope.SCHOOL, **kwargs):
    return pdsa_publish(
        actor=owner, pdsa=pdsa, scope=scope, commit_to_answer=kwargs.pop("commit", True), **kwargs
    )


def test_publish_freezes_a_snapshot_with_texts_measures_and_chart(owner, done):
    entry = publish(owner, done)

    assert entry.unpublished_at is None and entry.committed_to_answer_at is not None
    assert entry.school_id == owner.school_id and entry.district_id is None
    snapshot = entry.snapshot
    assert snapshot["pdsa"]["changeIdea"] == "Sentence starters for claims"
    assert snapshot["pdsa"]["actDecision"] == "ADOPT"
    assert snapshot["slq"]["question"] == done.slq.question
    [measure] = snapshot["measures"]
    assert len(measure["points"]) == 12 and measure["baselineCount"] == 6
    assert measure["chart"]["median"] == 3.5
    assert any(a["text"].startswith("Cycle 1 starts") for a in measure["annotations"])


def test_later_edits_do_not_change_the_snapshot(owner, done):
    entry = publish(owner, done)
    done.change_idea = "Something else"
    done.save()
    entry.refresh_from_db()
    assert entry.snapshot["pdsa"]["changeIdea"] == "Sentence starters for claims"


def test_unpublish_then_publish_again_makes_a_new_snapshot(owner, done):
    first = publish(owner, done)
    assert pdsa_unpublish(actor=owner, entry=first).unpublished_at is not None
    # Resent: harmless.
    pdsa_unpublish(actor=owner, entry=first)
    done.act_next = "Try it in period 3"
    done.save()

    second = publish(owner, done, scope=LibraryScope.DISTRICT)

    assert second.pk != first.pk
    assert second.snapshot["pdsa"]["actNext"] == "Try it in period 3"
    assert second.district_id == owner.school.district_id and second.school_id is None
    assert LibraryEntry.objects.filter(pdsa=done, unpublished_at__isnull=True).get() == second


def test_publishing_twice_while_live_is_refused(owner, done):
    publish(owner, done)
    with pytest.raises(ValidationError) as caught:
        publish(owner, done)
    assert codes(caught.value) == {"pdsa_id": ["ALREADY_PUBLISHED"]}


def test_commitment_is_required(owner, done):
    with pytest.raises(ValidationError) as caught:
        publish(owner, done, commit=False)
    assert codes(caught.value) == {"commit_to_answer": ["COMMITMENT_REQUIRED"]}
    assert not LibraryEntry.objects.exists()


@pytest.mark.parametrize("stage", [Stage.PLAN, Stage.DO, Stage.STUDY])
def test_only_a_cycle_with_results_is_shared(owner, slq, stage):
    cycle = make_cycle(owner, slq, stage=stage)
    with pytest.raises(ValidationError) as caught:
        publish(owner, cycle)
    assert codes(caught.value) == {"pdsa_id": ["RESULTS_REQUIRED"]}


def test_act_stage_is_enough(owner, slq):
    assert (
        publish(owner, make_cycle(owner, slq, stage=Stage.ACT)).snapshot["pdsa"]["stage"] == "ACT"
    )


def test_only_the_owner_publishes(colleague, done):
    with pytest.raises(ValidationError) as caught:
        publish(colleague, done)
    assert codes(caught.value) == {"pdsa_id": ["NOT_FOUND"]}


def test_only_the_owner_unpublishes(owner, colleague, done):
    entry = publish(owner, done)
    with pytest.raises(ValidationError) as caught:
        pdsa_unpublish(actor=colleague, entry=entry)
    assert codes(caught.value) == {"library_entry_id": ["NOT_FOUND"]}


def test_the_database_keeps_one_live_entry_per_cycle(owner, done):
    entry = publish(owner, done)
    with pytest.raises(IntegrityError), transaction.atomic():
        LibraryEntry.objects.create(
            pdsa=done,
            owner=owner,
            scope=LibraryScope.SCHOOL,
            school=owner.school,
            snapshot={},
            committed_to_answer_at=timezone.now(),
        )
    # An unpublished one does not count.
    LibraryEntry.objects.filter(pk=entry.pk).update(unpublished_at=timezone.now())
    LibraryEntry.objects.create(
        pdsa=done,
        owner=owner,
        scope=LibraryScope.SCHOOL,
        school=owner.school,
        snapshot={},
        committed_to_answer_at=timezone.now(),
    )


def test_the_database_refuses_an_entry_without_the_commitment(owner, done):
    with pytest.raises(IntegrityError), transaction.atomic():
        LibraryEntry.objects.create(
            pdsa=done, owner=owner, scope=LibraryScope.SCHOOL, school=owner.school, snapshot={}
        )


# --- who sees an entry --------------------------------------------------------------------------


def visible(person):
    return set(selectors_library.library_of(person).values_list("pk", flat=True))


def test_a_school_entry_is_for_the_school(owner, colleague, district_colleague, stranger, done):
    entry = publish(owner, done)
    assert entry.pk in visible(colleague)
    assert entry.pk in visible(owner)
    assert entry.pk not in visible(district_colleague)
    assert entry.pk not in visible(stranger)


def test_a_district_entry_is_for_the_district(owner, colleague, district_colleague, stranger, done):
    entry = publish(owner, done, scope=LibraryScope.DISTRICT)
    assert entry.pk in visible(colleague)
    assert entry.pk in visible(district_colleague)
    assert entry.pk not in visible(stranger)


def test_coordinators_and_staff_do_not_read_entries(owner, done, district):
    publish(owner, done, scope=LibraryScope.DISTRICT)
    assert visible(CoordinatorFactory(coordinated_district=district)) == set()
    assert visible(StaffFactory()) == set()


def test_an_unpublished_entry_is_the_owners_alone(owner, colleague, done):
    entry = publish(owner, done)
    pdsa_unpublish(actor=owner, entry=entry)
    assert visible(colleague) == set()
    assert selectors_library.entries_visible_to(owner).filter(pk=entry.pk).exists()


# --- questions and answers ----------------------------------------------------------------------


def test_a_question_pushes_the_owner_and_an_answer_the_asker(owner, colleague, done):
    entry = publish(owner, done)
    question = library_question_ask(actor=colleague, entry=entry, text="How long per lesson?")
    [push] = Notification.objects.filter(kind=Kind.IMPROVEMENT_QUESTION)
    assert push.recipient == owner and "How long per lesson?" in push.body

    library_question_answer(actor=owner, question=question, text="Two minutes.")
    library_question_answer(actor=owner, question=question, text="Two minutes, at most.")

    [push] = Notification.objects.filter(kind=Kind.IMPROVEMENT_ANSWER)
    assert push.recipient == colleague
    question.refresh_from_db()
    assert question.answer.text == "Two minutes, at most."
    assert Notification.objects.count() == 2


def test_asking_outside_the_scope_or_on_an_unpublished_entry_is_not_found(
    owner, colleague, district_colleague, done
):
    entry = publish(owner, done)
    with pytest.raises(ValidationError) as caught:
        library_question_ask(actor=district_colleague, entry=entry, text="?")
    assert codes(caught.value) == {"library_entry_id": ["NOT_FOUND"]}

    pdsa_unpublish(actor=owner, entry=entry)
    with pytest.raises(ValidationError) as caught:
        library_question_ask(actor=colleague, entry=entry, text="?")
    assert codes(caught.value) == {"library_entry_id": ["NOT_FOUND"]}
    assert not Notification.objects.exists()


def test_the_owner_does_not_ask_and_others_do_not_answer(owner, colleague, done):
    entry = publish(owner, done)
    with pytest.raises(ValidationError) as caught:
        library_question_ask(actor=owner, entry=entry, text="?")
    assert codes(caught.value) == {"library_entry_id": ["NOT_ALLOWED"]}
    question = library_question_ask(actor=colleague, entry=entry, text="How?")
    with pytest.raises(ValidationError) as caught:
        library_question_answer(actor=colleague, question=question, text="Like this")
    assert codes(caught.value) == {"library_question_id": ["NOT_FOUND"]}


def test_questions_stay_for_the_owner_after_unpublishing(owner, colleague, done):
    entry = publish(owner, done)
    library_question_ask(actor=colleague, entry=entry, text="How?")
    pdsa_unpublish(actor=owner, entry=entry)
    assert list(selectors_library.questions_of([entry.pk]).values_list("text", flat=True)) == [
        "How?"
    ]


def test_a_photo_of_another_question_or_person_is_not_found(owner, colleague, done):
    from observations.models import Photo

    other = Photo.objects.create(
        slq=StudentLearningQuestionFactory(host=colleague),
        uploaded_by=colleague,
        image="x.jpg",
        thumbnail="x-t.jpg",
        width=1,
        height=1,
        thumbnail_width=1,
        thumbnail_height=1,
    )
    with pytest.raises(ValidationError) as caught:
        publish(owner, done, photo_ids=[other.pk, 10**9])
    assert codes(caught.value) == {"photo_ids.0": ["NOT_FOUND"], "photo_ids.1": ["NOT_FOUND"]}


def test_no_answer_reaches_the_asker_once_the_entry_is_unpublished(owner, colleague, done):
    entry = publish(owner, done)
    question = library_question_ask(actor=colleague, entry=entry, text="How?")
    pdsa_unpublish(actor=owner, entry=entry)
    with pytest.raises(ValidationError) as caught:
        library_question_answer(actor=owner, question=question, text="Like this")
    assert codes(caught.value) == {"library_question_id": ["NOT_ALLOWED"]}
    assert not Notification.objects.filter(kind=Kind.IMPROVEMENT_ANSWER).exists()
