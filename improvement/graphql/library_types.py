"""GraphQL types of the improvement library: entries, their photos, questions and answers.

An entry is read by the teachers in its scope while it is live and always by its owner
(`selectors_library`); `node(id:)` and `libraryEntry(id:)` answer null for anyone else.
Everything an entry shows comes from its frozen snapshot (never the live cycle), typed: the
change, predictions, results and decision, each measure with its run chart in the same shape
as a live chart (`RunChart`), and the photos behind signed links. A list of entries costs the
same queries for 2 or 60: owners are joined, questions prefetched, the rest is the snapshot.
"""

from __future__ import annotations

import datetime as dt

import graphene
from graphene_django import DjangoObjectType

from backend.accounts.graphql.types import PersonType
from backend.graphql.types import CountableConnection
from backend.signed_links import url_description

from .. import chart_links, library_links, selectors_library
from .. import snapshot as snapshots
from ..models import LibraryEntry, LibraryQuestion
from .enums import LibraryScopeEnum, MeasureBetter, PdsaActDecision, PdsaStage
from .types import RunChartType, SourcedChart


def _date(value):
    return dt.date.fromisoformat(value) if value else None


class LibraryMeasureType(graphene.ObjectType):
    """A measure of the shared cycle, as frozen when it was published."""

    name = graphene.String(required=True, description="What was counted.")
    unit = graphene.String(required=True, description="Its unit; may be empty.")
    how_collected = graphene.String(
        required=True, description="How and when it was collected; may be empty."
    )
    better = graphene.Field(MeasureBetter, required=True, description="Which way is better.")
    baseline_count = graphene.Int(
        description="The first points whose median is the centre line; null: all points."
    )
    run_chart = graphene.Field(
        RunChartType,
        description="The run chart and what its rules found when published; null with no points.",
    )

    class Meta:
        name = "LibraryMeasure"

    @staticmethod
    def resolve_name(root, info):
        return root["name"]

    @staticmethod
    def resolve_unit(root, info):
        return root.get("unit") or ""

    @staticmethod
    def resolve_how_collected(root, info):
        return root.get("howCollected") or ""

    @staticmethod
    def resolve_better(root, info):
        return root["better"]

    @staticmethod
    def resolve_baseline_count(root, info):
        return root.get("baselineCount")

    @staticmethod
    def resolve_run_chart(root, info):
        found = snapshots.chart_of(root)
        if found is None:
            return None
        return SourcedChart(
            found, chart_links.ChartSource.LIBRARY, root["_entry_id"], part=root["_index"]
        )


class LibraryPhotoType(graphene.ObjectType):
    """A photo of student work the owner chose to share (a copy frozen with the entry)."""

    caption = graphene.String(required=True, description="Its caption; may be empty.")
    width = graphene.Int(required=True, description="Width in pixels.")
    height = graphene.Int(required=True, description="Height in pixels.")
    url = graphene.String(
        required=True,
        description=url_description(
            "The photo (JPEG), for you, for about 15 minutes, while the entry is in the library "
            "and you may see it."
        ),
    )

    class Meta:
        name = "LibraryPhoto"

    @staticmethod
    def resolve_caption(root, info):
        return root["photo"].get("caption") or ""

    @staticmethod
    def resolve_width(root, info):
        return int(root["photo"].get("width") or 0)

    @staticmethod
    def resolve_height(root, info):
        return int(root["photo"].get("height") or 0)

    @staticmethod
    def resolve_url(root, info):
        request = info.context if hasattr(info.context, "build_absolute_uri") else None
        return library_links.photo_url(
            entry_id=root["entry_id"],
            index=root["index"],
            viewer=info.context.user,
            request=request,
        )


class LibraryAnswerType(graphene.ObjectType):
    """The owner's answer to a question."""

    text = graphene.String(required=True, description="The answer.")
    answered_at = graphene.DateTime(required=True, description="When it was (last) answered.")

    class Meta:
        name = "LibraryAnswer"


class LibraryQuestionType(DjangoObjectType):
    """A colleague's question about a library entry, with the owner's answer. Everyone who can
    see the entry reads it, with the asker's name."""

    asker = graphene.Field(PersonType, required=True, description="Who asked.")
    text = graphene.String(required=True, description="The question.")
    asked_at = graphene.DateTime(required=True, description="When it was asked.")
    answer = graphene.Field(LibraryAnswerType, description="The owner's answer; null until then.")

    class Meta:
        model = LibraryQuestion
        name = "LibraryQuestion"
        interfaces = (graphene.relay.Node,)
        fields = ()
        connection_class = CountableConnection

    @classmethod
    def get_queryset(cls, queryset, info):
        entries = selectors_library.entries_visible_to(info.context.user)
        return queryset.filter(entry__in=entries.values("pk")).select_related(
            "asker__school", "answer"
        )

    @staticmethod
    def resolve_asker(root, info):
        return root.asker

    @staticmethod
    def resolve_answer(root, info):
        try:
            return root.answer
        except LibraryQuestion.answer.RelatedObjectDoesNotExist:
            return None


class LibraryEntryType(DjangoObjectType):
    """A tested change a colleague shared: the cycle as it was when published (students never
    named), for the teachers of their school or district. Ask its owner about it with
    `libraryQuestionAsk`."""

    owner = graphene.Field(PersonType, required=True, description="Who shared it.")
    scope = graphene.Field(LibraryScopeEnum, required=True, description="Who it is shared with.")
    live = graphene.Boolean(
        required=True, description="False once unpublished (then only its owner sees it)."
    )
    published_at = graphene.DateTime(required=True, description="When it was shared.")
    unpublished_at = graphene.DateTime(description="When it was unpublished; null while live.")
    area_of_focus = graphene.String(
        required=True, description="The area of focus of the question the change served."
    )
    learning_question = graphene.String(
        required=True, description="The student learning question the change served."
    )
    stage = graphene.Field(
        PdsaStage, required=True, description="The cycle's stage when published (ACT or DONE)."
    )
    cycle_number = graphene.Int(required=True, description="1 for a first cycle, and so on.")
    change_idea = graphene.String(required=True, description="Plan: the change tested.")
    predictions = graphene.String(required=True, description="Plan: what was predicted.")
    do_started_on = graphene.Date(description="Do: the day the change started.")
    do_ended_on = graphene.Date(description="Do: the day the trial ended.")
    do_notes = graphene.String(required=True, description="Do: what happened; may be empty.")
    study_results = graphene.String(
        required=True, description="Study: the results against the predictions."
    )
    act_decision = graphene.Field(
        PdsaActDecision, description="Act: the decision; null when published before deciding."
    )
    act_next = graphene.String(required=True, description="Act: what comes next; may be empty.")
    measures = graphene.List(
        graphene.NonNull(LibraryMeasureType),
        required=True,
        description="The measures that judged the change, with their run charts.",
    )
    photos = graphene.List(
        graphene.NonNull(LibraryPhotoType),
        required=True,
        description="Photos of student work the owner chose to share.",
    )
    questions = graphene.List(
        graphene.NonNull(LibraryQuestionType),
        required=True,
        description="Colleagues' questions with the owner's answers, oldest first.",
    )

    class Meta:
        model = LibraryEntry
        name = "LibraryEntry"
        interfaces = (graphene.relay.Node,)
        fields = ()
        connection_class = CountableConnection

    @classmethod
    def get_queryset(cls, queryset, info):
        entries = selectors_library.entries_visible_to(info.context.user, queryset)
        return selectors_library.with_questions(entries.select_related("owner__school"))

    @staticmethod
    def _pdsa(root) -> dict:
        return (root.snapshot or {}).get("pdsa") or {}

    @staticmethod
    def resolve_owner(root, info):
        return root.owner

    @staticmethod
    def resolve_scope(root, info):
        return getattr(root.scope, "value", root.scope)

    @staticmethod
    def resolve_live(root, info):
        return root.unpublished_at is None

    @staticmethod
    def resolve_area_of_focus(root, info):
        return ((root.snapshot or {}).get("slq") or {}).get("areaOfFocus") or ""

    @staticmethod
    def resolve_learning_question(root, info):
        return ((root.snapshot or {}).get("slq") or {}).get("question") or ""

    @staticmethod
    def resolve_stage(root, info):
        return LibraryEntryType._pdsa(root).get("stage")

    @staticmethod
    def resolve_cycle_number(root, info):
        return LibraryEntryType._pdsa(root).get("cycleNumber") or 1

    @staticmethod
    def resolve_change_idea(root, info):
        return LibraryEntryType._pdsa(root).get("changeIdea") or ""

    @staticmethod
    def resolve_predictions(root, info):
        return LibraryEntryType._pdsa(root).get("predictions") or ""

    @staticmethod
    def resolve_do_started_on(root, info):
        return _date(LibraryEntryType._pdsa(root).get("doStartedOn"))

    @staticmethod
    def resolve_do_ended_on(root, info):
        return _date(LibraryEntryType._pdsa(root).get("doEndedOn"))

    @staticmethod
    def resolve_do_notes(root, info):
        return LibraryEntryType._pdsa(root).get("doNotes") or ""

    @staticmethod
    def resolve_study_results(root, info):
        return LibraryEntryType._pdsa(root).get("studyResults") or ""

    @staticmethod
    def resolve_act_decision(root, info):
        return LibraryEntryType._pdsa(root).get("actDecision") or None

    @staticmethod
    def resolve_act_next(root, info):
        return LibraryEntryType._pdsa(root).get("actNext") or ""

    @staticmethod
    def resolve_measures(root, info):
        # Each with where it sits, so its chart's picture link can name it (chart_links).
        measures = (root.snapshot or {}).get("measures") or []
        return [
            {**measure, "_entry_id": root.pk, "_index": index}
            for index, measure in enumerate(measures)
        ]

    @staticmethod
    def resolve_photos(root, info):
        photos = (root.snapshot or {}).get("photos") or []
        return [
            {"entry_id": root.pk, "index": index, "photo": photo}
            for index, photo in enumerate(photos)
        ]

    @staticmethod
    def resolve_questions(root, info):
        # Prefetched with the entries (`get_queryset`, `improvementLibrary`); else one query.
        if "questions" in getattr(root, "_prefetched_objects_cache", {}):
            return list(root.questions.all())
        return list(selectors_library.questions_of([root.pk]))
