"""Measures: what a teacher counts about the class, and which cycles they judge."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ..errors import ImprovementError as Codes
from ..models import Better, Measure, Pdsa, PdsaMeasure
from .common import ensure_owner, optional_text, required_text

MAX_MEASURES_PER_PDSA = 5


@transaction.atomic
def measure_create(
    *,
    owner,
    name: str,
    unit: str = "",
    how_collected: str = "",
    better: str = Better.UP,
    baseline_count: int | None = None,
) -> Measure:
    """A measure of the whole class (there is nowhere to name a student). `baseline_count`
    marks the first points, before the change, whose median is the chart's centre line."""
    if better not in Better.values:
        raise ValidationError({"better": ValidationError("Say UP or DOWN.", code=Codes.INVALID)})
    if baseline_count is not None and not 1 <= baseline_count <= 100:
        raise ValidationError(
            {
                "baseline_count": ValidationError(
                    "A baseline is 1 to 100 points.", code=Codes.INVALID
                )
            }
        )
    return Measure.objects.create(
        owner=owner,
        name=required_text(name, "name", "what you will count", 200),
        unit=optional_text(unit, "unit", 60),
        how_collected=optional_text(how_collected, "how_collected", 2000),
        better=better,
        baseline_count=baseline_count,
    )


@transaction.atomic
def pdsa_measure_link(*, owner, pdsa: Pdsa, measure: Measure) -> PdsaMeasure:
    """Judge the cycle by the measure (both the owner's). Linking twice is a no-op."""
    ensure_owner(owner, pdsa, field="pdsa_id", what="PDSA cycle")
    ensure_owner(owner, measure, field="measure_id", what="measure")
    existing = PdsaMeasure.objects.filter(pdsa=pdsa, measure=measure).first()
    if existing is not None:
        return existing
    if PdsaMeasure.objects.filter(pdsa=pdsa).count() >= MAX_MEASURES_PER_PDSA:
        raise ValidationError(
            {
                "measure_id": ValidationError(
                    f"A cycle is judged by at most {MAX_MEASURES_PER_PDSA} measures.",
                    code=Codes.INVALID,
                )
            }
        )
    try:
        with transaction.atomic():
            return PdsaMeasure.objects.create(pdsa=pdsa, measure=measure)
    except IntegrityError:
        # The same link made by a concurrent request: the outcome asked for exists.
        return PdsaMeasure.objects.get(pdsa=pdsa, measure=measure)
