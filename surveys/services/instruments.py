"""Leaders build their own instruments; the shipped ones come from `seeding.py`."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from surveys.errors import SurveyError

from ..models import Construct, Instrument, InstrumentKind, Item, ItemFormat, ResponseScale

MAX_QUESTIONS = 60
MAX_PROMPT = 1000


@dataclass(frozen=True)
class ItemDraft:
    prompt: str
    scale_key: str
    reverse_scored: bool = False


@dataclass(frozen=True)
class ConstructDraft:
    title: str
    description: str = ""
    items: list[ItemDraft] = field(default_factory=list)


def _required_text(value: str, path: str, errors: dict, *, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        errors[path] = ValidationError("Write something here.", code=SurveyError.REQUIRED)
    elif len(value) > limit:
        errors[path] = ValidationError(
            f"Keep it under {limit} characters.", code=SurveyError.TOO_LONG
        )
    return value


@transaction.atomic
def instrument_create(
    *,
    actor,
    title: str,
    description: str = "",
    kind: str = InstrumentKind.CUSTOM,
    constructs: list[ConstructDraft],
    open_text_prompts: Sequence[str] = (),
) -> Instrument:
    """A leader's own instrument for their school. Items of one construct share a scale, so
    the construct can be scored as the mean of its items. Instruments are never edited
    afterwards: every administration of one asked exactly the same questions."""
    if not (actor.is_teacher_leader or actor.is_staff) or actor.school_id is None:
        raise PermissionDenied("Only teacher leaders build survey instruments for their school.")
    errors: dict[str, ValidationError] = {}
    title = _required_text(title, "title", errors, limit=200)
    description = (description or "").strip()
    scales = {scale.key: scale for scale in ResponseScale.objects.all()}
    question_count = sum(len(c.items) for c in constructs) + len(open_text_prompts)
    if question_count == 0:
        errors["constructs"] = ValidationError(
            "Add at least one question.", code=SurveyError.REQUIRED
        )
    elif question_count > MAX_QUESTIONS:
        errors["constructs"] = ValidationError(
            f"An instrument has at most {MAX_QUESTIONS} questions.", code=SurveyError.TOO_MANY_ITEMS
        )
    for c_index, draft in enumerate(constructs):
        base = f"constructs.{c_index}"
        _required_text(draft.title, f"{base}.title", errors, limit=200)
        if not draft.items:
            errors[f"{base}.items"] = ValidationError(
                "A construct needs at least one item.", code=SurveyError.REQUIRED
            )
        for i_index, item in enumerate(draft.items):
            path = f"{base}.items.{i_index}"
            _required_text(item.prompt, f"{path}.prompt", errors, limit=MAX_PROMPT)
            if item.scale_key not in scales:
                errors[f"{path}.scale_key"] = ValidationError(
                    "Choose one of the response scales.", code=SurveyError.UNKNOWN_SCALE
                )
        if len({item.scale_key for item in draft.items}) > 1:
            errors[f"{base}.items"] = ValidationError(
                "All items of a construct use the same scale, so they can be averaged.",
                code=SurveyError.MIXED_SCALES,
            )
    for index, prompt in enumerate(open_text_prompts):
        _required_text(prompt, f"open_text_prompts.{index}", errors, limit=MAX_PROMPT)
    if kind not in InstrumentKind.values:
        errors["kind"] = ValidationError("Unknown kind of instrument.", code=SurveyError.INVALID)
    if errors:
        raise ValidationError(errors)

    instrument = Instrument.objects.create(
        title=title,
        description=description,
        kind=kind,
        school_id=actor.school_id,
        created_by=actor,
    )
    position = 0
    for c_index, draft in enumerate(constructs):
        construct = Construct.objects.create(
            instrument=instrument,
            key=f"c{c_index + 1}",
            title=draft.title.strip(),
            description=(draft.description or "").strip(),
            position=c_index,
        )
        for item in draft.items:
            position += 1
            Item.objects.create(
                instrument=instrument,
                construct=construct,
                key=f"q{position}",
                prompt=item.prompt.strip(),
                format=ItemFormat.SCALE,
                scale=scales[item.scale_key],
                reverse_scored=bool(item.reverse_scored),
                position=position,
            )
    for prompt in open_text_prompts:
        position += 1
        Item.objects.create(
            instrument=instrument,
            key=f"q{position}",
            prompt=prompt.strip(),
            format=ItemFormat.OPEN_TEXT,
            position=position,
        )
    return instrument
