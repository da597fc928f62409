"""GraphQL types of PDSA cycles, measures and run charts.

A cycle and its measures are their owner's alone: `node(id:)` and `pdsa(id:)` answer null for
anyone else (leaders, coordinators and staff included). `myPdsas { measures { runChart } }`
costs the same queries for one cycle or many: the first `measures` of a request fetches every
measure of the owner's cycles with their points, notes and cycles in one batch.
"""

from dataclasses import dataclass

import graphene
from graphene_django import DjangoObjectType

from backend.graphql.types import CountableConnection
from backend.signed_links import url_description
from observations.graphql.types.slqs import StudentLearningQuestionType

from .. import chart_links, selectors
from ..models import Measure, Pdsa
from .enums import (
    ChartImageFormat,
    ChartImageSize,
    MeasureBetter,
    PdsaActDecision,
    PdsaStage,
    RunChartSignalKind,
)

MEASURES_CACHE = "improvement.measures"


class RunChartPointType(graphene.ObjectType):
    """One point of the chart, in date order."""

    on = graphene.Date(required=True, description="The day it was taken.")
    value = graphene.Float(required=True, description="The value counted.")
    on_median = graphene.Boolean(
        required=True, description="True when it lies on the median (the rules skip it)."
    )
    astronomical = graphene.Boolean(
        required=True, description="True when you flagged it as clearly unlike the others."
    )

    class Meta:
        name = "RunChartPoint"


class RunChartSignalType(graphene.ObjectType):
    """Something the run-chart rules found, with the points that make it."""

    kind = graphene.Field(RunChartSignalKind, required=True, description="Which rule.")
    message = graphene.String(required=True, description="A sentence saying what was found.")
    point_indexes = graphene.List(
        graphene.NonNull(graphene.Int),
        required=True,
        description="Positions (from 0) in `points` of the points that make the signal.",
    )

    class Meta:
        name = "RunChartSignal"

    @staticmethod
    def resolve_kind(root, info):
        return root.kind.value

    @staticmethod
    def resolve_point_indexes(root, info):
        return list(root.indexes)


class RunChartAnnotationType(graphene.ObjectType):
    """A note drawn on the chart: the start of a linked cycle's Do stage, or one you added."""

    on = graphene.Date(required=True, description="The day it marks.")
    text = graphene.String(required=True, description="The note.")

    class Meta:
        name = "RunChartAnnotation"


@dataclass(frozen=True)
class SourcedChart:
    """What a `RunChart` resolves from: the analysis and notes, and where its picture link
    points (a chart link source and its id, see `improvement.chart_links`)."""

    found: selectors.MeasureChart
    source: chart_links.ChartSource
    source_id: int
    part: int = 0
    """Which chart of the source (a library entry's measure by its position); 0 otherwise."""

    @property
    def chart(self):
        return self.found.chart

    @property
    def annotations(self):
        return self.found.annotations


class RunChartType(graphene.ObjectType):
    """A measure's run chart: its median and what the run-chart rules (shift, trend, runs,
    flagged points) find, with the notes to draw."""

    median = graphene.Float(
        required=True, description="The centre line: the median of the baseline, or of all points."
    )
    reliable = graphene.Boolean(
        required=True,
        description="False below 10 points off the median: the rules may mislead (see reason).",
    )
    reason = graphene.String(description="Why the chart is not reliable yet; null when it is.")
    points = graphene.List(
        graphene.NonNull(RunChartPointType), required=True, description="The points by date."
    )
    signals = graphene.List(
        graphene.NonNull(RunChartSignalType),
        required=True,
        description="What the rules found; empty when nothing departs from chance.",
    )
    annotations = graphene.List(
        graphene.NonNull(RunChartAnnotationType),
        required=True,
        description="Notes to draw, by date: each linked cycle's start of Do, and yours.",
    )

    image_url = graphene.String(
        required=True,
        format=graphene.Argument(
            ChartImageFormat,
            default_value=chart_links.ChartImageFormat.PNG.value,
            description="PNG (the default) or SVG.",
        ),
        size=graphene.Argument(
            ChartImageSize,
            default_value=chart_links.ChartImageSize.PHONE.value,
            description="PHONE (the default, 720 x 480) or PRINT (1600 x 1000).",
        ),
        description=url_description(
            "A picture of this chart (image/png or image/svg+xml) at a download link made for "
            "you and valid for 15 minutes while you may still see the chart: the points and "
            "their line, the median, the points of each signal marked, and the notes.",
            rate_limited=True,
        ),
    )

    class Meta:
        name = "RunChart"

    @staticmethod
    def resolve_median(root, info):
        return root.chart.median

    @staticmethod
    def resolve_reliable(root, info):
        return root.chart.reliable

    @staticmethod
    def resolve_reason(root, info):
        return root.chart.reason

    @staticmethod
    def resolve_points(root, info):
        chart = root.chart
        return [
            {
                "on": point.date,
                "value": point.value,
                "on_median": point.value == chart.median,
                "astronomical": index in chart.astronomical,
            }
            for index, point in enumerate(chart.points)
        ]

    @staticmethod
    def resolve_signals(root, info):
        return list(root.chart.signals)

    @staticmethod
    def resolve_annotations(root, info):
        return list(root.annotations)

    @staticmethod
    def resolve_image_url(root, info, format=None, size=None):
        # An explicit null takes the default; no query: the token names the chart and you.
        return chart_links.chart_image_url(
            source=root.source,
            source_id=root.source_id,
            part=root.part,
            viewer_id=info.context.user.pk,
            format=chart_links.ChartImageFormat(_enum_value(format, "PNG")),
            size=chart_links.ChartImageSize(_enum_value(size, "PHONE")),
            request=info.context.request,
        )


def _enum_value(member, default: str) -> str:
    """A GraphQL enum argument's value (graphene hands over the member); null: the default."""
    return default if member is None else getattr(member, "value", member)


class MeasureType(DjangoObjectType):
    """Something you count about your class to judge a change (never about one student)."""

    name = graphene.String(required=True, description="What is counted.")
    unit = graphene.String(required=True, description="Its unit, e.g. 'students'; may be empty.")
    how_collected = graphene.String(
        required=True, description="How and when you collect it; may be empty."
    )
    better = graphene.Field(MeasureBetter, required=True, description="Which way is better.")
    baseline_count = graphene.Int(
        description="The first points (before the change) whose median is the centre line; "
        "null: the median of all points."
    )
    point_count = graphene.Int(required=True, description="How many points are recorded.")
    run_chart = graphene.Field(
        RunChartType, description="The run chart and what its rules find; null with no points."
    )
    created_at = graphene.DateTime(required=True, description="When you made it.")

    class Meta:
        model = Measure
        name = "Measure"
        interfaces = (graphene.relay.Node,)
        fields = ()
        connection_class = CountableConnection

    @classmethod
    def get_queryset(cls, queryset, info):
        return selectors.measures_visible_to(info.context.user, queryset)

    @staticmethod
    def resolve_better(root, info):
        # A freshly created row holds the choice member, a read one its string.
        return getattr(root.better, "value", root.better)

    @staticmethod
    def resolve_point_count(root, info):
        return len(root.points.all())

    @staticmethod
    def resolve_run_chart(root, info):
        found = selectors.run_chart(root)
        if found is None:
            return None
        return SourcedChart(found, chart_links.ChartSource.MEASURE, root.pk)


def measures_for(info, pdsa: Pdsa) -> list[Measure]:
    """The cycle's measures. The first read in a request fetches them for every cycle of the
    same owner in one batch (a teacher has a handful), so lists cost what one cycle does."""
    cache = info.context.loaders.setdefault(MEASURES_CACHE, {})
    if pdsa.owner_id not in cache:
        cache[pdsa.owner_id] = selectors.measures_of_pdsas(pdsa.owner_id)
    return cache[pdsa.owner_id].get(pdsa.pk, [])


class PdsaType(DjangoObjectType):
    """A Plan-Do-Study-Act cycle testing one change. Only its owner reads it; every edit is
    kept as a revision."""

    slq = graphene.Field(
        StudentLearningQuestionType,
        required=True,
        description="Your student learning question the change serves.",
    )
    stage = graphene.Field(PdsaStage, required=True, description="Where the cycle stands.")
    cycle_number = graphene.Int(
        required=True, description="1 for a first cycle; one more for each adapted next cycle."
    )
    change_idea = graphene.String(required=True, description="Plan: the change you test.")
    predictions = graphene.String(required=True, description="Plan: what you predict.")
    do_started_on = graphene.Date(description="Do: the day the change started.")
    do_ended_on = graphene.Date(description="Do: the day the trial ended.")
    do_notes = graphene.String(required=True, description="Do: what happened; may be empty.")
    study_results = graphene.String(
        required=True, description="Study: the results against the predictions; may be empty."
    )
    act_decision = graphene.Field(PdsaActDecision, description="Act: the decision; null till made.")
    act_next = graphene.String(required=True, description="Act: what comes next; may be empty.")
    revision = graphene.Int(required=True, description="The number of its latest kept revision.")
    follows = graphene.Field(
        lambda: PdsaType, description="The cycle this one adapts; null for a first cycle."
    )
    measures = graphene.List(
        graphene.NonNull(MeasureType),
        required=True,
        description="The measures that judge the change, in the order you linked them.",
    )
    created_at = graphene.DateTime(required=True, description="When you planned it.")
    updated_at = graphene.DateTime(required=True, description="When it last changed.")
    library_entry = graphene.Field(
        "improvement.graphql.library_types.LibraryEntryType",
        description="Its live entry in the improvement library; null when not shared.",
    )

    class Meta:
        model = Pdsa
        name = "Pdsa"
        interfaces = (graphene.relay.Node,)
        fields = ()
        connection_class = CountableConnection

    @classmethod
    def get_queryset(cls, queryset, info):
        return selectors.pdsas_visible_to(info.context.user, queryset).select_related(
            "slq", "follows"
        )

    @staticmethod
    def resolve_slq(root, info):
        return root.slq

    @staticmethod
    def resolve_stage(root, info):
        # A freshly saved row holds the choice member, a read one its string.
        return getattr(root.stage, "value", root.stage)

    @staticmethod
    def resolve_act_decision(root, info):
        return getattr(root.act_decision, "value", root.act_decision) or None

    @staticmethod
    def resolve_follows(root, info):
        return root.follows

    @staticmethod
    def resolve_measures(root, info):
        return measures_for(info, root)

    @staticmethod
    def resolve_library_entry(root, info):
        return live_entry_for(info, root)


LIBRARY_CACHE = "improvement.library_entries"


def live_entry_for(info, pdsa: Pdsa):
    """The cycle's live library entry. The first read in a request fetches them for every
    cycle of the same owner in one query, so a list of cycles costs what one does."""
    from .. import selectors_library

    cache = info.context.loaders.setdefault(LIBRARY_CACHE, {})
    if pdsa.owner_id not in cache:
        cache[pdsa.owner_id] = selectors_library.live_entries_of_owner(pdsa.owner_id)
    return cache[pdsa.owner_id].get(pdsa.pk)
