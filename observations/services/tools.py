"""Data-collection tools: crafted from a kind with a validated definition, copied and adapted,
shared within a school or district. The starter library is seeded from `tool_library`."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction

from observations.errors import ObservationError

from ..models import Sharing, StudentLearningQuestion, Tool
from ..tool_kinds import InvalidToolDefinition, validate_definition
from ..tool_library import TOOL_LIBRARY
from .common import clean_text, ensure_teacher

MAX_NAME = 120
MAX_DESCRIPTION = 2000
UNSET = object()


def _definition_errors(exc: InvalidToolDefinition) -> ValidationError:
    errors = {}
    for path, problems in exc.error_dict.items():
        if path == "kind":
            key = "kind"
        elif path == NON_FIELD_ERRORS:
            key = "definition"
        else:
            key = f"definition.{path}"
        errors[key] = [
            ValidationError(
                p.message, code=ObservationError.INVALID_TOOL_DEFINITION, params=p.params
            )
            for p in problems
        ]
    return ValidationError(errors)


def _validated(kind: str, definition) -> dict:
    try:
        return validate_definition(kind, definition)
    except InvalidToolDefinition as exc:
        raise _definition_errors(exc) from exc


def _check_sharing(sharing: str) -> str:
    if sharing not in (Sharing.PRIVATE, Sharing.SCHOOL, Sharing.DISTRICT):
        raise ValidationError(
            {
                "sharing": ValidationError(
                    "Share a tool privately, with your school or with your district.",
                    code=ObservationError.INVALID,
                )
            }
        )
    return sharing


@transaction.atomic
def tool_create(
    *,
    actor,
    kind: str,
    name: str,
    definition,
    description: str = "",
    sharing: str = Sharing.PRIVATE,
    slq: StudentLearningQuestion | None = None,
) -> Tool:
    ensure_teacher(actor)
    return Tool.objects.create(
        kind=kind,
        name=clean_text(name, field="name", max_length=MAX_NAME, required=True),
        description=clean_text(
            description, field="description", max_length=MAX_DESCRIPTION, required=False
        ),
        definition=_validated(kind, definition),
        owner=actor,
        school_id=actor.school_id,
        sharing=_check_sharing(sharing),
        slq=slq,
    )


@transaction.atomic
def tool_update(
    *,
    actor,
    tool: Tool,
    name=None,
    description=None,
    definition=UNSET,
    sharing=None,
    slq=UNSET,
) -> Tool:
    """The owner adapts their tool. Once a visit collected data with it, its definition is
    fixed (TOOL_IN_USE): copy it to adapt it further."""
    tool = Tool.objects.select_for_update().get(pk=tool.pk)
    if tool.owner_id != actor.pk:
        raise ValidationError(
            {
                "toolId": ValidationError(
                    "Only the tool's owner can change it; copy it to adapt it.",
                    code=ObservationError.NOT_TOOL_OWNER,
                )
            }
        )
    if name is not None:
        tool.name = clean_text(name, field="name", max_length=MAX_NAME, required=True)
    if description is not None:
        tool.description = clean_text(
            description, field="description", max_length=MAX_DESCRIPTION, required=False
        )
    if definition is not UNSET:
        normalized = _validated(tool.kind, definition)
        if normalized != tool.definition:
            if tool.visits.filter(entries__isnull=False).exists():
                raise ValidationError(
                    {
                        "definition": ValidationError(
                            "Data was collected with this tool; copy it to change its definition.",
                            code=ObservationError.TOOL_IN_USE,
                        )
                    }
                )
            tool.definition = normalized
    if sharing is not None:
        tool.sharing = _check_sharing(sharing)
    if slq is not UNSET:
        tool.slq = slq
    tool.save()
    return tool


@transaction.atomic
def tool_copy(
    *,
    actor,
    source: Tool,
    name: str | None = None,
    sharing: str = Sharing.PRIVATE,
    slq: StudentLearningQuestion | None = None,
) -> Tool:
    """Your own copy of a tool you can see (often a library one), to adapt."""
    ensure_teacher(actor)
    return Tool.objects.create(
        kind=source.kind,
        name=clean_text(name or source.name, field="name", max_length=MAX_NAME, required=True),
        description=source.description,
        definition=_validated(source.kind, source.definition),
        owner=actor,
        school_id=actor.school_id,
        sharing=_check_sharing(sharing),
        example_questions=list(source.example_questions or []),
        copied_from=source,
        slq=slq,
    )


def tool_library_sync(tool_model=Tool) -> int:
    """Create or refresh the starter library's tools; returns how many were created.

    Takes the model so a migration can pass its historical one. Idempotent."""
    created = 0
    for item in TOOL_LIBRARY:
        _tool, was_created = tool_model.objects.update_or_create(
            library_key=item.key,
            defaults={
                "kind": item.kind.value,
                "name": item.name,
                "description": item.description,
                "definition": validate_definition(item.kind, item.definition),
                "example_questions": list(item.example_questions),
                "sharing": Sharing.LIBRARY,
                "owner": None,
                "school": None,
            },
        )
        created += was_created
    return created
