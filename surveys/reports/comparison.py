"""A baseline compared with its follow-up, built from the two published reports and nothing else."""

from __future__ import annotations

import random
from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from surveys.errors import SurveyError

from .. import statistics
from ..models import Administration
from .administration import administration_report
from .results import (
    Change,
    CommentPair,
    Comparison,
    ConstructChange,
    Figures,
    ItemChange,
    ReportStatus,
)


def _change(baseline: Figures, follow_up: Figures) -> Change:
    """The change between two published figures, from their n, mean and SD only."""
    if baseline.suppressed or follow_up.suppressed:
        return Change(suppressed=True, baseline=baseline, follow_up=follow_up)
    return Change(
        suppressed=False,
        baseline=baseline,
        follow_up=follow_up,
        comparison=statistics.compare_summaries(
            n_baseline=baseline.n,
            mean_baseline=baseline.mean,
            sd_baseline=baseline.sd,
            n_follow_up=follow_up.n,
            mean_follow_up=follow_up.mean,
            sd_follow_up=follow_up.sd,
        ),
    )


def _largest_first(change: Change) -> tuple:
    return (change.suppressed, -change.size)


def administrations_comparison(
    baseline: Administration,
    follow_up: Administration,
    *,
    now: datetime | None = None,
    rng: random.Random | None = None,
) -> Comparison:
    """Per construct and item: both sides' figures, the change, the change in SD units and
    Hedges' g with its 95% CI, largest changes (up or down) first; comments side by side.

    Built from the two published reports and nothing else, so it withholds whatever either
    report withholds and shows nothing they do not (see `publish`). The two groups are
    independent samples: anonymous responses cannot be paired."""
    if baseline.instrument_id != follow_up.instrument_id:
        raise ValidationError(
            "Only administrations of the same instrument can be compared.",
            code=SurveyError.DIFFERENT_INSTRUMENTS,
        )
    now = now or timezone.now()
    rng = rng or random.SystemRandom()
    reports = [
        administration_report(administration, now=now, rng=rng)
        for administration in (baseline, follow_up)
    ]
    statuses = [report.status for report in reports]
    status = next((s for s in statuses if s != ReportStatus.AVAILABLE), ReportStatus.AVAILABLE)
    comparison = Comparison(baseline=reports[0], follow_up=reports[1], status=status)
    if status != ReportStatus.AVAILABLE:
        return comparison
    before, after = reports
    for entry_before, entry_after in zip(before.constructs, after.constructs, strict=True):
        item_changes = [
            ItemChange(item=one.item, change=_change(one.figures, other.figures))
            for one, other in zip(entry_before.items, entry_after.items, strict=True)
        ]
        comparison.items.extend(item_changes)
        comparison.constructs.append(
            ConstructChange(
                construct=entry_before.construct,
                change=_change(entry_before.figures, entry_after.figures),
                items=sorted(item_changes, key=lambda entry: _largest_first(entry.change)),
            )
        )
    comparison.constructs.sort(key=lambda entry: _largest_first(entry.change))
    comparison.items.sort(key=lambda entry: _largest_first(entry.change))
    comparison.comments = [
        CommentPair(item=one.item, baseline=one, follow_up=other)
        for one, other in zip(before.comments, after.comments, strict=True)
    ]
    return comparison
