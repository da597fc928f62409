import pytest
from django.core.exceptions import PermissionDenied

from observations.models import StudentLearningQuestion
from observations.services.slqs import slq_create, slq_update
from tests.observations.conftest import refused

pytestmark = pytest.mark.django_db


def create(actor, **extra):
    return slq_create(
        actor=actor, area_of_focus=" Talk ", question=" Who explains their thinking? ", **extra
    )


def test_a_host_writes_a_question_crafted_with_a_peer(host, visitor):
    slq = create(host, crafted_with=visitor)

    assert (slq.host, slq.crafted_with, slq.area_of_focus, slq.question) == (
        host,
        visitor,
        "Talk",
        "Who explains their thinking?",
    )
    assert not slq.is_retired


def test_a_new_question_replaces_the_old_one_once(host, slq):
    new = create(host, replaces=slq)

    slq.refresh_from_db()
    assert slq.is_retired and slq.replaced_by == new
    assert refused(create, actor=host, replaces=slq) == [("replacesId", "ALREADY_REPLACED")]


def test_only_the_host_changes_or_replaces_their_question(visitor, slq):
    assert refused(slq_update, actor=visitor, slq=slq, question="Mine now") == [
        ("slqId", "NOT_SLQ_HOST")
    ]
    assert refused(create, actor=visitor, replaces=slq) == [("replacesId", "NOT_SLQ_HOST")]


def test_texts_are_required_and_bounded(host):
    assert refused(slq_create, actor=host, area_of_focus="", question="Q?") == [
        ("areaOfFocus", "REQUIRED")
    ]
    assert refused(slq_create, actor=host, area_of_focus="A", question="x" * 1001) == [
        ("question", "INVALID")
    ]
    assert refused(create, actor=host, crafted_with=host) == [("craftedWithId", "INVALID")]
    assert not StudentLearningQuestion.objects.exists()


def test_the_host_edits_the_wording(host, slq, visitor):
    changed = slq_update(
        actor=host, slq=slq, question="Whom do students ask?", crafted_with=visitor
    )

    assert (changed.question, changed.crafted_with) == ("Whom do students ask?", visitor)


def test_coordinators_have_no_class_to_ask_about(coordinator):
    with pytest.raises(PermissionDenied):
        create(coordinator)
