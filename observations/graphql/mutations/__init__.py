"""Mutations of the reflection cycle, one module per topic."""

import graphene

from .calendar import CalendarFeedRotate
from .data import ObservationDataSubmit
from .photos import PhotoDelete, PhotoUpload
from .reflections import ReflectionSheetShare, ReflectionSheetWrite
from .slqs import StudentLearningQuestionCreate, StudentLearningQuestionUpdate
from .timetable import BellScheduleSet, TimetableSet
from .tools import ToolCopy, ToolCreate, ToolUpdate
from .visits import (
    VisitAccept,
    VisitCancel,
    VisitComplete,
    VisitDecline,
    VisitPlanUpdate,
    VisitPropose,
    VisitReschedule,
)

_ALL = (
    StudentLearningQuestionCreate,
    StudentLearningQuestionUpdate,
    ToolCreate,
    ToolUpdate,
    ToolCopy,
    TimetableSet,
    BellScheduleSet,
    VisitPropose,
    VisitAccept,
    VisitDecline,
    VisitReschedule,
    VisitCancel,
    VisitComplete,
    VisitPlanUpdate,
    ObservationDataSubmit,
    ReflectionSheetWrite,
    ReflectionSheetShare,
    PhotoUpload,
    PhotoDelete,
    CalendarFeedRotate,
)


def _field_name(mutation) -> str:
    name = mutation.__name__
    return name[0].lower() + name[1:]


ObservationMutations = type(
    "ObservationMutations",
    (graphene.ObjectType,),
    {_field_name(m): m.Field(description=m.__doc__) for m in _ALL},
)
