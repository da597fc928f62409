"""Enums of the network map the mobile app gets as native enums."""

import graphene

from backend.graphql.enums import described

try:  # one enum for a person's place in a cohort across the API, if the cohorts app has it
    from cohorts.graphql.enums import CohortRole
except ImportError:  # pragma: no cover - depends on the cohorts app's state

    class CohortRole(graphene.Enum):
        """A person's place in a cohort."""

        LEADER = "LEADER"
        BLUE = "BLUE"
        YELLOW = "YELLOW"

        @property
        def description(self):
            return {
                "LEADER": "The teacher leader: visits the blue dots and runs the meetings.",
                "BLUE": "A blue dot: visited by the leader, visits yellow dots.",
                "YELLOW": "A yellow dot: visited by a blue dot.",
            }[self.name]


class NetworkScopeKind(graphene.Enum):
    """How much of the programme a network map covers."""

    COHORT = "COHORT"
    SCHOOL = "SCHOOL"
    DISTRICT = "DISTRICT"

    description = described(
        {
            "COHORT": "One learning group: a leader, their blue dots and yellow dots.",
            "SCHOOL": "The school's cohorts running at the date shown, side by side.",
            "DISTRICT": "Every cohort of the district running at the date shown.",
        }
    )


class NetworkSurveyState(graphene.Enum):
    """Where a cohort's baseline or six-month survey stood at the date shown."""

    NOT_LAUNCHED = "NOT_LAUNCHED"
    OPEN = "OPEN"
    CLOSED = "CLOSED"

    description = described(
        {
            "NOT_LAUNCHED": "No such survey had opened yet.",
            "OPEN": "The survey was taking answers.",
            "CLOSED": "The survey's window had closed: it is done.",
        }
    )


class StuckReason(graphene.Enum):
    """Why a cohort is on the coordinators' stuck list."""

    NO_RECENT_VISIT = "NO_RECENT_VISIT"
    BLUE_DOTS_NOT_REACHING_YELLOW = "BLUE_DOTS_NOT_REACHING_YELLOW"
    REFLECTIONS_OVERDUE = "REFLECTIONS_OVERDUE"

    description = described(
        {
            "NO_RECENT_VISIT": "No completed visit between its members in the weeks asked about.",
            "BLUE_DOTS_NOT_REACHING_YELLOW": "A blue dot has not visited a yellow dot assigned "
            "to them at least that many weeks ago.",
            "REFLECTIONS_OVERDUE": "Visits completed over a week ago still have no reflection "
            "sheet.",
        }
    )


class MapImageFormat(graphene.Enum):
    """The picture format of a network map."""

    PNG = "PNG"
    SVG = "SVG"

    description = described(
        {
            "PNG": "A PNG image (for reports, e-mail and sharing).",
            "SVG": "An SVG drawing that scales without blurring (for print and the web).",
        }
    )
