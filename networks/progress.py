"""Programme progress of one cohort, and the rules that put a cohort on the stuck list.

Pure functions over the shapes, ties and counts that `networks.sources` reads; no database.

Progress counts (at the time asked about; "visited" means at least one completed visit):

- **blue dots visited by the leader**: blue dots the leader has visited, of the cohort's blue
  target (4 unless the leader changed it);
- **yellow dots visited by their blue dot**: yellow dots visited by the blue dot they are
  assigned to, of the yellow target (8); an unassigned yellow dot cannot count;
- **reflection sheets**: sheets the leader facilitated with a blue dot, one per (blue dot,
  cycle), at most two cycles per blue dot: the programme's "two cycles x four peers", so the
  target is twice the blue target;
- **surveys**: the state of the latest baseline and six-month survey (not launched, open,
  closed); a survey is *done* once its window has closed;
- **meetings**: group-of-5 and group-of-13 meetings started and not cancelled;
- **overdue reflections**: visits booked under the cohort, completed more than
  `REFLECTION_DUE` ago, still without a reflection sheet.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from networks import sources
from networks.graph import CohortShape, PersonId
from networks.sources import CohortRow, SurveyWindow

REFLECTION_DUE = timedelta(days=7)
"""A completed visit whose reflection sheet is still missing this long after is overdue."""
REFLECTION_CYCLES_PER_BLUE = 2
"""Cycles of reflection sheets the programme asks for with each blue dot."""

Tie = tuple[PersonId, PersonId]


class SurveyState(StrEnum):
    NOT_LAUNCHED = "NOT_LAUNCHED"
    OPEN = "OPEN"
    CLOSED = "CLOSED"


@dataclass(frozen=True, slots=True)
class SurveyProgress:
    state: SurveyState
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    invited_count: int | None = None
    responded_count: int | None = None

    @property
    def done(self) -> bool:
        return self.state == SurveyState.CLOSED


@dataclass(frozen=True, slots=True)
class CohortProgress:
    has_leader: bool
    blue_count: int
    blue_target: int
    blue_visited_by_leader: int
    yellow_count: int
    yellow_assigned: int
    yellow_target: int
    yellow_visited_by_blue: int
    reflection_sheets: int
    reflection_sheet_target: int
    baseline_survey: SurveyProgress | None
    six_month_survey: SurveyProgress | None
    blue_group_meetings: int | None
    whole_group_meetings: int | None
    overdue_reflections: int
    last_visit_date: date | None


def cohort_progress(
    cohort: CohortRow,
    shape: CohortShape,
    ties: Collection[Tie],
    *,
    at: datetime,
    leader_cycles: Mapping[Tie, int],
    surveys: Mapping[tuple[int, str], SurveyWindow],
    meetings: Mapping[tuple[int, str], int],
    overdue: Mapping[int, int],
    last_visit_date: date | None,
) -> CohortProgress:
    leader = shape.leader_id
    has_leader = not sources.is_vacant(leader)
    blue_visited = sum(1 for b in shape.blue_ids if has_leader and (leader, b) in ties)
    yellow_visited = sum(
        1 for b, yellows in shape.yellow_of_blue.items() for y in yellows if (b, y) in ties
    )
    sheets = sum(
        min(leader_cycles.get((leader, b), 0), REFLECTION_CYCLES_PER_BLUE) for b in shape.blue_ids
    )
    # Each kind is None when its app is not there (or has no such kind): no count, no window.
    surveys_known = sources.surveys_available()
    meetings_known = sources.meetings_available()
    baseline = sources.BASELINE_SURVEY if surveys_known else None
    six_month = sources.SIX_MONTH_SURVEY if surveys_known else None
    blue_group = sources.BLUE_GROUP_MEETING if meetings_known else None
    whole_group = sources.WHOLE_GROUP_MEETING if meetings_known else None
    return CohortProgress(
        has_leader=has_leader,
        blue_count=len(shape.blue_ids),
        blue_target=cohort.target_blue_count,
        blue_visited_by_leader=blue_visited,
        yellow_count=len(shape.yellow_ids),
        yellow_assigned=len(shape.yellow_ids) - len(shape.unassigned_yellow_ids),
        yellow_target=cohort.target_yellow_count,
        yellow_visited_by_blue=yellow_visited,
        reflection_sheets=sheets if has_leader else 0,
        reflection_sheet_target=REFLECTION_CYCLES_PER_BLUE * cohort.target_blue_count,
        baseline_survey=(
            _survey(surveys.get((cohort.id, baseline)), at) if baseline is not None else None
        ),
        six_month_survey=(
            _survey(surveys.get((cohort.id, six_month)), at) if six_month is not None else None
        ),
        blue_group_meetings=(
            meetings.get((cohort.id, blue_group), 0) if blue_group is not None else None
        ),
        whole_group_meetings=(
            meetings.get((cohort.id, whole_group), 0) if whole_group is not None else None
        ),
        overdue_reflections=overdue.get(cohort.id, 0),
        last_visit_date=last_visit_date,
    )


def _survey(window: SurveyWindow | None, at: datetime) -> SurveyProgress:
    if window is None:
        return SurveyProgress(SurveyState.NOT_LAUNCHED)
    state = SurveyState.CLOSED if window.closes_at <= at else SurveyState.OPEN
    return SurveyProgress(
        state, window.opens_at, window.closes_at, window.invited_count, window.responded_count
    )


# --- the stuck list -----------------------------------------------------------------------------


class StuckReason(StrEnum):
    NO_RECENT_VISIT = "NO_RECENT_VISIT"
    BLUE_DOTS_NOT_REACHING_YELLOW = "BLUE_DOTS_NOT_REACHING_YELLOW"
    REFLECTIONS_OVERDUE = "REFLECTIONS_OVERDUE"


@dataclass(frozen=True, slots=True)
class BlueDotBehind:
    """A blue dot with yellow dots assigned long enough ago that they are still not visited."""

    blue_id: PersonId
    unvisited_yellow_ids: tuple[PersonId, ...]
    assigned_yellow_count: int


@dataclass(frozen=True)
class StuckCohort:
    cohort: CohortRow
    reasons: tuple[StuckReason, ...]
    last_visit_date: date | None
    days_since_last_visit: int | None
    blue_dots_behind: tuple[BlueDotBehind, ...]
    overdue_reflections: int


def stuck_cohort(
    cohort: CohortRow,
    shape: CohortShape,
    ties: Collection[Tie],
    *,
    day: date,
    at: datetime,
    weeks: int,
    assigned_since: Mapping[tuple[int, PersonId], datetime],
    last_visit_date: date | None,
    overdue_reflections: int,
) -> StuckCohort | None:
    """Why the cohort is stuck at `at`, or None when it is not.

    - NO_RECENT_VISIT: no completed visit between its members in the last `weeks` weeks
      (counted in days back from `day`), for a cohort that has existed at least that long;
    - BLUE_DOTS_NOT_REACHING_YELLOW: a blue dot has a yellow dot assigned `weeks` weeks ago or
      earlier that they have not visited;
    - REFLECTIONS_OVERDUE: visits completed over `REFLECTION_DUE` ago still lack a sheet.
    """
    window = timedelta(weeks=weeks)
    reasons = []
    if cohort.created_at <= at - window and (
        last_visit_date is None or last_visit_date <= day - window
    ):
        reasons.append(StuckReason.NO_RECENT_VISIT)
    behind = []
    for blue in shape.blue_ids:
        yellows = shape.yellow_of_blue.get(blue, ())
        waiting = tuple(
            y
            for y in yellows
            if (blue, y) not in ties and assigned_since.get((cohort.id, y), at) <= at - window
        )
        if waiting:
            behind.append(BlueDotBehind(blue, waiting, len(yellows)))
    if behind:
        reasons.append(StuckReason.BLUE_DOTS_NOT_REACHING_YELLOW)
    if overdue_reflections:
        reasons.append(StuckReason.REFLECTIONS_OVERDUE)
    if not reasons:
        return None
    return StuckCohort(
        cohort=cohort,
        reasons=tuple(reasons),
        last_visit_date=last_visit_date,
        days_since_last_visit=(day - last_visit_date).days if last_visit_date else None,
        blue_dots_behind=tuple(behind),
        overdue_reflections=overdue_reflections,
    )
