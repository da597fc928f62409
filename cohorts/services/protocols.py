"""A school's own protocols, beside the programme's library (which cannot be edited)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cohorts.errors import CohortError

from ..models import Protocol, ProtocolStep
from .common import refused_as_typed_errors

MAX_STEPS = 30
MAX_STEP_MINUTES = 240


@dataclass(frozen=True)
class StepData:
    title: str
    minutes: int
    guidance: str = ""


def _ensure_author(actor, school) -> None:
    if actor.is_staff:
        return
    if not (actor.is_teacher_leader and actor.school_id == school.pk):
        raise PermissionDenied("Only the school's teacher leaders add protocols.")


def _clean(name: str | None, purpose: str | None, steps: list[StepData] | None):
    errors: dict[str, ValidationError] = {}
    if name is not None:
        name = name.strip()
        if not name:
            errors["name"] = ValidationError("Give the protocol a name.", code=CohortError.REQUIRED)
        elif len(name) > 120:
            errors["name"] = ValidationError(
                "Keep the name under 120 characters.", code=CohortError.INVALID
            )
    if purpose is not None:
        purpose = purpose.strip()
        if len(purpose) > 2000:
            errors["purpose"] = ValidationError(
                "Keep this under 2,000 characters.", code=CohortError.INVALID
            )
    if steps is not None:
        if not steps:
            errors["steps"] = ValidationError(
                "A protocol has at least one step.", code=CohortError.REQUIRED
            )
        elif len(steps) > MAX_STEPS:
            errors["steps"] = ValidationError(
                f"At most {MAX_STEPS} steps.", code=CohortError.INVALID
            )
        for index, step in enumerate(steps):
            if not (step.title or "").strip():
                errors[f"steps.{index}.title"] = ValidationError(
                    "Give the step a title.", code=CohortError.REQUIRED
                )
            elif len(step.title.strip()) > 200:
                errors[f"steps.{index}.title"] = ValidationError(
                    "Keep the title under 200 characters.", code=CohortError.INVALID
                )
            if step.minutes is None or not 0 <= step.minutes <= MAX_STEP_MINUTES:
                errors[f"steps.{index}.minutes"] = ValidationError(
                    f"Choose 0 to {MAX_STEP_MINUTES} minutes.", code=CohortError.INVALID
                )
            if len(step.guidance or "") > 2000:
                errors[f"steps.{index}.guidance"] = ValidationError(
                    "Keep this under 2,000 characters.", code=CohortError.INVALID
                )
    if errors:
        raise ValidationError(errors)
    return name, purpose


def _write_steps(protocol: Protocol, steps: list[StepData]) -> None:
    protocol.steps.all().delete()
    ProtocolStep.objects.bulk_create(
        ProtocolStep(
            protocol=protocol,
            position=position,
            title=step.title.strip(),
            minutes=step.minutes,
            guidance=(step.guidance or "").strip(),
        )
        for position, step in enumerate(steps, start=1)
    )


@transaction.atomic
def protocol_create(
    *, actor, school, name: str, purpose: str = "", steps: list[StepData]
) -> Protocol:
    _ensure_author(actor, school)
    name, purpose = _clean(name, purpose or "", steps)
    with refused_as_typed_errors():
        protocol = Protocol.objects.create(
            school=school, name=name, purpose=purpose, created_by=actor
        )
    _write_steps(protocol, steps)
    return protocol


@transaction.atomic
def protocol_update(
    *, actor, protocol: Protocol, name=None, purpose=None, steps: list[StepData] | None = None
) -> Protocol:
    """Agendas that use the protocol show the new steps; the library itself is read only."""
    if protocol.is_library:
        raise PermissionDenied("The programme's protocols cannot be changed; add your own.")
    _ensure_author(actor, protocol.school)
    name, purpose = _clean(name, purpose, steps)
    if name is not None:
        protocol.name = name
    if purpose is not None:
        protocol.purpose = purpose
    with refused_as_typed_errors():
        protocol.save()
    if steps is not None:
        _write_steps(protocol, steps)
    return protocol
