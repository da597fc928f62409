"""The reflection sheet: written after the visit, shared with the cohort only by the host.

Any participant may write or revise it (the visitor facilitates the protocol and usually
types; the host may correct). It keeps a copy of the SLQ and of the data summary. Writing it
completes an accepted visit, withdraws the "reflection due" reminder, and records the host's
decision about the SLQ: kept for the next cycle, or retired so a new one can be written.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from observations.errors import ObservationError

from ..models import ReflectionSheet, StudentLearningQuestion, Visit, VisitParticipant, VisitRole
from . import reminders
from .common import (
    clean_text,
    complete_if_due,
    ensure_open_for_data,
    lock_cycles_of,
    lock_visit,
    now_or,
    require_host,
    require_participant,
)
from .data import visit_data_summary
from .events import visit_changed

MAX_SHEET_TEXT = 5000


@transaction.atomic
def reflection_sheet_write(
    *,
    actor,
    visit: Visit,
    considerations: str,
    next_steps: str,
    keeps_slq: bool,
    now: datetime | None = None,
) -> ReflectionSheet:
    now = now_or(now)
    visit = lock_visit(visit)
    role = require_participant(visit, actor)
    lock_cycles_of(visit.host)  # a proposal deriving the host's next cycle waits for the sheet
    ensure_open_for_data(visit)
    if now < visit.starts_at:
        raise ValidationError(
            "This visit has not happened yet.", code=ObservationError.VISIT_NOT_STARTED
        )
    slq = visit.slq
    if slq is None:
        raise ValidationError(
            {
                "visitId": ValidationError(
                    "Choose the visit's Student Learning Question first.",
                    code=ObservationError.NO_SLQ,
                )
            }
        )
    considerations = clean_text(
        considerations, field="considerations", max_length=MAX_SHEET_TEXT, required=True
    )
    next_steps = clean_text(next_steps, field="nextSteps", max_length=MAX_SHEET_TEXT, required=True)
    if role == VisitRole.VISITOR:
        facilitator = actor
    else:
        visitor = (
            VisitParticipant.objects.filter(visit=visit, role=VisitRole.VISITOR)
            .select_related("person")
            .order_by("id")
            .first()
        )
        assert visitor is not None  # a visit is booked with its visitor
        facilitator = visitor.person
    values = {
        "host_id": visit.host_id,
        "facilitator": facilitator,
        "cycle_number": visit.cycle_number,
        "slq": slq,
        "slq_area_of_focus": slq.area_of_focus,
        "slq_question": slq.question,
        "data_summary": visit_data_summary(visit) or {},
        "considerations": considerations,
        "next_steps": next_steps,
        "keeps_slq": keeps_slq,
    }
    sheet = ReflectionSheet.objects.filter(visit=visit).first()
    if sheet is None:
        sheet = ReflectionSheet.objects.create(visit=visit, created_at=now, **values)
    else:
        for name, value in values.items():
            setattr(sheet, name, value)
        sheet.save()
    _record_slq_decision(slq, keeps_slq=keeps_slq, now=now)

    fields = ["revision"]
    if complete_if_due(visit, now):
        fields += ["status", "completed_at"]
    visit.revision += 1
    visit.save(update_fields=[*fields, "updated_at"])
    reminders.cancel_reflection_due(visit)
    visit_changed(visit, "REFLECTION_WRITTEN", actor=actor)
    return sheet


def _record_slq_decision(slq: StudentLearningQuestion, *, keeps_slq: bool, now: datetime) -> None:
    """Not kept: retired, so the next cycle starts from a new question. Kept (again): current,
    unless a newer question already replaced it."""
    if not keeps_slq and slq.retired_at is None:
        slq.retired_at = now
        slq.save(update_fields=["retired_at", "updated_at"])
    elif keeps_slq and slq.retired_at is not None and not hasattr(slq, "replaced_by"):
        slq.retired_at = None
        slq.save(update_fields=["retired_at", "updated_at"])


@transaction.atomic
def reflection_sheet_share(
    *, actor, sheet: ReflectionSheet, shared: bool, now: datetime | None = None
) -> ReflectionSheet:
    """The host lets the visit's cohort (leader, blue and yellow dots) read the sheet, or stops."""
    now = now_or(now)
    visit = lock_visit(sheet.visit)
    require_host(visit, actor, field="reflectionSheetId")
    if shared and visit.cohort_id is None:
        raise ValidationError(
            {
                "reflectionSheetId": ValidationError(
                    "This visit is not part of a cohort, so there is no one to share it with.",
                    code=ObservationError.NO_COHORT,
                )
            }
        )
    sheet = ReflectionSheet.objects.select_for_update().get(pk=sheet.pk)
    if sheet.shared_with_cohort != shared:
        sheet.shared_with_cohort = shared
        sheet.shared_at = now if shared else None
        sheet.save(update_fields=["shared_with_cohort", "shared_at", "updated_at"])
    return sheet
