"""Enums the phone receives as native enums; values mirror the models' choices."""

import graphene

from backend.graphql.enums import choices_enum, described

from .. import models
from ..models import PeriodKind, Sharing, Weekday
from ..tool_kinds import ToolKind as ToolKindValues

ToolKind = choices_enum(
    "ToolKind",
    ToolKindValues,
    "The kind of a data-collection tool; it fixes the type of its definition, entries and "
    "summary (ScriptingDefinition, ScriptingEntry, ScriptingSummary, ...) and the field set in "
    "ToolDefinitionInput and ObservationEntryInput (`toolKinds` lists them with JSON Schemas).",
    {
        "SCRIPTING": "Timestamped notes of what students say and do (field `scripting`).",
        "TALLY": "Counts per category, optionally per student group (field `tally`).",
        "SEATING_CHART": "Marks per seat on a room layout (field `seatingChart`).",
        "CHECKLIST": "Items ticked when seen (field `checklist`).",
        "TIMED_INTERVAL_SWEEP": "Counts of students per behaviour every few minutes "
        "(field `timedIntervalSweep`).",
    },
)


ToolSharing = choices_enum(
    "ToolSharing",
    Sharing,
    "Who can see and copy a tool.",
    {
        "PRIVATE": "Only its owner (and the people of visits that use it).",
        "SCHOOL": "Teachers of the owner's school.",
        "DISTRICT": "Teachers of the owner's district.",
        "LIBRARY": "Everyone: the app's starter library (cannot be chosen).",
    },
)


class ToolScope(graphene.Enum):
    """Which tools to list."""

    MINE = "MINE"
    SCHOOL = "SCHOOL"
    DISTRICT = "DISTRICT"
    LIBRARY = "LIBRARY"

    description = described(
        {
            "MINE": "Tools you own.",
            "SCHOOL": "Tools shared with your school.",
            "DISTRICT": "Tools shared with your district.",
            "LIBRARY": "The starter library.",
        }
    )


VisitStatus = choices_enum(
    "VisitStatus",
    models.VisitStatus,
    "Where a visit is in its life.",
    {
        "PROPOSED": "Proposed (or moved by the visitor); waiting for the host to accept.",
        "ACCEPTED": "The host accepted; reminders are scheduled.",
        "DECLINED": "The host declined, with a reason. Final.",
        "CANCELLED": "The host or a visitor cancelled, with a reason. Final.",
        "COMPLETED": "It happened: data or the reflection sheet arrived, or it was marked.",
    },
)


VisitRole = choices_enum(
    "VisitRole",
    models.VisitRole,
    "A person's part in a visit.",
    {"HOST": "The teacher whose class is visited.", "VISITOR": "A visiting peer."},
)


class VisitChange(graphene.Enum):
    """What happened to a visit (live events)."""

    PROPOSED = "PROPOSED"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
    RESCHEDULED = "RESCHEDULED"
    CANCELLED = "CANCELLED"
    COMPLETED = "COMPLETED"
    DATA_ARRIVED = "DATA_ARRIVED"
    PLAN_CHANGED = "PLAN_CHANGED"
    REFLECTION_WRITTEN = "REFLECTION_WRITTEN"
    PHOTOS_CHANGED = "PHOTOS_CHANGED"

    description = described(
        {
            "PROPOSED": "A visitor proposed the visit.",
            "ACCEPTED": "The host accepted it.",
            "DECLINED": "The host declined it.",
            "RESCHEDULED": "Its time (or room) moved.",
            "CANCELLED": "It was cancelled.",
            "COMPLETED": "It was marked as having happened.",
            "DATA_ARRIVED": "New data entries were stored.",
            "PLAN_CHANGED": "Its SLQ, tool, room or notes changed.",
            "REFLECTION_WRITTEN": "Its reflection sheet was written or revised.",
            "PHOTOS_CHANGED": "A photo was added to or deleted from it or its reflection sheet.",
        }
    )


TimetablePeriodKind = choices_enum(
    "TimetablePeriodKind",
    PeriodKind,
    "Whether a teacher teaches a class in a period.",
    {"TEACHING": "Teaching a class: can be visited.", "FREE": "No class: can visit."},
)


TimetableWeekday = choices_enum(
    "TimetableWeekday",
    Weekday,
    "A day of the school week.",
)
