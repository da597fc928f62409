"""Free annotations on a measure's chart (the start of a cycle's Do is added by itself)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from ..errors import ImprovementError as Codes
from ..models import Annotation, Measure
from .common import ensure_owner, not_future, required_text, school_today

MAX_ANNOTATIONS_PER_MEASURE = 40


@transaction.atomic
def annotation_add(*, owner, measure: Measure, on: date, text: str) -> Annotation:
    """Pin a short note to a day of the owner's measure (not a future day)."""
    ensure_owner(owner, measure, field="measure_id", what="measure")
    if on is None:
        raise ValidationError({"on": ValidationError("Say which day.", code=Codes.REQUIRED)})
    not_future(on, school_today(owner), "on")
    text = required_text(text, "text", "the note", 200)
    if measure.annotations.count() >= MAX_ANNOTATIONS_PER_MEASURE:
        raise ValidationError(
            {
                "text": ValidationError(
                    f"A chart holds at most {MAX_ANNOTATIONS_PER_MEASURE} notes.",
                    code=Codes.INVALID,
                )
            }
        )
    return Annotation.objects.create(measure=measure, on=on, text=text)
