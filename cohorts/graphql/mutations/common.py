"""Loading what a mutation's payload returns, fresh and shaped by what was asked for."""

from __future__ import annotations

from backend.graphql.ids import load_node
from backend.graphql.selection import requested_fields

from ...models import Cohort, Meeting
from ..loading import cohort_queryset, meeting_queryset
from ..types import CohortType, MeetingType


def enum_value(value):
    """Graphene 3 hands enum inputs over as members; services take the plain value."""
    return getattr(value, "value", value)


def optional_node(info, global_id, object_type, *, field: str):
    return load_node(info, global_id, object_type, field=field) if global_id else None


def reload_cohort(info, cohort_id: int) -> Cohort | None:
    """The cohort as it is after the change, if the caller may still see it."""
    queryset = CohortType.get_queryset(Cohort.objects.filter(pk=cohort_id), info)
    return cohort_queryset(queryset, requested_fields(info)).first()


def reload_meeting(info, meeting_id: int) -> Meeting | None:
    queryset = MeetingType.get_queryset(Meeting.objects.filter(pk=meeting_id), info)
    names = requested_fields(info) | {"agenda"}  # warnings need the agenda
    return meeting_queryset(queryset, names).first()
