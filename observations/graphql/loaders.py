"""Turning ids in mutation input into objects, with what the caller may see.

A visit id (of a Visit or a VisitSummary) is looked up among the visits the caller may know
about: someone who can see that a visit exists but takes no part in it then gets a typed
NOT_VISIT_PARTICIPANT from the service; anyone else gets NOT_FOUND, so ids reveal nothing.
"""

from django.core.exceptions import ValidationError

from backend.graphql.ids import decode_global_id, load_node, pk_from_global_id
from cohorts.selectors import cohorts_visible_to
from observations.errors import ObservationError

from .. import selectors
from .types.slqs import StudentLearningQuestionType
from .types.timetable import BellPeriodType
from .types.tools import ToolType
from .types.visits import ReflectionSheetType

VISIT_TYPES = ("Visit", "VisitSummary")


def _not_found(field: str, what: str) -> ValidationError:
    return ValidationError(
        {field: ValidationError(f"No {what} with this id.", code=ObservationError.NOT_FOUND)}
    )


def load_visit(info, global_id: str, *, field: str = "visitId"):
    pk = decode_global_id(global_id, *VISIT_TYPES)
    if pk is None:
        raise ValidationError(
            {
                field: ValidationError(
                    "Expected the id of a Visit.", code=ObservationError.INVALID_ID
                )
            }
        )
    visit = selectors.visit_summaries_visible_to(info.context.user).filter(pk=pk).first()
    if visit is None:
        raise _not_found(field, "Visit")
    return visit


def load_teacher(info, global_id: str, *, field: str):
    """A teacher the caller may name in a visit (`selectors.visit_teachers_for`)."""
    pk = pk_from_global_id(global_id, "Person", field=field)
    teachers = selectors.visit_teachers_for(info.context.user)
    person = teachers.filter(pk=pk).first() if pk.isdigit() else None
    if person is None:
        raise _not_found(field, "teacher")
    return person


def load_slq(info, global_id: str, *, field: str = "slqId"):
    return load_node(info, global_id, StudentLearningQuestionType, field=field)


def load_tool(info, global_id: str, *, field: str = "toolId"):
    return load_node(info, global_id, ToolType, field=field)


def load_attachable_tool(info, global_id: str, *, host, slq, field: str = "toolId"):
    """A tool the caller may attach to a visit proposed to `host` about `slq` (the host's
    current question when None): one they can see or one the host chose for that question
    (`selectors.tools_attachable_to_visit`). Anything else is NOT_FOUND, as for a missing id."""
    pk = pk_from_global_id(global_id, "Tool", field=field)
    if slq is None:
        slq = selectors.current_slq_of(host)
    attachable = selectors.tools_attachable_to_visit(info.context.user, host, slq)
    tool = attachable.filter(pk=pk).first() if pk.isdigit() else None
    if tool is None:
        raise _not_found(field, "Tool")
    return tool


def load_reflection_sheet(info, global_id: str, *, field: str = "reflectionSheetId"):
    return load_node(info, global_id, ReflectionSheetType, field=field)


def load_bell_period(info, global_id: str, *, field: str):
    return load_node(info, global_id, BellPeriodType, field=field)


def load_cohort(info, global_id: str, *, field: str = "cohortId"):
    pk = pk_from_global_id(global_id, "Cohort", field=field)
    cohort = cohorts_visible_to(info.context.user).filter(pk=pk).first() if pk.isdigit() else None
    if cohort is None:
        raise _not_found(field, "Cohort")
    return cohort


def optional(loader, info, global_id, **kwargs):
    return loader(info, global_id, **kwargs) if global_id else None
