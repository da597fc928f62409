"""GraphQL types of the reflection cycle, one module per topic:

- `visits`: Visit (content, for its host and visitors), VisitSummary (no content, for the
  cohort leader, coordinators and staff), their entries and reflection sheets, suggested slots
  and the live VisitChanged event;
- `slqs`: Student Learning Questions;
- `tools`: data-collection tools;
- `photos`: photos of student work, behind signed links made for the viewer;
- `timetable`: bell periods and timetable periods;
- `calendar`: the private calendar feed;
- `visibility`: who is asking, and links loaded through what they may see.

Code inside `observations` imports from the topic module; these names stay here for callers
outside it (`from observations.graphql.types import VisitType`).
"""

from .calendar import CalendarFeedType
from .photos import PhotoType, photo_prefetch
from .slqs import StudentLearningQuestionType
from .timetable import BellPeriodType, TimetablePeriodType
from .tools import ToolType
from .visits import (
    ObservationEntryType,
    ReflectionSheetType,
    VisitChangedEvent,
    VisitSlotType,
    VisitSummaryType,
    VisitType,
    as_summary,
    as_visit,
)

__all__ = [
    "BellPeriodType",
    "CalendarFeedType",
    "ObservationEntryType",
    "PhotoType",
    "ReflectionSheetType",
    "StudentLearningQuestionType",
    "TimetablePeriodType",
    "ToolType",
    "VisitChangedEvent",
    "VisitSlotType",
    "VisitSummaryType",
    "VisitType",
    "as_summary",
    "as_visit",
    "photo_prefetch",
]
