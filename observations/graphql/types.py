"""GraphQL types of the reflection cycle.

`Visit` carries a visit's content and resolves only for its host and visitors (its
`get_queryset` applies `visits_visible_to`, so `node(id:)` and every list obey it).
`VisitSummary` is the same visit without content (who, when, status, cycle) for the cohort
leader, coordinators and staff; none of its fields leads to content except `visit`, which is
null unless you take part, and `sharedReflectionSheet`, which is null unless the host shared it
with a cohort you are in.

A `Photo` is content too: it is seen by whoever may read what it is attached to, and its
pictures are behind signed links made for the viewer that expire (`photo_links`). Lists of
visits, questions, sheets and tools prefetch their photos, so a list costs the same number of
queries whatever its length.
"""

import copy

import graphene
from django.db.models import Prefetch
from django.urls import NoReverseMatch, reverse
from graphene_django import DjangoObjectType
from graphql_relay import to_global_id

from backend.accounts.graphql.types import PersonType
from backend.graphql.errors import ApiErrorCode, PublicError
from backend.graphql.selection import asks_for
from backend.graphql.types import CountableConnection
from cohorts.models import Membership

from .. import photo_links, selectors
from ..local_time import local_iso
from ..models import (
    BellPeriod,
    CalendarFeed,
    Photo,
    ReflectionSheet,
    StudentLearningQuestion,
    TimetablePeriod,
    Tool,
    Visit,
    VisitParticipant,
    VisitRole,
    VisitSummaryRecord,
)
from . import json_text
from .enums import (
    TimetablePeriodKind,
    TimetableWeekday,
    ToolKind,
    ToolSharing,
    VisitChange,
    VisitStatus,
)
from .enums import VisitRole as VisitRoleEnum


def _viewer(info):
    return info.context.user


def _viewer_cohort_ids(info) -> frozenset[int]:
    """The viewer's current cohorts, once per request (shared sheets in lists)."""
    cache = info.context.loaders
    key = "observations.viewer_cohort_ids"
    if key not in cache:
        user = _viewer(info)
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


def photo_prefetch(info, lookup: str = "photos") -> Prefetch:
    """Prefetch the photos at `lookup` that the viewer may see, with what PhotoType reads."""
    return Prefetch(lookup, queryset=selectors.photo_list_queryset(_viewer(info)))


def _photos_of(root, info, **owner) -> list:
    """`root`'s photos: prefetched in lists (photo_prefetch), else one query."""
    cache = getattr(root, "_prefetched_objects_cache", {})
    if "photos" in cache:
        return list(cache["photos"])
    return list(selectors.photo_list_queryset(_viewer(info)).filter(**owner))


def _visible_link_prefetches(info, links: dict[str, tuple[str, object]]) -> list[Prefetch]:
    """For each asked-for link field (schema name -> (model lookup, visible queryset)), one
    query for the whole list, kept at `visible_<lookup>` (None when hidden or missing)."""
    return [
        Prefetch(lookup, queryset=visible, to_attr=f"visible_{lookup}")
        for field_name, (lookup, visible) in links.items()
        if asks_for(info, field_name)
    ]


def _visible_link(root, lookup: str, load):
    """The prefetched link, else `load()` (one query, for a single object)."""
    attribute = f"visible_{lookup}"
    return getattr(root, attribute) if hasattr(root, attribute) else load()


def _photos_field(what: str):
    return graphene.List(
        graphene.NonNull(lambda: PhotoType),
        required=True,
        description=f"Photos of student work and artifacts attached to {what}, oldest first.",
    )


class PhotoType(DjangoObjectType):
    """A photo of student work or an artifact, attached to a question, a visit, a reflection
    sheet or (the room photo of) a seating-chart tool. Re-encoded as a JPEG from its pixels
    only: no EXIF, GPS position, XMP or comments survive. Seen by whoever may read what it is
    attached to; a tool's room photo by the tool's owner and the people of visits using it.
    The pictures are at links made for you that expire at `linksExpireAt`: ask for the photo
    again after that (the links stay the same for a few minutes, so images cache)."""

    caption = graphene.String(required=True, description="What it shows; may be empty.")
    width = graphene.Int(
        required=True, description="Width of the picture at `url` in pixels (sides <= 2048)."
    )
    height = graphene.Int(required=True, description="Height of the picture at `url` in pixels.")
    thumbnail_width = graphene.Int(
        required=True, description="Width of the thumbnail in pixels (sides <= 320)."
    )
    thumbnail_height = graphene.Int(required=True, description="Height of the thumbnail.")
    url = graphene.String(
        required=True,
        description="The picture (image/jpeg) at a signed link made for you; it works until "
        "`linksExpireAt` and while you may still see the photo.",
    )
    thumbnail_url = graphene.String(
        required=True, description="The thumbnail (image/jpeg) for lists, at a link like `url`."
    )
    links_expire_at = graphene.DateTime(
        required=True,
        description="When `url` and `thumbnailUrl` stop working (15 to 20 minutes from now).",
    )
    uploaded_by = graphene.Field(PersonType, required=True, description="Who added it.")
    can_delete = graphene.Boolean(
        required=True,
        description="Whether you may delete it: you added it, or it belongs to your class, "
        "question or tool.",
    )
    created_at = graphene.DateTime(required=True, description="When it was added.")

    class Meta:
        model = Photo
        name = "Photo"
        interfaces = (graphene.relay.Node,)
        fields = ("id",)

    @classmethod
    def get_queryset(cls, queryset, info):
        return selectors.photos_visible_to(_viewer(info), queryset).select_related(
            "uploaded_by__school", "visit", "slq", "reflection_sheet", "tool"
        )

    @staticmethod
    def _link(root, info, variant):
        try:
            return photo_links.photo_url(
                photo_id=root.pk,
                variant=variant,
                viewer=_viewer(info),
                request=info.context.request,
            )
        except photo_links.NotRouted as exc:
            raise PublicError(
                "Photos are not available on this server.", code=ApiErrorCode.NOT_AVAILABLE
            ) from exc

    @staticmethod
    def resolve_url(root, info):
        return PhotoType._link(root, info, photo_links.Variant.MAIN)

    @staticmethod
    def resolve_thumbnail_url(root, info):
        return PhotoType._link(root, info, photo_links.Variant.THUMBNAIL)

    @staticmethod
    def resolve_links_expire_at(root, info):
        return photo_links.expires_at()

    @staticmethod
    def resolve_can_delete(root, info):
        from ..services.photos import may_delete

        return may_delete(_viewer(info), root)


class CalendarFeedType(graphene.ObjectType):
    """Your private calendar feed (iCalendar) of your classroom visits and cohort meetings,
    for the phone's own calendar app to subscribe to. It names people, times and rooms, never
    what is observed. Anyone with the URL can read it: keep it to yourself, and rotate it
    (`rotateCalendarFeed`) if it got out."""

    class Meta:
        name = "CalendarFeed"

    url = graphene.String(
        required=True, description="The feed's URL; a calendar app subscribes to it."
    )
    webcal_url = graphene.String(
        required=True,
        description="The same feed with the webcal: scheme, which opens the subscribe dialog "
        "of iOS and macOS calendars.",
    )
    created_at = graphene.DateTime(required=True, description="When the feed was made.")
    rotated_at = graphene.DateTime(description="When its URL was last replaced; null if never.")

    @staticmethod
    def resolve_url(root: CalendarFeed, info):
        from ..services.calendar_feeds import calendar_feed_secret

        try:
            path = reverse(
                "observations:calendar-feed", kwargs={"secret": calendar_feed_secret(root)}
            )
        except NoReverseMatch as exc:  # the root URLconf does not include observations.urls
            raise PublicError(
                "Calendar feeds are not available on this server.", code=ApiErrorCode.NOT_AVAILABLE
            ) from exc
        request = info.context.request
        return request.build_absolute_uri(path) if request is not None else path

    @staticmethod
    def resolve_webcal_url(root: CalendarFeed, info):
        url = CalendarFeedType.resolve_url(root, info)
        for scheme in ("https://", "http://"):
            if url.startswith(scheme):
                return "webcal://" + url[len(scheme) :]
        return url


class StudentLearningQuestionType(DjangoObjectType):
    """A host teacher's question about their students' learning, crafted with a visiting peer.
    Seen by the host, the peer who helped craft it and the visitors of visits that use it."""

    area_of_focus = graphene.String(required=True, description="The area of interest.")
    question = graphene.String(required=True, description="The question itself.")
    host = graphene.Field(PersonType, required=True, description="The teacher who asks it.")
    crafted_with = graphene.Field(PersonType, description="The peer who helped craft it.")
    is_retired = graphene.Boolean(
        required=True,
        description="True once replaced or not kept after a cycle: new visits need a current one.",
    )
    retired_at = graphene.DateTime(description="When it was retired.")
    replaces = graphene.Field(
        lambda: StudentLearningQuestionType, description="The question this one replaced."
    )
    replaced_by = graphene.Field(
        lambda: StudentLearningQuestionType, description="The question that replaced this one."
    )
    created_at = graphene.DateTime(required=True, description="When it was written.")
    updated_at = graphene.DateTime(required=True, description="When it was last edited.")
    photos = _photos_field("the question (e.g. the student work that prompted it)")

    class Meta:
        model = StudentLearningQuestion
        name = "StudentLearningQuestion"
        interfaces = (graphene.relay.Node,)
        fields = ("id",)
        connection_class = CountableConnection

    @classmethod
    def get_queryset(cls, queryset, info):
        return (
            selectors.slqs_visible_to(_viewer(info), queryset)
            .select_related("host__school", "crafted_with__school")
            .prefetch_related(
                *([photo_prefetch(info)] if asks_for(info, "photos") else []),
                *_visible_link_prefetches(info, cls._links(info)),
            )
        )

    @staticmethod
    def _links(info) -> dict:
        visible = selectors.slqs_visible_to(_viewer(info)).select_related(
            "host__school", "crafted_with__school"
        )
        return {"replaces": ("replaces", visible), "replacedBy": ("replaced_by", visible)}

    @staticmethod
    def resolve_photos(root, info):
        return _photos_of(root, info, slq=root)

    @staticmethod
    def resolve_is_retired(root, info):
        return root.is_retired

    @staticmethod
    def resolve_replaces(root, info):
        if root.replaces_id is None:
            return None
        return _visible_link(
            root,
            "replaces",
            lambda: selectors.slqs_visible_to(_viewer(info)).filter(pk=root.replaces_id).first(),
        )

    @staticmethod
    def resolve_replaced_by(root, info):
        return _visible_link(
            root,
            "replaced_by",
            lambda: selectors.slqs_visible_to(_viewer(info)).filter(replaces_id=root.pk).first(),
        )


class ToolType(DjangoObjectType):
    """A data-collection tool: a kind and its definition. Library tools ship with the app;
    teachers copy and adapt them and share them with their school or district."""

    kind = graphene.Field(ToolKind, required=True, description="What the tool records.")
    name = graphene.String(required=True, description="Its name.")
    description = graphene.String(required=True, description="How to use it; may be empty.")
    definition = graphene.String(
        required=True,
        description="The validated definition as a JSON text, shaped by the kind (see ToolKind), "
        "snake_case keys.",
    )
    sharing = graphene.Field(ToolSharing, required=True, description="Who can see and copy it.")
    is_library_tool = graphene.Boolean(
        required=True, description="True for the app's starter tools."
    )
    library_key = graphene.String(description="Stable key of a library tool.")
    example_questions = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="Student Learning Questions the tool helps answer.",
    )
    owner = graphene.Field(PersonType, description="Who made it; null for library tools.")
    is_mine = graphene.Boolean(required=True, description="True if you own it (can change it).")
    copied_from = graphene.Field(
        lambda: ToolType, description="The tool it was copied from, if you can see it."
    )
    slq = graphene.Field(
        StudentLearningQuestionType,
        description="The question it was crafted for, if you can see it.",
    )
    created_at = graphene.DateTime(required=True, description="When it was made.")
    updated_at = graphene.DateTime(required=True, description="When it last changed.")
    room_photo = graphene.Field(
        lambda: PhotoType,
        description="A seating-chart tool's photo of the room; shown to its owner and the "
        "people of visits using it (sharing the tool does not share it), else null.",
    )

    class Meta:
        model = Tool
        name = "Tool"
        interfaces = (graphene.relay.Node,)
        fields = ("id",)
        connection_class = CountableConnection

    @classmethod
    def get_queryset(cls, queryset, info):
        return (
            selectors.tools_visible_to(_viewer(info), queryset)
            .select_related("owner__school")
            .prefetch_related(
                *([photo_prefetch(info)] if asks_for(info, "roomPhoto") else []),
                *_visible_link_prefetches(info, cls._links(info)),
            )
        )

    @staticmethod
    def _links(info) -> dict:
        viewer = _viewer(info)
        return {
            "copiedFrom": (
                "copied_from",
                selectors.tools_visible_to(viewer).select_related("owner__school"),
            ),
            "slq": (
                "slq",
                selectors.slqs_visible_to(viewer).select_related(
                    "host__school", "crafted_with__school"
                ),
            ),
        }

    @staticmethod
    def resolve_room_photo(root, info):
        photos = _photos_of(root, info, tool=root)
        return photos[-1] if photos else None

    @staticmethod
    def resolve_kind(root, info):
        return str(root.kind)

    @staticmethod
    def resolve_definition(root, info):
        return json_text.dump(root.definition)

    @staticmethod
    def resolve_sharing(root, info):
        return str(root.sharing)

    @staticmethod
    def resolve_is_library_tool(root, info):
        return root.is_library

    @staticmethod
    def resolve_example_questions(root, info):
        return list(root.example_questions or [])

    @staticmethod
    def resolve_is_mine(root, info):
        return root.owner_id is not None and root.owner_id == _viewer(info).pk

    @staticmethod
    def resolve_copied_from(root, info):
        if root.copied_from_id is None:
            return None
        return _visible_link(
            root,
            "copied_from",
            lambda: (
                selectors.tools_visible_to(_viewer(info)).filter(pk=root.copied_from_id).first()
            ),
        )

    @staticmethod
    def resolve_slq(root, info):
        if root.slq_id is None:
            return None
        return _visible_link(
            root,
            "slq",
            lambda: selectors.slqs_visible_to(_viewer(info)).filter(pk=root.slq_id).first(),
        )


class BellPeriodType(DjangoObjectType):
    """A named period of a school's bell schedule, in the school's local time."""

    name = graphene.String(required=True, description="e.g. 'Period 3'.")
    start_time = graphene.Time(required=True, description="Local start time.")
    end_time = graphene.Time(required=True, description="Local end time.")

    class Meta:
        model = BellPeriod
        name = "BellPeriod"
        interfaces = (graphene.relay.Node,)
        fields = ("id",)

    @classmethod
    def get_queryset(cls, queryset, info):
        from backend.accounts.selectors import schools_visible_to

        return queryset.filter(school__in=schools_visible_to(_viewer(info)))


class TimetablePeriodType(graphene.ObjectType):
    """A weekly period of your timetable, in your school's local time."""

    class Meta:
        name = "TimetablePeriod"

    weekday = graphene.Field(TimetableWeekday, required=True, description="The day.")
    start_time = graphene.Time(required=True, description="Local start time.")
    end_time = graphene.Time(required=True, description="Local end time.")
    kind = graphene.Field(
        TimetablePeriodKind, required=True, description="Teaching a class, or free."
    )
    label = graphene.String(required=True, description="e.g. 'Grade 4 maths'; may be empty.")
    room = graphene.String(required=True, description="The room; may be empty.")
    bell_period = graphene.Field(BellPeriodType, description="The bell period it follows.")

    @staticmethod
    def resolve_weekday(root: TimetablePeriod, info):
        return int(root.weekday)

    @staticmethod
    def resolve_kind(root: TimetablePeriod, info):
        return str(root.kind)

    @staticmethod
    def resolve_bell_period(root: TimetablePeriod, info):
        return root.bell_period


class _VisitTimes:
    """Fields shared by Visit and VisitSummary: who, when (in UTC and in the school's time),
    status and cycle; nothing of the content."""

    status = graphene.Field(VisitStatus, required=True, description="Where it stands.")
    cycle_number = graphene.Int(
        required=True, description="The host's cycle this visit belongs to (1, 2, ...)."
    )
    starts_at = graphene.DateTime(required=True, description="Start, in UTC.")
    ends_at = graphene.DateTime(required=True, description="End, in UTC.")
    starts_at_local = graphene.String(
        required=True,
        description="Start in the host school's time, ISO-8601 with offset "
        "(2026-03-04T09:15:00-06:00).",
    )
    ends_at_local = graphene.String(
        required=True, description="End in the host school's time, ISO-8601 with offset."
    )
    time_zone = graphene.String(required=True, description="The host school's IANA time zone.")
    minutes = graphene.Int(required=True, description="Length in minutes.")
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
    def resolve_starts_at_local(root, info):
        return local_iso(root.starts_at, root.school.zone)

    @staticmethod
    def resolve_ends_at_local(root, info):
        return local_iso(root.ends_at, root.school.zone)

    @staticmethod
    def resolve_time_zone(root, info):
        return root.school.time_zone

    @staticmethod
    def resolve_minutes(root, info):
        return root.minutes

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
        return json_text.dump(root.payload)

    recorded_at = graphene.DateTime(required=True, description="The phone's time of recording.")
    received_at = graphene.DateTime(required=True, description="When the server stored it.")
    payload = graphene.String(
        required=True,
        description="The entry as a JSON text, normalised (times in UTC), shaped by the tool kind.",
    )
    submitted_by = graphene.Field(PersonType, required=True, description="The visitor who sent it.")


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
    data_summary = graphene.String(
        required=True, description="The tool's summary of the data, as a JSON text."
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
    photos = _photos_field("the sheet (shared with the cohort along with the sheet)")

    class Meta:
        model = ReflectionSheet
        name = "ReflectionSheet"
        interfaces = (graphene.relay.Node,)
        fields = ("id",)
        connection_class = CountableConnection

    @classmethod
    def get_queryset(cls, queryset, info):
        return (
            selectors.reflection_sheets_visible_to(_viewer(info), queryset)
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
        return json_text.dump(root.data_summary)

    @staticmethod
    def resolve_photos(root, info):
        return _photos_of(root, info, reflection_sheet=root)

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
            selectors.visit_summaries_visible_to(_viewer(info), queryset)
        ).prefetch_related(photo_prefetch(info, "reflection_sheet__photos"))

    @staticmethod
    def resolve_visit(root, info):
        role = selectors.participant_role(root, _viewer(info))
        return as_visit(root) if role is not None else None

    @staticmethod
    def resolve_shared_reflection_sheet(root, info):
        sheet = _sheet(root)
        if sheet is None:
            return None
        if selectors.participant_role(root, _viewer(info)) is not None:
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
    data_summary = graphene.String(
        description="The tool's summary of the data as a JSON text; null without a tool."
    )
    reflection_sheet = graphene.Field(ReflectionSheetType, description="The reflection sheet.")
    photos = _photos_field("the visit")
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
        visits = selectors.visit_list_queryset(selectors.visits_visible_to(_viewer(info), queryset))
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
        return _photos_of(root, info, visit=root)

    @staticmethod
    def resolve_my_role(root, info):
        return selectors.participant_role(root, _viewer(info))

    @staticmethod
    def resolve_entries(root, info):
        return list(
            root.entries.select_related("submitted_by__school").order_by("recorded_at", "id")
        )

    @staticmethod
    def resolve_entry_count(root, info):
        total = getattr(root, "entry_total", None)  # annotated on lists
        return root.entries.count() if total is None else total

    @staticmethod
    def resolve_data_summary(root, info):
        from ..services.data import visit_data_summary

        return json_text.dump(visit_data_summary(root))

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

    starts_at = graphene.DateTime(required=True, description="Start, in UTC.")
    ends_at = graphene.DateTime(required=True, description="End, in UTC.")
    starts_at_local = graphene.String(
        required=True, description="Start in the host school's time, ISO-8601 with offset."
    )
    ends_at_local = graphene.String(
        required=True, description="End in the host school's time, ISO-8601 with offset."
    )
    label = graphene.String(required=True, description="The host's class then, if labelled.")
    room = graphene.String(required=True, description="The host's room then, if recorded.")

    @staticmethod
    def resolve_starts_at_local(root, info):
        return local_iso(root.starts_at, root.zone)

    @staticmethod
    def resolve_ends_at_local(root, info):
        return local_iso(root.ends_at, root.zone)


class VisitChangedEvent(graphene.ObjectType):
    """Something happened to one of your visits. A hint with ids: refetch the visit
    (`node(id: visitId)`) for the rest."""

    change = graphene.Field(VisitChange, required=True, description="What happened.")
    visit_id = graphene.ID(required=True, description="Global id of the Visit.")
    revision = graphene.Int(required=True, description="The visit's revision after the change.")
    status = graphene.Field(VisitStatus, required=True, description="Its status after the change.")
    starts_at = graphene.DateTime(required=True, description="Its start after the change (UTC).")
    ends_at = graphene.DateTime(required=True, description="Its end after the change (UTC).")
    actor_id = graphene.ID(description="Global id of the Person who made the change.")
