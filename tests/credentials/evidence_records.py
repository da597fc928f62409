"""Records and error rows for test_evidence.py and test_consent.py (plain functions; the
fixtures are in evidence_setup.py)."""

from observations.models import Photo, ReflectionSheet
from tests.observations.factories import StudentLearningQuestionFactory


def make_sheet(visit_, *, facilitator):
    slq = visit_.slq or StudentLearningQuestionFactory(host=visit_.host)
    return ReflectionSheet.objects.create(
        visit=visit_, host=visit_.host, facilitator=facilitator, cycle_number=1, slq=slq,
        slq_area_of_focus=slq.area_of_focus, slq_question=slq.question, considerations="c",
        next_steps="n", keeps_slq=True,
    )  # fmt: skip


def make_photo(*, slq, by):
    return Photo.objects.create(
        slq=slq, uploaded_by=by, image="p.jpg", thumbnail="t.jpg", width=10, height=10,
        thumbnail_width=5, thumbnail_height=5,
    )  # fmt: skip


def error_rows(exc) -> list[tuple]:
    """(field, code, message) of every refusal in a ValidationError, as a payload lists them."""
    if hasattr(exc, "error_dict"):
        return sorted(
            (field, str(error.code), str(error.message))
            for field, errors in exc.error_dict.items()
            for error in errors
        )
    return [(None, str(error.code), str(error.message)) for error in exc.error_list]
