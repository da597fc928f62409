"""GraphQL enums of the surveys app, built from the models' choices so they cannot drift."""

import graphene

from backend.graphql.enums import choices_enum

from ..models import AdministrationKind, AudienceKind, InstrumentKind, ItemFormat
from ..reports import ReportStatus

SurveyInstrumentKind = choices_enum(
    "SurveyInstrumentKind", InstrumentKind, "What an instrument is for."
)
SurveyItemFormat = choices_enum("SurveyItemFormat", ItemFormat, "How a question is answered.")
SurveyAdministrationKind = choices_enum(
    "SurveyAdministrationKind",
    AdministrationKind,
    "Why a survey is given: at the start of the work, six months later, at the end of the "
    "year, for peer or session feedback, or otherwise.",
)
SurveyAudience = choices_enum(
    "SurveyAudience",
    AudienceKind,
    "Who a survey goes to. Never a list composed person by person: a whole group the launcher "
    "leads as it stands at launch (COHORT_PEERS: the group of 13 but its leader; GROUP_OF_FIVE: "
    "the blue dots), for peer feedback peers whose classes the launcher visited "
    "(VISITED_PEERS), for session feedback the peers present at a session (SESSION_ATTENDEES). "
    "The launcher is never asked.",
)
SurveyReportStatus = choices_enum(
    "SurveyReportStatus",
    ReportStatus,
    "Whether a report shows figures, and if not, why not.",
)


class SurveyAdministrationStatus(graphene.Enum):
    """Where a survey is in its life."""

    SCHEDULED = "SCHEDULED"
    OPEN = "OPEN"
    CLOSED = "CLOSED"
    CANCELLED = "CANCELLED"

    @property
    def description(self):
        return {
            "SCHEDULED": "Not open yet.",
            "OPEN": "Accepting responses now.",
            "CLOSED": "Closed: its report can be read (if enough people answered).",
            "CANCELLED": "Withdrawn before anyone answered.",
        }[self.name]
