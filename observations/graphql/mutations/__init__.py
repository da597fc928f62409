"""Mutations of the reflection cycle, one module per topic."""

import graphene

from .calendar import RotateCalendarFeed
from .data import SubmitObservationData
from .photos import DeletePhoto, UploadPhoto
from .reflections import ShareReflectionSheet, WriteReflectionSheet
from .slqs import CreateStudentLearningQuestion, UpdateStudentLearningQuestion
from .timetable import SetBellSchedule, SetMyTimetable
from .tools import CopyTool, CreateTool, UpdateTool
from .visits import (
    AcceptVisit,
    CancelVisit,
    CompleteVisit,
    DeclineVisit,
    ProposeVisit,
    RescheduleVisit,
    UpdateVisitPlan,
)

_ALL = (
    CreateStudentLearningQuestion,
    UpdateStudentLearningQuestion,
    CreateTool,
    UpdateTool,
    CopyTool,
    SetMyTimetable,
    SetBellSchedule,
    ProposeVisit,
    AcceptVisit,
    DeclineVisit,
    RescheduleVisit,
    CancelVisit,
    CompleteVisit,
    UpdateVisitPlan,
    SubmitObservationData,
    WriteReflectionSheet,
    ShareReflectionSheet,
    UploadPhoto,
    DeletePhoto,
    RotateCalendarFeed,
)


def _field_name(mutation) -> str:
    name = mutation.__name__
    return name[0].lower() + name[1:]


ObservationMutations = type(
    "ObservationMutations",
    (graphene.ObjectType,),
    {_field_name(m): m.Field(description=m.__doc__) for m in _ALL},
)
