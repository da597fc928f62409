"""GraphQL enums of the surveys app, built from the models' choices so they cannot drift."""

import graphene

from ..models import AdministrationKind, AudienceKind, InstrumentKind, ItemFormat
from ..reports import ReportStatus


def _enum_from_choices(name: str, choices, doc: str, labels: dict | None = None):
    descriptions = labels or {choice.name: choice.label for choice in choices}

    def description(self):
        return descriptions.get(self.name)

    members = {choice.name: choice.value for choice in choices}
    return type(
        name, (graphene.Enum,), {**members, "__doc__": doc, "description": property(description)}
    )


SurveyInstrumentKind = _enum_from_choices(
    "SurveyInstrumentKind", InstrumentKind, "What an instrument is for."
)
SurveyItemFormat = _enum_from_choices("SurveyItemFormat", ItemFormat, "How a question is answered.")
SurveyAdministrationKind = _enum_from_choices(
    "SurveyAdministrationKind",
    AdministrationKind,
    "Why a survey is given: at the start of the work, six months later, at the end of the "
    "year, for peer or session feedback, or otherwise.",
)
SurveyAudience = _enum_from_choices(
    "SurveyAudience",
    AudienceKind,
    "Who a survey goes to. Never a list composed person by person: a whole group the launcher "
    "leads as it stands at launch (COHORT_PEERS: the group of 13 but its leader; GROUP_OF_FIVE: "
    "the blue dots), for peer feedback peers whose classes the launcher visited "
    "(VISITED_PEERS), for session feedback the peers present at a session (SESSION_ATTENDEES). "
    "The launcher is never asked.",
)
SurveyReportStatus = _enum_from_choices(
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
