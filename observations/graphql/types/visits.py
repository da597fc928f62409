"""Visits, their data and reflection sheets.

`Visit` carries a visit's content and resolves only for its host and visitors (its
`get_queryset` applies `visits_visible_to`, so `node(id:)` and every list obey it).
`VisitSummary` is the same visit without content (who, when, status, cycle) for the cohort
leader, coordinators and staff; none of its fields leads to content except `visit`, which is
null unless you take part, and `sharedReflectionSheet`, which is null unless the host shared it
with a cohort you are in.
"""

import copy

import graphene
from django.db.models import Prefetch
from graphene_django import DjangoObjectType
from graphql_relay import to_global_id

from backend.accounts.graphql.types import PersonType
from backend.accounts.selectors import may_see_email
from backend.graphql.schedule import ScheduleType, schedule_field
from backend.graphql.selection import asks_for
from backend.graphql.types import CountableConnection
from backend.local_time import Span
from cohorts.models import Membership

from ... import selectors
from ...models import (
    ObservationEntry,
    ReflectionSheet,
    StudentLearningQuestion,
    Tool,
    Visit,
    VisitParticipant,
    VisitRole,
    VisitSummaryRecord,
)
from ..enums import VisitChange, VisitStatus
from ..enums import VisitRole as VisitRoleEnum
from .photos import photo_prefetch, photos_field, photos_of
from .slqs import StudentLearningQuestionType
from .tool_data import KindData, ObservationEntryData, ToolDataSummary, typed_summary
from .tools import ToolType
from .visibility import viewer_of

_VIEWER_COHORTS = "observations.viewer_cohort_ids"


def _viewer_cohort_ids(info) -> frozenset[int]:
    """The viewer's current cohorts, once per request (shared sheets in lists)."""
    cache = info.context.loaders
    key = _VIEWER_COHORTS
    if key not in cache:
        user = viewer_of(info)
        cache[key] = frozenset(
            Membership.objects.filter(person=user, ended_at__isnull=True).values_list(
                "cohort_id", flat=True
            )
            if user.is_authenticated
            else ()
        )
    return cache[key]


def _participants(visit: Visit, role: str | None = None) -> list:
    rows = visit.participants.all()  # prefetched by selectors.visit_list_queryset
    return [p.person for p in rows if role is None or p.role == role]


def _sheet(visit: Visit):
    try:
        return visit.reflection_sheet
    except ReflectionSheet.DoesNotExist:
        return None


def as_visit(record: Visit) -> Visit:
    """The object as a `Visit` (content) for a participant; never hand a summary record out
    as a Visit or the reverse: GraphQL picks the type from the class."""
    if type(record) is Visit:
        return record
    clone = copy.copy(record)
    clone.__class__ = Visit
    return clone


def as_summary(visit: Visit) -> VisitSummaryRecord:
    if type(visit) is VisitSummaryRecord:
        return visit
    clone = copy.copy(visit)
    clone.__class__ = VisitSummaryRecord
    return clone


def _cohort_global_id(visit: Visit):
    return to_global_id("Cohort", visit.cohort_id) if visit.cohort_id else None


class _VisitTimes:
    """Fields shared by Visit and VisitSummary: who, when, status and cycle; nothing of the
    content."""

    status = graphene.Field(VisitStatus, required=True, description="Where it stands.")
    cycle_number = graphene.Int(
        required=True, description="The host's cycle this visit belongs to (1, 2, ...)."
    )
    when = schedule_field("the visit (at the host's school)")
    host = graphene.Field(PersonType, required=True, description="Whose class.")
    visitors = graphene.List(graphene.NonNull(PersonType), required=True, description="Who visits.")
    cohort_id = graphene.ID(
        description="Global id of the cohort the visit counts for (type Cohort), if any."
    )
    has_reflection_sheet = graphene.Boolean(
        required=True, description="Whether the reflection sheet was written."
    )

    @staticmethod
    def resolve_status(root, info):
        return str(root.status)  # a Django choice member right after a write

    @staticmethod
    def resolve_when(root, info):
        return Span(root.starts_at, root.ends_at, root.school.zone)

    @staticmethod
    def resolve_host(root, info):
        return root.host

    @staticmethod
    def resolve_visitors(root, info):
        return _participants(root, VisitRole.VISITOR)

    @staticmethod
    def resolve_cohort_id(root, info):
        return _cohort_global_id(root)

    @staticmethod
    def resolve_has_reflection_sheet(root, info):
        return _sheet(root) is not None


class ObservationEntryType(graphene.ObjectType):
    """One piece of data collected on the visit's tool."""

    class Meta:
        name = "ObservationEntry"

    client_id = graphene.String(required=True, description="The UUID the phone gave it.")

    @staticmethod
    def resolve_client_id(root, info):
        return str(root.client_id)

    @staticmethod
    def resolve_payload(root, info):
        # The kind is the visit's tool's: set by whoever loaded the entries with their visit.
        kind = getattr(root, "tool_kind", None) or root.visit.tool.kind
        return KindData(kind, root.payload)

    recorded_at = graphene.DateTime(required=True, description="The phone's time of recording.")
    received_at = graphene.DateTime(required=True, description="When the server stored it.")
    payload = graphene.Field(
        ObservationEntryData,
        required=True,
        description="What it recorded, normalised (times in UTC): the type of the tool's kind.",
    )
    submitted_by = graphene.Field(PersonType, required=True, description="The visitor who sent it.")


def with_tool_kind(entries: list, visit: Visit) -> list:
    """Entries that know their visit's tool kind (their payload's type), without a query each."""
    kind = visit.tool.kind if visit.tool_id else None
    for entry in entries:
        entry.tool_kind = kind
    return entries


class ReflectionSheetType(DjangoObjectType):
    """The reflection sheet of a visit: the SLQ and data summary as they were at the
    reflection, considerations, next steps, and whether the host keeps the SLQ. Seen by the
    visit's people, and by the cohort once the host shares it."""

    cycle_number = graphene.Int(required=True, description="The host's cycle.")
    host = graphene.Field(PersonType, required=True, description="The host teacher.")
    facilitator = graphene.Field(
        PersonType, required=True, description="The visitor who facilitated the protocol."
    )
    slq_area_of_focus = graphene.String(required=True, description="The SLQ's area of focus.")
    slq_question = graphene.String(required=True, description="The SLQ as it was then.")
    data_summary = graphene.Field(
        ToolDataSummary,
        description="The tool's summary of the data as it was then; null when the visit had "
        "no tool.",
    )
    considerations = graphene.String(required=True, description="What stands out in the data.")
    next_steps = graphene.String(required=True, description="What the host will try next.")
    keeps_slq = graphene.Boolean(
        required=True, description="The host keeps the SLQ for the next cycle."
    )
    shared_with_cohort = graphene.Boolean(
        required=True, description="The host shared it with the visit's cohort."
    )
    shared_at = graphene.DateTime(description="When it was shared.")
    visit_summary = graphene.Field(
        lambda: VisitSummaryType, required=True, description="Who and when (no content)."
    )
    created_at = graphene.DateTime(required=True, description="When it was first written.")
    updated_at = graphene.DateTime(required=True, description="When it was last revised.")
    photos = photos_field("the sheet (shared with the cohort along with the sheet)")

    class Meta:
        model = ReflectionSheet
        name = "ReflectionSheet"
        interfaces = (graphene.relay.Node,)
        fields = ("id",)
        connection_class = CountableConnection

    @classmethod
    def get_queryset(cls, queryset, info):
        return (
            selectors.reflection_sheets_visible_to(viewer_of(info), queryset)
            .select_related(
                "host__school", "facilitator__school", "visit__school", "visit__host__school"
            )
            .prefetch_related(
                Prefetch(
                    "visit__participants",
                    queryset=VisitParticipant.objects.select_related("person__school"),
                ),
                photo_prefetch(info),
            )
        )

    @staticmethod
    def resolve_data_summary(root, info):
        return typed_summary(root.data_summary)

    @staticmethod
    def resolve_photos(root, info):
        return photos_of(root, info, reflection_sheet=root)

    @staticmethod
    def resolve_visit_summary(root, info):
        return as_summary(root.visit)


class VisitSummaryType(_VisitTimes, DjangoObjectType):
    """That a visit happens or happened, and when: no content. The cohort's leader,
    coordinators of the district and staff see these; the host and visitors too."""

    visit = graphene.Field(
        lambda: VisitType, description="The visit with its content; null unless you take part."
    )
    shared_reflection_sheet = graphene.Field(
        ReflectionSheetType,
        description="The reflection sheet, when the host shared it with a cohort you are in.",
    )

    class Meta:
        model = VisitSummaryRecord
        name = "VisitSummary"
        interfaces = (graphene.relay.Node,)
        fields = ("id",)
        connection_class = CountableConnection
        skip_registry = True

    @classmethod
    def is_type_of(cls, root, info):
        return type(root) is VisitSummaryRecord

    @classmethod
    def get_queryset(cls, queryset, info):
        return selectors.visit_list_queryset(
            selectors.visit_summaries_visible_to(viewer_of(info), queryset)
        ).prefetch_related(photo_prefetch(info, "reflection_sheet__photos"))

    @staticmethod
    def resolve_visit(root, info):
        role = selectors.participant_role(root, viewer_of(info))
        return as_visit(root) if role is not None else None

    @staticmethod
    def resolve_shared_reflection_sheet(root, info):
        sheet = _sheet(root)
        if sheet is None:
            return None
        if selectors.participant_role(root, viewer_of(info)) is not None:
            return sheet
        if sheet.shared_with_cohort and root.cohort_id in _viewer_cohort_ids(info):
            return sheet
        return None


class VisitType(_VisitTimes, DjangoObjectType):
    """A classroom visit with its content: the SLQ, tool, notes, data and reflection sheet.
    Only its host and visitors can read it."""

    my_role = graphene.Field(VisitRoleEnum, required=True, description="Your part in it.")
    proposed_by = graphene.Field(PersonType, required=True, description="Who proposed it.")
    room = graphene.String(required=True, description="The room; may be empty.")
    notes = graphene.String(required=True, description="Notes between host and visitors.")
    slq = graphene.Field(StudentLearningQuestionType, description="The host's question.")
    tool = graphene.Field(ToolType, description="The data-collection tool.")
    status_reason = graphene.String(
        required=True, description="Why it was last declined, cancelled or moved; may be empty."
    )
    status_changed_by = graphene.Field(PersonType, description="Who changed it last.")
    revision = graphene.Int(
        required=True, description="Goes up with every change; compare to know a copy is stale."
    )
    accepted_at = graphene.DateTime(description="When the host accepted.")
    completed_at = graphene.DateTime(description="When it was marked as having happened.")
    closed_at = graphene.DateTime(description="When it was declined or cancelled.")
    entries = graphene.List(
        graphene.NonNull(ObservationEntryType),
        required=True,
        description="The data collected, in recorded order (for one visit's screen; not in lists).",
    )
    entry_count = graphene.Int(required=True, description="How many entries were collected.")
    data_summary = graphene.Field(
        ToolDataSummary, description="The tool's summary of the data; null without a tool."
    )
    reflection_sheet = graphene.Field(ReflectionSheetType, description="The reflection sheet.")
    photos = photos_field("the visit")
    summary = graphene.Field(
        VisitSummaryType, required=True, description="The content-free view of this visit."
    )
    created_at = graphene.DateTime(required=True, description="When it was proposed.")
    updated_at = graphene.DateTime(required=True, description="When it last changed.")

    class Meta:
        model = Visit
        name = "Visit"
        interfaces = (graphene.relay.Node,)
        fields = ("id",)
        connection_class = CountableConnection

    @classmethod
    def is_type_of(cls, root, info):
        # Exactly a Visit: a VisitSummaryRecord (same table) must never pass as one.
        return type(root) is Visit

    @classmethod
    def get_queryset(cls, queryset, info):
        visits = selectors.visit_list_queryset(
            selectors.visits_visible_to(viewer_of(info), queryset)
        )
        # Each of these costs a query (or joins) even when the phone does not read it.
        for field, related in (
            ("proposedBy", "proposed_by"),
            ("statusChangedBy", "status_changed_by"),
        ):
            if asks_for(info, field):
                visits = visits.select_related(f"{related}__school")
        for path, lookup in (
            (("photos",), "photos"),
            (("reflectionSheet", "photos"), "reflection_sheet__photos"),
            (("slq", "photos"), "slq__photos"),
            (("tool", "roomPhoto"), "tool__photos"),
        ):
            if asks_for(info, *path):
                visits = visits.prefetch_related(photo_prefetch(info, lookup))
        if asks_for(info, "dataSummary"):
            visits = selectors.with_entries_in_order(visits)
        return visits

    @staticmethod
    def resolve_photos(root, info):
        return photos_of(root, info, visit=root)

    @staticmethod
    def resolve_my_role(root, info):
        return selectors.participant_role(root, viewer_of(info))

    @staticmethod
    def resolve_entries(root, info):
        prefetched = getattr(root, "entries_in_order", None)
        if prefetched is not None and all(
            "submitted_by" in entry._state.fields_cache for entry in prefetched
        ):
            return with_tool_kind(list(prefetched), root)
        entries = list(
            root.entries.select_related("submitted_by__school").order_by("recorded_at", "id")
        )
        return with_tool_kind(entries, root)

    @staticmethod
    def resolve_entry_count(root, info):
        total = getattr(root, "entry_total", None)  # annotated on lists
        return root.entries.count() if total is None else total

    @staticmethod
    def resolve_data_summary(root, info):
        from ...services.data import visit_data_summary

        return typed_summary(visit_data_summary(root))

    @staticmethod
    def resolve_reflection_sheet(root, info):
        return _sheet(root)

    @staticmethod
    def resolve_summary(root, info):
        return as_summary(root)


class VisitSlotType(graphene.ObjectType):
    """A suggested time for a visit: the host teaches, the visitor is free, nobody is booked."""

    class Meta:
        name = "VisitSlot"

    when = graphene.Field(
        ScheduleType,
        required=True,
        description="When, at the host's school. Its `date`, `startTime` and `minutes` can be "
        "sent unchanged as the `when` of a visit proposal or reschedule.",
    )
    label = graphene.String(required=True, description="The host's class then, if labelled.")
    room = graphene.String(required=True, description="The host's room then, if recorded.")

    @staticmethod
    def resolve_when(root, info):
        return Span(root.starts_at, root.ends_at, root.zone)


class VisitChangedEvent(graphene.ObjectType):
    """Something happened to one of your visits. `visit` is the visit as it is now, loaded for
    you when the event reaches you (what `node(id: visitId)` would answer), so there is nothing
    to refetch; events missed while offline are not replayed."""

    change = graphene.Field(VisitChange, required=True, description="What happened.")
    visit_id = graphene.ID(required=True, description="Global id of the Visit.")
    revision = graphene.Int(required=True, description="The visit's revision after the change.")
    status = graphene.Field(VisitStatus, required=True, description="Its status after the change.")
    actor_id = graphene.ID(description="Global id of the Person who made the change.")
    visit = graphene.Field(
        lambda: VisitType,
        required=True,
        description="The visit as it is now, as you may see it (your `myRole`, what you may read). "
        "An event about a visit you can no longer read is not sent to you.",
    )


PERSON = "school__district"  # what a Person's fields read (school, its district)
# Links that the event loads itself (with what their own fields read) instead of as lists do.
EVENT_OWN_LOOKUPS = frozenset({"slq", "tool", "participants", "entries_in_order"})


def _lookup_name(lookup) -> str:
    return lookup.prefetch_to if isinstance(lookup, Prefetch) else lookup


def load_visit_for_event(info, visit_pk: int) -> Visit | None:
    """The visit of a live event as `info`'s viewer may read it now (None when they may not),
    with everything its fields read loaded: in a subscription they resolve on the event loop,
    where no query may run. Call it in a worker thread. The question and the tool come
    through their own types' querysets (their visible links prefetched as the selection asks),
    people with their school and district."""
    queryset = VisitType.get_queryset(Visit.objects.filter(pk=visit_pk), info)
    kept = [
        lookup
        for lookup in queryset._prefetch_related_lookups
        if _lookup_name(lookup).split("__")[0] not in EVENT_OWN_LOOKUPS
    ]
    slqs = StudentLearningQuestionType.get_queryset(StudentLearningQuestion.objects.all(), info)
    tools = ToolType.get_queryset(Tool.objects.all(), info)
    queryset = (
        queryset.prefetch_related(None)
        .select_related(f"host__{PERSON}", f"proposed_by__{PERSON}", f"status_changed_by__{PERSON}")
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=VisitParticipant.objects.select_related(f"person__{PERSON}").order_by(
                    "role", "id"
                ),
            ),
            Prefetch(
                "slq",
                queryset=slqs.select_related(f"host__{PERSON}", f"crafted_with__{PERSON}"),
            ),
            Prefetch("tool", queryset=tools.select_related(f"owner__{PERSON}")),
            Prefetch(
                "entries",
                queryset=ObservationEntry.objects.select_related(
                    f"submitted_by__{PERSON}"
                ).order_by("recorded_at", "id"),
                to_attr="entries_in_order",
            ),
            *kept,
            f"reflection_sheet__host__{PERSON}",
            f"reflection_sheet__facilitator__{PERSON}",
        )
    )
    visit = queryset.first()
    if visit is None:
        return None
    info.context.loaders.pop(_VIEWER_COHORTS, None)  # a socket's context outlives one event
    _viewer_cohort_ids(info)
    viewer = viewer_of(info)
    for person in [visit.host, visit.proposed_by, visit.status_changed_by, *_participants(visit)]:
        if person is not None:
            may_see_email(viewer, person)
    return visit
