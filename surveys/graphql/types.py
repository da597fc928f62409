"""GraphQL types for instruments, administrations and notes. Reports: `report_types.py`.

There is deliberately no type for a response or an answer: the API has no way to list, fetch or
count anything on the response side except through the aggregated reports.
"""

import graphene
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from graphene_django import DjangoObjectType
from graphql_relay import to_global_id

from backend.accounts.graphql.types import PersonType
from backend.graphql.types import CountableConnection

from .. import selectors
from ..models import (
    AccessCode,
    Administration,
    AudienceKind,
    Construct,
    Instrument,
    Invitee,
    Item,
    ItemFormat,
    ReportNote,
    ResponseScale,
    ScalePoint,
)
from ..services.responses import response_counts
from .enums import (
    SurveyAdministrationKind,
    SurveyAdministrationStatus,
    SurveyAudience,
    SurveyInstrumentKind,
    SurveyItemFormat,
)

SCALE_POINTS_CACHE = "surveys.scale_points"


def _not_a_node(cls, info, id):
    """`node(id:)` answers null for this type, existing or not, for every caller: it is not a
    node of its own (it is reached through its instrument or item), and answering an existing
    id differently from a missing one would tell anyone, signed in or not, which ids exist."""
    return None


class SurveyScalePointType(DjangoObjectType):
    """One labelled point of a response scale."""

    value = graphene.Int(required=True, description="What is stored when this point is chosen.")
    label = graphene.String(required=True, description="What the phone shows, e.g. 'Agree'.")

    class Meta:
        model = ScalePoint
        name = "SurveyScalePoint"
        fields = ("value", "label")

    get_node = classmethod(_not_a_node)


class SurveyScaleType(DjangoObjectType):
    """An ordered set of labelled points, lowest first (agreement, frequency, confidence)."""

    key = graphene.String(required=True, description="Stable key, e.g. agreement_5.")
    title = graphene.String(required=True, description="The scale's name.")
    points = graphene.List(
        graphene.NonNull(SurveyScalePointType),
        required=True,
        description="The points, lowest value first.",
    )

    class Meta:
        model = ResponseScale
        name = "SurveyScale"
        fields = ("key", "title")

    get_node = classmethod(_not_a_node)

    @staticmethod
    def resolve_points(root, info):
        # There are a handful of scales: load every point once per request, not once per item.
        cache = info.context.loaders.get(SCALE_POINTS_CACHE)
        if cache is None:
            cache = {}
            for point in ScalePoint.objects.order_by("scale_id", "value"):
                cache.setdefault(point.scale_id, []).append(point)
            info.context.loaders[SCALE_POINTS_CACHE] = cache
        return cache.get(root.pk, [])


ITEMS = Item.objects.select_related("scale").order_by("position")


class SurveyItemType(DjangoObjectType):
    """A question: a statement answered on a scale, or a question answered in words."""

    key = graphene.String(
        required=True,
        description="Stable key within the instrument; reports of two administrations match "
        "items by it.",
    )
    prompt = graphene.String(required=True, description="The question as the phone shows it.")
    format = graphene.Field(SurveyItemFormat, required=True, description="How it is answered.")
    scale = graphene.Field(SurveyScaleType, description="The scale, for scaled items.")
    reverse_scored = graphene.Boolean(
        required=True,
        description="Worded so that agreeing means less of the construct; reports reverse it "
        "before computing construct scores.",
    )
    position = graphene.Int(required=True, description="Order in the instrument, from 1.")

    class Meta:
        model = Item
        name = "SurveyItem"
        interfaces = (graphene.relay.Node,)
        fields = ("key", "prompt", "scale", "reverse_scored", "position")

    @classmethod
    def get_queryset(cls, queryset, info):
        visible = selectors.instruments_visible_to(info.context.user)
        return queryset.filter(instrument__in=visible).select_related("scale")

    @staticmethod
    def resolve_format(root, info):
        return str(root.format)


class SurveyConstructType(DjangoObjectType):
    """A group of scaled items that together measure one idea."""

    key = graphene.String(required=True, description="Stable key within the instrument.")
    title = graphene.String(required=True, description="The construct's name.")
    description = graphene.String(required=True, description="What it measures.")
    items = graphene.List(
        graphene.NonNull(SurveyItemType), required=True, description="Its items, in order."
    )

    class Meta:
        model = Construct
        name = "SurveyConstruct"
        fields = ("key", "title", "description")

    get_node = classmethod(_not_a_node)

    @staticmethod
    def resolve_items(root, info):
        return root.items.all()


class SurveyInstrumentType(DjangoObjectType):
    """A survey's questions: constructs of scaled items, then open-text questions."""

    key = graphene.String(description="Stable key of a shipped instrument; null for your own.")
    title = graphene.String(required=True, description="The instrument's name.")
    description = graphene.String(required=True, description="What it is for, for respondents.")
    kind = graphene.Field(SurveyInstrumentKind, required=True, description="What it is for.")
    version = graphene.Int(required=True, description="Wording version of a shipped instrument.")
    is_shipped = graphene.Boolean(
        required=True, description="True for the research-informed instruments the app ships."
    )
    constructs = graphene.List(
        graphene.NonNull(SurveyConstructType),
        required=True,
        description="Constructs in display order.",
    )
    open_text_items = graphene.List(
        graphene.NonNull(SurveyItemType),
        required=True,
        description="Questions answered in words, shown after the constructs.",
    )
    items = graphene.List(
        graphene.NonNull(SurveyItemType),
        required=True,
        description="Every question in display order (the constructs' items, then open text).",
    )

    class Meta:
        model = Instrument
        name = "SurveyInstrument"
        interfaces = (graphene.relay.Node,)
        fields = ("key", "title", "description", "version")
        connection_class = CountableConnection

    @classmethod
    def get_queryset(cls, queryset, info):
        return with_questions(selectors.instruments_visible_to(info.context.user, queryset))

    @staticmethod
    def resolve_kind(root, info):
        return str(root.kind)

    @staticmethod
    def resolve_is_shipped(root, info):
        return root.is_shipped

    @staticmethod
    def resolve_constructs(root, info):
        return root.constructs.all()

    @staticmethod
    def resolve_items(root, info):
        return root.items.all()

    @staticmethod
    def resolve_open_text_items(root, info):
        return [item for item in root.items.all() if item.format == ItemFormat.OPEN_TEXT]


def with_questions(queryset, prefix: str = ""):
    """Prefetch an instrument's constructs and items (a fixed number of queries per list)."""
    return queryset.prefetch_related(
        Prefetch(
            f"{prefix}constructs",
            queryset=Construct.objects.prefetch_related(Prefetch("items", queryset=ITEMS)),
        ),
        Prefetch(f"{prefix}items", queryset=ITEMS),
    )


class SurveyReportNoteType(DjangoObjectType):
    """A note the team wrote on a report: trends and themes it sees."""

    text = graphene.String(required=True, description="The note.")
    author = graphene.Field(PersonType, required=True, description="Who wrote it.")
    created_at = graphene.DateTime(required=True, description="When it was written.")
    updated_at = graphene.DateTime(required=True, description="When it was last changed.")

    class Meta:
        model = ReportNote
        name = "SurveyReportNote"
        interfaces = (graphene.relay.Node,)
        fields = ("text", "author", "created_at", "updated_at")

    @classmethod
    def get_queryset(cls, queryset, info):
        reported = selectors.administrations_reported_to(info.context.user)
        return queryset.filter(administration__in=reported).select_related("author")


def _count(**filters):
    rows = (
        Invitee.objects.filter(administration=OuterRef("pk"), **filters)
        .order_by()
        .values("administration")
        .annotate(total=Count("id"))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def _codes_spent():
    rows = (
        AccessCode.objects.filter(administration=OuterRef("pk"), used=True)
        .order_by()
        .values("administration")
        .annotate(total=Count("id"))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def _participation(**filters):
    """Invitees (with `filters`), or for a class survey (no invitees) its size and its codes
    spent: the same counts `services.responses.response_counts` gives for one survey."""
    class_survey = Q(audience=AudienceKind.CLASS_CODES)
    if filters:
        return Case(When(class_survey, then=_codes_spent()), default=_count(**filters))
    return Case(When(class_survey, then=F("class_size")), default=_count())


def annotate_for_viewer(queryset, user, *, related: bool = True):
    """Counts and what the viewer may do, as columns, and the related surveys the viewer may
    see, prefetched: a fixed number of queries however many administrations are listed."""
    if user.is_staff:
        manages = reads = Value(True)
    else:
        manages = ExpressionWrapper(selectors.managed_condition(user), BooleanField())
        reads = ExpressionWrapper(selectors.reported_condition(user), BooleanField())
    mine = Invitee.objects.filter(administration=OuterRef("pk"), person=user)
    if related:
        visible = selectors.administrations_visible_to(user)
        related_lookups = [
            Prefetch("follows", queryset=annotate_for_viewer(visible, user, related=False)),
            Prefetch(
                "follow_ups",
                queryset=annotate_for_viewer(visible, user, related=False).order_by("opens_at"),
                to_attr="visible_follow_ups",
            ),
        ]
    else:
        related_lookups = []
    return (
        queryset.select_related("instrument", "cohort", "school")
        .annotate(
            invited_total=_participation(),
            responded_total=_participation(has_responded=True),
            viewer_invited=Exists(mine),
            viewer_responded=Exists(mine.filter(has_responded=True)),
            viewer_manages=manages,
            viewer_reads_report=reads,
        )
        .prefetch_related(
            Prefetch(
                "invitees",
                queryset=Invitee.objects.filter(has_responded=False)
                .select_related("person")
                .order_by("person__full_name", "person_id"),
                to_attr="pending_invitees",
            ),
            Prefetch(
                "report_notes",
                queryset=ReportNote.objects.select_related("author"),
                to_attr="notes",
            ),
            *related_lookups,
        )
    )


def _viewer_flag(root, info, name: str, check) -> bool:
    value = getattr(root, name, None)
    return bool(check(info.context.user, root)) if value is None else bool(value)


def _manages(root, info) -> bool:
    return _viewer_flag(root, info, "viewer_manages", selectors.can_manage)


def _reads_report(root, info) -> bool:
    return _viewer_flag(root, info, "viewer_reads_report", selectors.can_read_report)


class SurveyAdministrationType(DjangoObjectType):
    """An instrument sent to a group of people for a window of time.

    Invitees see their own status; the leader who runs it also sees the response count and who
    has not answered (to remind them); coordinators see the response rate. Nobody can see what
    anyone answered: figures are in the aggregated report once it closes."""

    title = graphene.String(required=True, description="What the phone shows.")
    kind = graphene.Field(SurveyAdministrationKind, required=True, description="Why it is given.")
    audience = graphene.Field(
        SurveyAudience,
        description="Who it went to: a whole group, visited peers or a session's attendees; "
        "null for a survey launched to a list of people before audiences were typed.",
    )
    instrument = graphene.Field(SurveyInstrumentType, required=True, description="The questions.")
    opens_at = graphene.DateTime(required=True, description="When answering opens.")
    closes_at = graphene.DateTime(required=True, description="When answering closes.")
    status = graphene.Field(
        SurveyAdministrationStatus, required=True, description="Where it is in its life."
    )
    follows = graphene.Field(
        lambda: SurveyAdministrationType,
        description="For a six-month follow-up: the baseline it follows.",
    )
    follow_ups = graphene.List(
        graphene.NonNull(lambda: SurveyAdministrationType),
        required=True,
        description="For a baseline: its follow-up(s), e.g. the six-month survey.",
    )
    cohort_id = graphene.ID(description="Global id of the cohort it was sent to, if any.")
    cohort_name = graphene.String(description="Name of the cohort it was sent to, if any.")
    invited_count = graphene.Int(
        description="How many people were invited; null unless you run or oversee it."
    )
    responded_count = graphene.Int(
        description="How many have answered; null unless you run or oversee it."
    )
    response_rate = graphene.Float(
        description="Answered / invited, 0 to 1; null unless you run or oversee it."
    )
    viewer_is_invited = graphene.Boolean(required=True, description="You were invited.")
    viewer_has_responded = graphene.Boolean(
        required=True, description="You have answered (on your account, never what you said)."
    )
    viewer_can_manage = graphene.Boolean(
        required=True, description="You run it: you may edit, cancel, remind and take notes."
    )
    non_responders = graphene.List(
        graphene.NonNull(PersonType),
        description="Invitees who have not answered yet, to remind them; null unless you run "
        "it. Never says anything about what anyone answered.",
    )
    notes = graphene.List(
        graphene.NonNull(SurveyReportNoteType),
        description="The team's notes on trends and themes; null unless you may read reports.",
    )

    class Meta:
        model = Administration
        name = "SurveyAdministration"
        interfaces = (graphene.relay.Node,)
        fields = ("title", "instrument", "opens_at", "closes_at", "follows")
        connection_class = CountableConnection

    @classmethod
    def get_queryset(cls, queryset, info):
        user = info.context.user
        if not user.is_authenticated:
            return queryset.none()
        return annotate_for_viewer(selectors.administrations_visible_to(user, queryset), user)

    @staticmethod
    def resolve_kind(root, info):
        return str(root.kind)

    @staticmethod
    def resolve_audience(root, info):
        return str(root.audience) if root.audience else None

    @staticmethod
    def resolve_status(root, info):
        now = timezone.now()
        if root.cancelled_at is not None:
            return SurveyAdministrationStatus.CANCELLED
        if now < root.opens_at:
            return SurveyAdministrationStatus.SCHEDULED
        if now < root.closes_at:
            return SurveyAdministrationStatus.OPEN
        return SurveyAdministrationStatus.CLOSED

    @staticmethod
    def resolve_follows(root, info):
        if root.follows_id is None:
            return None
        if Administration.follows.is_cached(root):
            # Prefetched through the visibility filter: None when the viewer may not see it.
            return root.follows
        return SurveyAdministrationType.get_queryset(
            Administration.objects.filter(pk=root.follows_id), info
        ).first()

    @staticmethod
    def resolve_follow_ups(root, info):
        prefetched = getattr(root, "visible_follow_ups", None)
        if prefetched is not None:
            return prefetched
        return SurveyAdministrationType.get_queryset(
            Administration.objects.filter(follows_id=root.pk), info
        ).order_by("opens_at")

    @staticmethod
    def resolve_cohort_id(root, info):
        return to_global_id("Cohort", root.cohort_id) if root.cohort_id else None

    @staticmethod
    def resolve_cohort_name(root, info):
        return root.cohort.name if root.cohort_id else None

    @staticmethod
    def _counts(root):
        if getattr(root, "invited_total", None) is None:
            counts = response_counts(root)
            root.invited_total = counts["invited_count"]
            root.responded_total = counts["responded_count"]
        return root.invited_total, root.responded_total

    @staticmethod
    def resolve_invited_count(root, info):
        if not _reads_report(root, info):
            return None
        return SurveyAdministrationType._counts(root)[0]

    @staticmethod
    def resolve_responded_count(root, info):
        if not _reads_report(root, info):
            return None
        return SurveyAdministrationType._counts(root)[1]

    @staticmethod
    def resolve_response_rate(root, info):
        if not _reads_report(root, info):
            return None
        invited, responded = SurveyAdministrationType._counts(root)
        return responded / invited if invited else None

    @staticmethod
    def resolve_viewer_is_invited(root, info):
        value = getattr(root, "viewer_invited", None)
        if value is None:
            value = root.invitees.filter(person=info.context.user).exists()
        return value

    @staticmethod
    def resolve_viewer_has_responded(root, info):
        value = getattr(root, "viewer_responded", None)
        if value is None:
            value = root.invitees.filter(person=info.context.user, has_responded=True).exists()
        return value

    @staticmethod
    def resolve_viewer_can_manage(root, info):
        return _manages(root, info)

    @staticmethod
    def resolve_non_responders(root, info):
        if not _manages(root, info):
            return None
        pending = getattr(root, "pending_invitees", None)
        if pending is None:
            pending = root.invitees.filter(has_responded=False).select_related("person")
        return [invitee.person for invitee in pending]

    @staticmethod
    def resolve_notes(root, info):
        if not _reads_report(root, info):
            return None
        notes = getattr(root, "notes", None)
        if notes is None:
            notes = list(root.report_notes.select_related("author"))
        return notes


class SurveyReceiptType(graphene.ObjectType):
    """Proof, for you only, that your response was counted. Keep the code on the phone: with
    `surveyReceiptCounted` you can check it any time. The server stores only a hash of it, so
    nobody can use it to find your answers, and it shows nothing of what you answered."""

    class Meta:
        name = "SurveyReceipt"

    code = graphene.String(required=True, description="The receipt code; shown only this once.")
    administration = graphene.Field(
        SurveyAdministrationType, required=True, description="The survey you answered."
    )


class SurveyResponseCountType(graphene.ObjectType):
    """The live response count of a survey: numbers only, never who or what."""

    class Meta:
        name = "SurveyResponseCountChangedEvent"

    administration_id = graphene.ID(required=True, description="Global id of the survey.")
    invited_count = graphene.Int(required=True, description="How many people were invited.")
    responded_count = graphene.Int(required=True, description="How many have answered so far.")
