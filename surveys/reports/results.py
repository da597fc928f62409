"""What a report holds: its status, the figures shown (or withheld) per construct, item and
comment set, and the change between a baseline and its follow-up. Built by `administration`
and `comparison`, read by the GraphQL types and `csv_export`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models

from .. import statistics
from ..models import Administration, Construct, Item


class ReportStatus(models.TextChoices):
    AVAILABLE = "AVAILABLE", "Figures are shown"
    NOT_CLOSED = "NOT_CLOSED", "Figures appear when the survey closes"
    TOO_FEW_RESPONSES = "TOO_FEW_RESPONSES", "Too few responses to show anything"
    CANCELLED = "CANCELLED", "The survey was cancelled"


@dataclass(frozen=True)
class PointCount:
    value: int
    label: str
    count: int


@dataclass(frozen=True)
class Figures:
    """n, mean, SD (and for items the distribution); all None when suppressed."""

    suppressed: bool
    n: int | None = None
    mean: float | None = None
    sd: float | None = None
    distribution: tuple[PointCount, ...] = ()


@dataclass(frozen=True)
class ItemFigures:
    item: Item
    figures: Figures


@dataclass(frozen=True)
class ConstructFigures:
    construct: Construct
    figures: Figures
    items: list[ItemFigures]


@dataclass(frozen=True)
class CommentSet:
    item: Item
    suppressed: bool
    comments: list[str]


@dataclass
class Report:
    administration: Administration
    status: str
    invited_count: int
    responded_count: int
    response_count: int
    minimum_group_size: int
    minimum_comment_group_size: int
    constructs: list[ConstructFigures] = field(default_factory=list)
    comments: list[CommentSet] = field(default_factory=list)

    @property
    def response_rate(self) -> float | None:
        return self.responded_count / self.invited_count if self.invited_count else None


@dataclass(frozen=True)
class Change:
    """Baseline and follow-up figures of one construct or item, and the change between them."""

    suppressed: bool
    baseline: Figures
    follow_up: Figures
    comparison: statistics.GroupComparison | None = None

    @property
    def size(self) -> float:
        """How big the change is, whichever way: |g|, else |difference|; 0 when suppressed."""
        if self.comparison is None:
            return 0.0
        if self.comparison.hedges_g is not None:
            return abs(self.comparison.hedges_g)
        return abs(self.comparison.mean_difference or 0.0)


@dataclass(frozen=True)
class ItemChange:
    item: Item
    change: Change


@dataclass(frozen=True)
class ConstructChange:
    construct: Construct
    change: Change
    items: list[ItemChange]


@dataclass(frozen=True)
class CommentPair:
    item: Item
    baseline: CommentSet
    follow_up: CommentSet


@dataclass
class Comparison:
    baseline: Report
    follow_up: Report
    status: str
    constructs: list[ConstructChange] = field(default_factory=list)
    items: list[ItemChange] = field(default_factory=list)
    comments: list[CommentPair] = field(default_factory=list)
