"""PDSA cycles: create, edit the current stage, move forward one stage.

Every change writes a `PdsaRevision` (a copy of every field) in the same transaction, so what a
teacher planned or predicted before seeing the data stays on record even after an edit.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from observations.models import StudentLearningQuestion

from ..errors import ImprovementError as Codes
from ..models import STAGE_ORDER, ActDecision, Pdsa, PdsaRevision, Stage
from .common import ensure_owner, not_found, not_future, optional_text, required_text, school_today

TEXT_LIMIT = 2000
LONG_TEXT_LIMIT = 4000

# What can be edited in each stage: the earlier stages are history once the cycle moves on.
STAGE_FIELDS: dict[Stage, tuple[str, ...]] = {
    Stage.PLAN: ("change_idea", "predictions"),
    Stage.DO: ("do_started_on", "do_ended_on", "do_notes"),
    Stage.STUDY: ("study_results",),
    Stage.ACT: ("act_decision", "act_next"),
    Stage.DONE: (),
}
EDITABLE = {name for names in STAGE_FIELDS.values() for name in names}
STAGE_OF = {name: stage for stage, names in STAGE_FIELDS.items() for name in names}

SNAPSHOT_FIELDS = (
    "slq_id",
    "follows_id",
    "cycle_number",
    "change_idea",
    "predictions",
    "stage",
    "do_started_on",
    "do_ended_on",
    "do_notes",
    "study_results",
    "act_decision",
    "act_next",
)


def _snapshot(pdsa: Pdsa) -> dict:
    data = {}
    for name in SNAPSHOT_FIELDS:
        value = getattr(pdsa, name)
        data[name] = value.isoformat() if isinstance(value, date) else value
    return data


def _keep_revision(pdsa: Pdsa, editor) -> None:
    """Write the next revision of `pdsa` (already saved) and remember its number on it."""
    pdsa.revision = (
        PdsaRevision.objects.filter(pdsa=pdsa)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
        or 0
    ) + 1
    PdsaRevision.objects.create(
        pdsa=pdsa,
        number=pdsa.revision,
        stage=pdsa.stage,
        data=_snapshot(pdsa),
        edited_at=timezone.now(),
        edited_by=editor,
    )
    Pdsa.objects.filter(pk=pdsa.pk).update(revision=pdsa.revision)


@transaction.atomic
def pdsa_create(
    *, owner, slq: StudentLearningQuestion | None, change_idea: str, predictions: str, follows=None
) -> Pdsa:
    """Plan a cycle: a change idea for one of the owner's student learning questions and what
    they predict will happen. `follows` is an earlier cycle of theirs that ended in ADAPT."""
    if slq is None or slq.host_id != owner.pk:
        raise not_found("slq_id", "student learning question")
    cycle_number = 1
    if follows is not None:
        ensure_owner(owner, follows, field="follows_id", what="PDSA cycle")
        if follows.stage != Stage.DONE or follows.act_decision != ActDecision.ADAPT:
            raise ValidationError(
                {
                    "follows_id": ValidationError(
                        "A next cycle follows one that is done and decided to adapt.",
                        code=Codes.INVALID,
                    )
                }
            )
        if Pdsa.objects.filter(follows=follows).exists():
            raise ValidationError(
                {
                    "follows_id": ValidationError(
                        "That cycle already has its next cycle.", code=Codes.INVALID
                    )
                }
            )
        cycle_number = follows.cycle_number + 1
    pdsa = Pdsa.objects.create(
        owner=owner,
        slq=slq,
        follows=follows,
        cycle_number=cycle_number,
        change_idea=required_text(
            change_idea, "change_idea", "the change you will test", TEXT_LIMIT
        ),
        predictions=required_text(predictions, "predictions", "what you predict", TEXT_LIMIT),
    )
    _keep_revision(pdsa, owner)
    return pdsa


def _locked(owner, pdsa: Pdsa) -> Pdsa:
    ensure_owner(owner, pdsa, field="pdsa_id", what="PDSA cycle")
    return Pdsa.objects.select_for_update().get(pk=pdsa.pk)


@transaction.atomic
def pdsa_update(*, owner, pdsa: Pdsa, **changes) -> Pdsa:
    """Edit fields of the cycle's current stage (those of other stages: NOT_ALLOWED, they are
    history or not yet due). A call that changes nothing keeps no revision."""
    pdsa = _locked(owner, pdsa)
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ValueError(f"not PDSA fields: {sorted(unknown)}")
    if not changes:
        raise ValidationError("Say what to change.", code=Codes.REQUIRED)
    allowed = STAGE_FIELDS[Stage(pdsa.stage)]
    for name in changes:
        if name not in allowed:
            raise ValidationError(
                {
                    name: ValidationError(
                        f"This belongs to the {STAGE_OF[name].label} stage and the cycle is at "
                        f"{Stage(pdsa.stage).label}.",
                        code=Codes.NOT_ALLOWED,
                    )
                }
            )
    cleaned = _cleaned(owner, pdsa, changes)
    if all(getattr(pdsa, name) == value for name, value in cleaned.items()):
        return pdsa
    for name, value in cleaned.items():
        setattr(pdsa, name, value)
    pdsa.save()
    _keep_revision(pdsa, owner)
    return pdsa


def _cleaned(owner, pdsa: Pdsa, changes: dict) -> dict:
    cleaned: dict[str, object] = {}
    for name in ("change_idea", "predictions"):
        if name in changes:
            what = "the change you will test" if name == "change_idea" else "what you predict"
            cleaned[name] = required_text(changes[name], name, what, TEXT_LIMIT)
    for name in ("do_notes", "study_results"):
        if name in changes:
            cleaned[name] = optional_text(changes[name], name, LONG_TEXT_LIMIT)
    if "act_next" in changes:
        cleaned["act_next"] = optional_text(changes["act_next"], "act_next", TEXT_LIMIT)
    if "act_decision" in changes:
        decision = changes["act_decision"]
        decision = decision or ""
        if decision and decision not in ActDecision.values:
            raise ValidationError(
                {"act_decision": ValidationError("No such decision.", code=Codes.INVALID)}
            )
        cleaned["act_decision"] = decision
    if "do_started_on" in changes or "do_ended_on" in changes:
        today = school_today(owner)
        started = changes.get("do_started_on", pdsa.do_started_on)
        ended = changes.get("do_ended_on", pdsa.do_ended_on)
        if "do_started_on" in changes:
            if started is None:
                raise ValidationError(
                    {
                        "do_started_on": ValidationError(
                            "A cycle in Do has a start date.", code=Codes.REQUIRED
                        )
                    }
                )
            not_future(started, today, "do_started_on")
            cleaned["do_started_on"] = started
        if "do_ended_on" in changes:
            if ended is not None:
                not_future(ended, today, "do_ended_on")
            cleaned["do_ended_on"] = ended
        if started is not None and ended is not None and ended < started:
            raise ValidationError(
                {
                    "do_ended_on": ValidationError(
                        "The Do stage cannot end before it starts.", code=Codes.INVALID_DATES
                    )
                }
            )
    return cleaned


def _transition_refused(message: str) -> ValidationError:
    return ValidationError({"stage": ValidationError(message, code=Codes.INVALID_TRANSITION)})


@transaction.atomic
def pdsa_advance(*, owner, pdsa: Pdsa, to: str) -> Pdsa:
    """Move the cycle to `to`, which must be the stage right after its current one (naming the
    target makes a resent request harmless: it is refused, never a second step)."""
    pdsa = _locked(owner, pdsa)
    position = STAGE_ORDER.index(Stage(pdsa.stage))
    if position + 1 >= len(STAGE_ORDER) or STAGE_ORDER[position + 1] != to:
        if pdsa.stage == Stage.DONE:
            raise _transition_refused("The cycle is done; plan a next cycle to go on.")
        raise _transition_refused(
            f"The cycle is at {Stage(pdsa.stage).label}; it can only move on to "
            f"{STAGE_ORDER[position + 1].label}."
        )
    if to == Stage.DO:
        if not pdsa.measure_links.exists():
            raise ValidationError(
                {
                    "stage": ValidationError(
                        "Link a measure before you start doing: it is how you will know "
                        "whether the change is an improvement.",
                        code=Codes.MEASURE_REQUIRED,
                    )
                }
            )
        if pdsa.do_started_on is None:
            pdsa.do_started_on = school_today(owner)
    elif to == Stage.STUDY:
        if pdsa.do_ended_on is None:
            today = school_today(owner)
            started = pdsa.do_started_on
            pdsa.do_ended_on = today if started is None else max(today, started)
    elif to == Stage.ACT:
        if not pdsa.study_results.strip():
            raise _transition_refused(
                "Write what you learned in Study (your results against your predictions) "
                "before you decide what to do."
            )
    elif to == Stage.DONE and not pdsa.act_decision:
        raise _transition_refused("Decide whether to adopt, adapt or abandon the change.")
    pdsa.stage = to
    pdsa.save()
    _keep_revision(pdsa, owner)
    return pdsa
