"""GraphQL types of the aggregated reports (the surveys.reports package builds them)."""

import graphene

from backend.audit.models import Action
from backend.audit.services import audit_record

from .. import reports
from .enums import SurveyReportStatus
from .types import (
    SurveyAdministrationType,
    SurveyConstructType,
    SurveyItemType,
    SurveyReportNoteType,
)


def _attr(name):
    return lambda root, info: getattr(root, name)


class SurveyPointCountType(graphene.ObjectType):
    """How many chose one point of the scale."""

    class Meta:
        name = "SurveyPointCount"

    value = graphene.Int(required=True, description="The point's value.", resolver=_attr("value"))
    label = graphene.String(
        required=True, description="The point's label.", resolver=_attr("label")
    )
    count = graphene.Int(required=True, description="How many chose it.", resolver=_attr("count"))


class SurveyFiguresType(graphene.ObjectType):
    """n, mean and standard deviation (and for an item, the distribution over its scale).
    Everything is null when fewer than the minimum group size answered."""

    class Meta:
        name = "SurveyFigures"

    is_suppressed = graphene.Boolean(
        required=True,
        description="Too few answers to show anything without risking someone's anonymity.",
        resolver=_attr("suppressed"),
    )
    n = graphene.Int(description="How many answers the figures are about.", resolver=_attr("n"))
    mean = graphene.Float(description="The mean.", resolver=_attr("mean"))
    standard_deviation = graphene.Float(
        description="The sample standard deviation (n - 1); null for fewer than two answers.",
        resolver=_attr("sd"),
    )
    distribution = graphene.List(
        graphene.NonNull(SurveyPointCountType),
        required=True,
        description="For items: answers per scale point, every point listed; empty for "
        "constructs and when suppressed.",
        resolver=_attr("distribution"),
    )


class SurveyItemReportType(graphene.ObjectType):
    """The figures of one scaled item (raw answers, as worded, not reversed)."""

    class Meta:
        name = "SurveyItemReport"

    item = graphene.Field(SurveyItemType, required=True, description="The item.")
    figures = graphene.Field(SurveyFiguresType, required=True, description="Its figures.")


class SurveyConstructReportType(graphene.ObjectType):
    """The figures of one construct: each respondent's score is the mean of their answers to its
    items, reverse-scored items reversed; then the figures of each item."""

    class Meta:
        name = "SurveyConstructReport"

    construct = graphene.Field(SurveyConstructType, required=True, description="The construct.")
    figures = graphene.Field(
        SurveyFiguresType, required=True, description="Figures of the construct scores."
    )
    items = graphene.List(
        graphene.NonNull(SurveyItemReportType), required=True, description="Its items, in order."
    )


class SurveyCommentsType(graphene.ObjectType):
    """The answers to one open-text question, in a new random order every time, or nothing
    when fewer than the (stricter) minimum for comments responded."""

    class Meta:
        name = "SurveyComments"

    item = graphene.Field(SurveyItemType, required=True, description="The question.")
    is_suppressed = graphene.Boolean(
        required=True,
        description="Too few respondents to show comments.",
        resolver=_attr("suppressed"),
    )
    comments = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="The comments, shuffled; blanks left out.",
    )


class SurveyReportType(graphene.ObjectType):
    """The aggregated report of one survey for those who run it and the district's
    coordinators.

    Figures appear only after the survey closes and only for groups of at least
    `minimumGroupSize`. There is no breakdown by role or any other subgroup."""

    class Meta:
        name = "SurveyReport"

    administration = graphene.Field(
        SurveyAdministrationType, required=True, description="The survey."
    )
    status = graphene.Field(
        SurveyReportStatus, required=True, description="Whether figures are shown, or why not."
    )
    invited_count = graphene.Int(required=True, description="How many were invited.")
    responded_count = graphene.Int(required=True, description="How many answered.")
    response_rate = graphene.Float(description="Answered / invited, 0 to 1.")
    minimum_group_size = graphene.Int(
        required=True,
        description="Fewest answers behind any figure shown: the one applied to this survey "
        "(peer feedback to VISITED_PEERS has its own, smaller one), raised by one for each "
        "person who runs the survey and answered it.",
    )
    minimum_comment_group_size = graphene.Int(
        required=True,
        description="Fewest respondents before comments are shown (for peer feedback to "
        "VISITED_PEERS the same as `minimumGroupSize`).",
    )
    constructs = graphene.List(
        graphene.NonNull(SurveyConstructReportType),
        required=True,
        description="Per construct and item, in the instrument's order; empty unless AVAILABLE.",
    )
    comments = graphene.List(
        graphene.NonNull(SurveyCommentsType),
        required=True,
        description="Open-text answers per question; empty unless AVAILABLE.",
    )
    notes = graphene.List(
        graphene.NonNull(SurveyReportNoteType),
        required=True,
        description="The team's notes on this survey.",
    )
    csv = graphene.String(
        required=True,
        description="This report as CSV (what the report shows, nothing more), for export.",
    )

    @staticmethod
    def resolve_status(root: reports.Report, info):
        return str(root.status)

    @staticmethod
    def resolve_notes(root: reports.Report, info):
        return list(root.administration.report_notes.select_related("author"))

    @staticmethod
    def resolve_csv(root: reports.Report, info):
        _record_export(info, root.administration, "survey report")
        return reports.report_csv(root)


class SurveyChangeType(graphene.ObjectType):
    """Baseline and follow-up figures, and the change between them (follow-up minus baseline:
    positive is a rise). The groups are independent samples, because anonymous responses
    cannot be paired. Comparison fields are null when either side is suppressed or the
    measure is undefined (e.g. no spread at all)."""

    class Meta:
        name = "SurveyChange"

    is_suppressed = graphene.Boolean(
        required=True,
        description="One side has too few answers: no comparison shown.",
        resolver=_attr("suppressed"),
    )
    baseline = graphene.Field(
        SurveyFiguresType,
        required=True,
        description="Baseline figures.",
        resolver=_attr("baseline"),
    )
    follow_up = graphene.Field(
        SurveyFiguresType,
        required=True,
        description="Follow-up figures.",
        resolver=_attr("follow_up"),
    )
    change = graphene.Float(description="Difference of the means, follow-up minus baseline.")
    pooled_standard_deviation = graphene.Float(description="Pooled SD of the two groups.")
    change_in_sd_units = graphene.Float(
        description="The change divided by the pooled SD (Cohen's d)."
    )
    hedges_g = graphene.Float(description="Hedges' g: d corrected for small samples.")
    hedges_g_ci_low = graphene.Float(description="Lower end of the 95% confidence interval of g.")
    hedges_g_ci_high = graphene.Float(description="Upper end of the 95% confidence interval of g.")

    @staticmethod
    def _measure(root: reports.Change, name: str):
        return getattr(root.comparison, name) if root.comparison is not None else None

    @staticmethod
    def resolve_change(root, info):
        return SurveyChangeType._measure(root, "mean_difference")

    @staticmethod
    def resolve_pooled_standard_deviation(root, info):
        return SurveyChangeType._measure(root, "pooled_sd")

    @staticmethod
    def resolve_change_in_sd_units(root, info):
        return SurveyChangeType._measure(root, "change_in_sd_units")

    @staticmethod
    def resolve_hedges_g(root, info):
        return SurveyChangeType._measure(root, "hedges_g")

    @staticmethod
    def resolve_hedges_g_ci_low(root, info):
        return SurveyChangeType._measure(root, "hedges_g_ci_low")

    @staticmethod
    def resolve_hedges_g_ci_high(root, info):
        return SurveyChangeType._measure(root, "hedges_g_ci_high")


class SurveyItemChangeType(graphene.ObjectType):
    """How one item changed."""

    class Meta:
        name = "SurveyItemChange"

    item = graphene.Field(SurveyItemType, required=True, description="The item.")
    change = graphene.Field(SurveyChangeType, required=True, description="Its change.")


class SurveyConstructChangeType(graphene.ObjectType):
    """How one construct changed, and its items, largest changes first."""

    class Meta:
        name = "SurveyConstructChange"

    construct = graphene.Field(SurveyConstructType, required=True, description="The construct.")
    change = graphene.Field(
        SurveyChangeType, required=True, description="Change of the construct scores."
    )
    items = graphene.List(
        graphene.NonNull(SurveyItemChangeType),
        required=True,
        description="Its items, largest change (up or down) first.",
    )


class SurveyCommentPairType(graphene.ObjectType):
    """One open-text question's comments at baseline and at follow-up, side by side."""

    class Meta:
        name = "SurveyCommentPair"

    item = graphene.Field(SurveyItemType, required=True, description="The question.")
    baseline = graphene.Field(
        SurveyCommentsType, required=True, description="Baseline comments, shuffled."
    )
    follow_up = graphene.Field(
        SurveyCommentsType, required=True, description="Follow-up comments, shuffled."
    )


class SurveyComparisonType(graphene.ObjectType):
    """A baseline compared with a later administration of the same instrument (usually the
    six-month follow-up): per construct and item the change, the change in SD units and
    Hedges' g with a 95% confidence interval, the largest rises and falls first."""

    class Meta:
        name = "SurveyComparison"

    baseline = graphene.Field(
        SurveyAdministrationType,
        required=True,
        description="The earlier survey.",
        resolver=lambda root, info: root.baseline.administration,
    )
    follow_up = graphene.Field(
        SurveyAdministrationType,
        required=True,
        description="The later survey.",
        resolver=lambda root, info: root.follow_up.administration,
    )
    status = graphene.Field(
        SurveyReportStatus,
        required=True,
        description="AVAILABLE when both sides are; otherwise the first reason one is not.",
    )
    baseline_responded_count = graphene.Int(
        required=True,
        description="How many answered the baseline.",
        resolver=lambda root, info: root.baseline.responded_count,
    )
    follow_up_responded_count = graphene.Int(
        required=True,
        description="How many answered the follow-up.",
        resolver=lambda root, info: root.follow_up.responded_count,
    )
    constructs = graphene.List(
        graphene.NonNull(SurveyConstructChangeType),
        required=True,
        description="Constructs, largest change (up or down) first.",
    )
    items = graphene.List(
        graphene.NonNull(SurveyItemChangeType),
        required=True,
        description="All scaled items, largest change (up or down) first.",
    )
    comments = graphene.List(
        graphene.NonNull(SurveyCommentPairType),
        required=True,
        description="Open-text comments, baseline and follow-up side by side.",
    )
    notes = graphene.List(
        graphene.NonNull(SurveyReportNoteType),
        required=True,
        description="The team's notes on the follow-up survey: trends and themes it sees.",
    )
    csv = graphene.String(required=True, description="This comparison as CSV, for export.")

    @staticmethod
    def resolve_status(root: reports.Comparison, info):
        return str(root.status)

    @staticmethod
    def resolve_notes(root: reports.Comparison, info):
        return list(root.follow_up.administration.report_notes.select_related("author"))

    @staticmethod
    def resolve_csv(root: reports.Comparison, info):
        _record_export(info, root.follow_up.administration, "survey comparison")
        return reports.comparison_csv(root)


def _record_export(info, administration, report: str) -> None:
    """Exports are sensitive actions: who took which aggregated report out, and when."""
    audit_record(
        actor=info.context.user,
        action=Action.EXPORT,
        target=administration,
        details={"format": "csv", "report": report},
    )
