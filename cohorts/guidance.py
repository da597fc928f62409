"""The programme's shape as guidance the app shows, never as a wall.

Computed from a cohort's current memberships and links (already loaded: no queries here), so a
list of cohorts can show "2 yellow dots still unassigned" for each without extra cost.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .models import Role


@dataclass(frozen=True)
class GuidanceMessage:
    code: str  # a GuidanceCode value
    message: str
    count: int | None = None


@dataclass(frozen=True)
class CohortGuidance:
    leader_count: int
    blue_count: int
    yellow_count: int
    target_blue_count: int
    target_yellow_count: int
    unassigned_yellow_count: int
    blue_without_yellow_count: int
    messages: tuple[GuidanceMessage, ...] = field(default_factory=tuple)

    @property
    def group_size(self) -> int:
        return self.leader_count + self.blue_count + self.yellow_count

    @property
    def target_group_size(self) -> int:
        return 1 + self.target_blue_count + self.target_yellow_count

    @property
    def is_complete(self) -> bool:
        return not self.messages


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def cohort_guidance(*, target_blue: int, target_yellow: int, memberships, links) -> CohortGuidance:
    """`memberships` and `links` are the cohort's current ones."""
    roles = Counter(m.role for m in memberships)
    blues = [m for m in memberships if m.role == Role.BLUE]
    yellows = [m for m in memberships if m.role == Role.YELLOW]
    assigned = {link.yellow_id for link in links}
    yellows_per_blue = Counter(link.blue_id for link in links)
    unassigned = sum(1 for m in yellows if m.id not in assigned)
    blue_without = sum(1 for m in blues if yellows_per_blue[m.id] == 0)

    messages: list[GuidanceMessage] = []
    if roles[Role.LEADER] == 0:
        messages.append(GuidanceMessage("NO_LEADER", "The cohort has no leader yet."))
    blue_count, yellow_count = roles[Role.BLUE], roles[Role.YELLOW]
    if blue_count < target_blue:
        missing = target_blue - blue_count
        messages.append(
            GuidanceMessage(
                "BLUE_DOTS_MISSING",
                f"{blue_count} of {target_blue} blue dots: "
                f"{_plural(missing, 'more blue dot', 'more blue dots')} to invite.",
                missing,
            )
        )
    elif blue_count > target_blue:
        extra = blue_count - target_blue
        messages.append(
            GuidanceMessage(
                "BLUE_DOTS_ABOVE_TARGET",
                f"{blue_count} blue dots: {extra} more than the {target_blue} the programme "
                "suggests.",
                extra,
            )
        )
    if yellow_count < target_yellow:
        missing = target_yellow - yellow_count
        messages.append(
            GuidanceMessage(
                "YELLOW_DOTS_MISSING",
                f"{yellow_count} of {target_yellow} yellow dots: "
                f"{_plural(missing, 'more yellow dot', 'more yellow dots')} to invite.",
                missing,
            )
        )
    elif yellow_count > target_yellow:
        extra = yellow_count - target_yellow
        messages.append(
            GuidanceMessage(
                "YELLOW_DOTS_ABOVE_TARGET",
                f"{yellow_count} yellow dots: {extra} more than the {target_yellow} the "
                "programme suggests.",
                extra,
            )
        )
    if unassigned:
        messages.append(
            GuidanceMessage(
                "YELLOW_DOTS_UNASSIGNED",
                f"{_plural(unassigned, 'yellow dot', 'yellow dots')} still unassigned.",
                unassigned,
            )
        )
    if blue_without and yellow_count:
        messages.append(
            GuidanceMessage(
                "BLUE_DOTS_WITHOUT_YELLOW",
                f"{_plural(blue_without, 'blue dot has', 'blue dots have')} no yellow dot to "
                "visit yet.",
                blue_without,
            )
        )
    return CohortGuidance(
        leader_count=roles[Role.LEADER],
        blue_count=blue_count,
        yellow_count=yellow_count,
        target_blue_count=target_blue,
        target_yellow_count=target_yellow,
        unassigned_yellow_count=unassigned,
        blue_without_yellow_count=blue_without,
        messages=tuple(messages),
    )


def agenda_overrun_message(*, agenda_minutes: int, duration_minutes: int) -> GuidanceMessage | None:
    over = agenda_minutes - duration_minutes
    if over <= 0:
        return None
    return GuidanceMessage(
        "AGENDA_OVERRUNS_MEETING",
        f"The agenda adds up to {agenda_minutes} minutes: {over} over the "
        f"{duration_minutes}-minute meeting.",
        over,
    )
