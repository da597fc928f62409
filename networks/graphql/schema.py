"""Root fields of the networks app: network maps, the stuck list, map pictures and map
downloads."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import graphene
from django.core.exceptions import PermissionDenied
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from graphql import FieldNode, InlineFragmentNode

from backend.graphql.errors import ApiErrorCode, PublicError, RateLimited
from backend.graphql.ids import read_pk
from backend.graphql.permissions import Coordinator, SignedIn, requires
from backend.throttle import RateLimit
from networks import downloads, images, maps, stuck_list
from networks.access import Scope, ScopeKind, ScopeNotFound, map_target

from .enums import MapImageFormat
from .types import NetworkMap, NetworkMapDownload, NetworkMapImage, StuckCohort

MAPS_PER_MINUTE = 30
"""Maps one person may have computed per minute (a district map costs a few hundred ms; the
same map asked for twice in one request is computed once)."""
MAX_WEEKS_WITHOUT_VISIT = 52

_SCOPE_TYPES = {
    "cohort_id": (ScopeKind.COHORT, "Cohort", "cohortId"),
    "school_id": (ScopeKind.SCHOOL, "School", "schoolId"),
    "district_id": (ScopeKind.DISTRICT, "District", "districtId"),
}


def _link_url(info, url_name: str, token: str, *, unavailable: str) -> str:
    """The link for a ticket, absolute when the request is known (the phone opens it as is)."""
    try:
        path = reverse(url_name, args=[token])
    except NoReverseMatch as exc:  # the root URLconf does not include networks.urls
        raise PublicError(unavailable, code=ApiErrorCode.NOT_AVAILABLE) from exc
    request = info.context.request
    return request.build_absolute_uri(path) if request is not None else path


def _link_expiry(lifetime):
    """When a link made now stops working, in whole seconds (as its token says)."""
    return timezone.now().replace(microsecond=0) + lifetime


class NetworkScopeInput(graphene.InputObjectType):
    """What to map: give exactly one of the three."""

    cohort_id = graphene.ID(description="A cohort you are in, lead, or coordinate.")
    school_id = graphene.ID(
        description="A school of your district: all its cohorts (coordinators) or the ones "
        "you lead there (teacher leaders)."
    )
    district_id = graphene.ID(description="Your district (coordinators).")


def _pk(global_id: str, type_name: str) -> int | None:
    """The pk of the id; None (the map is null) for an id of another type, as for a scope
    that does not exist; a string that is not an id at all is BAD_USER_INPUT."""
    return read_pk(global_id, type_name)


def _scope(scope_input) -> Scope | None:
    given = [(key, value) for key, value in scope_input.items() if value is not None]
    if len(given) != 1:
        raise PublicError(
            "Give exactly one of cohortId, schoolId and districtId.",
            code=ApiErrorCode.BAD_USER_INPUT,
        )
    key, value = given[0]
    kind, type_name, _field = _SCOPE_TYPES[key]
    pk = _pk(value, type_name)
    return None if pk is None else Scope(kind, pk)


BETWEENNESS_FIELDS = frozenset({"betweenness", "mostConnecting", "betweennessIsExact"})


def _selects(info, names: frozenset[str]) -> bool:
    """Whether the operation asks for any of these fields anywhere under this root field."""

    def walk(selection_set) -> bool:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                if selection.name.value in names:
                    return True
                inner = selection.selection_set
            elif isinstance(selection, InlineFragmentNode):
                inner = selection.selection_set
            else:
                fragment = info.fragments.get(selection.name.value)
                inner = fragment.selection_set if fragment is not None else None
            if inner is not None and walk(inner):
                return True
        return False

    return any(node.selection_set and walk(node.selection_set) for node in info.field_nodes)


def _map(info, scope: Scope | None, as_of: date | None) -> maps.NetworkMap | None:
    """The map, computed at most once per request for the same scope, date and measures.

    Betweenness, the costly measure on a district, is computed only when the operation asks
    for it (`betweenness`, `mostConnecting` or `betweennessIsExact`)."""
    if scope is None:
        return None
    cache = info.context.loaders.setdefault("networks.maps", {})
    with_betweenness = _selects(info, BETWEENNESS_FIELDS)
    key = (scope, as_of, with_betweenness)
    if key not in cache:
        user = info.context.user
        limit = RateLimit("network-map", MAPS_PER_MINUTE, 60)
        if limit.hit(f"user:{user.pk}") > limit.limit:
            raise RateLimited(
                "Too many network maps at once; wait a minute.", retry_after=limit.retry_after()
            )
        try:
            cache[key] = maps.network_map(
                viewer=user, scope=scope, as_of=as_of, with_betweenness=with_betweenness
            )
        except (ScopeNotFound, PermissionDenied):
            # A scope that does not exist, that you may not see, or that is too wide for you
            # (a teacher's school) reads as null alike.
            cache[key] = None
    return cache[key]


def _stuck_view(found: stuck_list.StuckList) -> list[SimpleNamespace]:
    def name(person_id):
        return found.people[person_id].full_name

    return [
        SimpleNamespace(
            cohort_id=stuck.cohort.id,
            name=stuck.cohort.name,
            school_id=stuck.cohort.school_id,
            school_name=stuck.cohort.school_name,
            reasons=[reason.value for reason in stuck.reasons],
            last_visit_date=stuck.last_visit_date,
            days_since_last_visit=stuck.days_since_last_visit,
            overdue_reflections=stuck.overdue_reflections,
            blue_dots_behind=[
                SimpleNamespace(
                    person_id=behind.blue_id,
                    full_name=name(behind.blue_id),
                    assigned_yellow_dot_count=behind.assigned_yellow_count,
                    unvisited_yellow_dots=[
                        SimpleNamespace(person_id=y, full_name=name(y))
                        for y in behind.unvisited_yellow_ids
                    ],
                )
                for behind in stuck.blue_dots_behind
            ],
        )
        for stuck in found.cohorts
    ]


class NetworkQueries(graphene.ObjectType):
    network_map = graphene.Field(
        NetworkMap,
        scope=NetworkScopeInput(required=True, description="The cohort, school or district."),
        as_of=graphene.Date(
            description="Show the map as it was at the end of this day (default: now), to "
            "replay how the network grew."
        ),
        description="The network map of a cohort (its members), a school (its leaders and "
        "coordinators) or a district (its coordinators): who visited whom, ready-to-draw "
        "positions, programme progress per cohort and network measures. Null for a scope "
        "that does not exist, that you may not see or that is too wide for you. A "
        "district map is hundreds of thousands of fields: fetch it with "
        "`networkMapDownload` instead.",
    )
    stuck_cohorts = graphene.List(
        graphene.NonNull(StuckCohort),
        required=True,
        district_id=graphene.ID(required=True, description="Your district."),
        weeks_without_visit=graphene.Int(
            default_value=4,
            description="How many weeks without a completed visit (or without a blue dot "
            "reaching a yellow dot assigned that long ago) make a cohort stuck; 1 to 52.",
        ),
        as_of=graphene.Date(description="Judge as at the end of this day (default: now)."),
        description="The district's running cohorts that need a nudge, by school and name "
        "(coordinators of the district; empty for a district you do not coordinate).",
    )
    network_map_image = graphene.Field(
        NetworkMapImage,
        cohort_id=graphene.ID(required=True, description="A cohort whose map you may see."),
        format=MapImageFormat(default_value=MapImageFormat.PNG, description="PNG or SVG."),
        as_of=graphene.Date(description="Draw the map as at the end of this day (default: now)."),
        size=graphene.Int(
            default_value=images.DEFAULT_SIZE,
            description=f"Side of the square picture in pixels, {images.MIN_SIZE} to "
            f"{images.MAX_SIZE}.",
        ),
        description="A link to a picture of a cohort's map (dots coloured by role) for reports "
        "and evidence; null for a cohort whose map you may not see. The link works without "
        "signing in and expires after "
        f"{int(images.TICKET_LIFETIME.total_seconds() // 60)} minutes.",
    )
    network_map_download = graphene.Field(
        NetworkMapDownload,
        scope=NetworkScopeInput(required=True, description="The cohort, school or district."),
        as_of=graphene.Date(
            description="Show the map as it was at the end of this day (default: now)."
        ),
        with_betweenness=graphene.Boolean(
            default_value=False,
            description="Include betweenness (`nodes.betweenness`, `measures.mostConnecting`); "
            "it adds about a tenth of a second on a district. Without it every score is 0.",
        ),
        description="A link to the whole map as one compact JSON document (see "
        "NetworkMapDownload): the way to get a district map, which is too big to ask for "
        "field by field. Who may map what is as for `networkMap` (null when you may not), "
        "checked now and again "
        "when the link is fetched. The link works without signing in and expires after "
        f"{int(downloads.TICKET_LIFETIME.total_seconds() // 60)} minutes.",
    )

    @staticmethod
    @requires(SignedIn)
    def resolve_network_map(root, info, scope, as_of=None):
        return _map(info, _scope(scope), as_of)

    @staticmethod
    @requires(Coordinator)
    def resolve_stuck_cohorts(root, info, district_id, weeks_without_visit=4, as_of=None):
        if weeks_without_visit is None:  # an explicit null means the default
            weeks_without_visit = 4
        if not 1 <= weeks_without_visit <= MAX_WEEKS_WITHOUT_VISIT:
            raise PublicError(
                f"`weeksWithoutVisit` must be 1 to {MAX_WEEKS_WITHOUT_VISIT}.",
                code=ApiErrorCode.BAD_USER_INPUT,
            )
        pk = _pk(district_id, "District")
        if pk is None:
            return []
        try:
            found = stuck_list.stuck_cohorts(
                viewer=info.context.user,
                district_id=pk,
                weeks_without_visit=weeks_without_visit,
                as_of=as_of,
            )
        except (ScopeNotFound, PermissionDenied):
            return []  # a list leaves out what you may not see: here, all of it
        return _stuck_view(found)

    @staticmethod
    @requires(SignedIn)
    def resolve_network_map_image(
        root, info, cohort_id, format=MapImageFormat.PNG, as_of=None, size=images.DEFAULT_SIZE
    ):
        size = images.DEFAULT_SIZE if size is None else size  # an explicit null: the default
        format = MapImageFormat.PNG if format is None else format
        if not images.MIN_SIZE <= size <= images.MAX_SIZE:
            raise PublicError(
                f"`size` must be {images.MIN_SIZE} to {images.MAX_SIZE}.",
                code=ApiErrorCode.BAD_USER_INPUT,
            )
        pk = _pk(cohort_id, "Cohort")
        user = info.context.user
        if pk is None:
            return None
        try:
            map_target(user, Scope(ScopeKind.COHORT, pk))  # refuse now, not when fetched
        except (ScopeNotFound, PermissionDenied):
            return None
        image_format = format.value if hasattr(format, "value") else str(format)
        expires_at = _link_expiry(images.TICKET_LIFETIME)
        token = images.sign_ticket(
            images.ImageTicket(user.pk, pk, image_format, as_of, size), expires_at=expires_at
        )
        return SimpleNamespace(
            url=_link_url(
                info,
                "networks:map-image",
                token,
                unavailable="Map pictures are not available on this server.",
            ),
            format=image_format,
            content_type=images.CONTENT_TYPES[image_format],
            expires_at=expires_at,
        )

    @staticmethod
    @requires(SignedIn)
    def resolve_network_map_download(root, info, scope, as_of=None, with_betweenness=False):
        map_scope = _scope(scope)
        user = info.context.user
        if map_scope is None:
            return None
        try:
            map_target(user, map_scope)  # refuse now, not when fetched
        except (ScopeNotFound, PermissionDenied):
            return None
        ticket = downloads.DownloadTicket(user.pk, map_scope, as_of, bool(with_betweenness))
        expires_at = _link_expiry(downloads.TICKET_LIFETIME)
        return SimpleNamespace(
            url=_link_url(
                info,
                "networks:map-download",
                downloads.sign_ticket(ticket, expires_at=expires_at),
                unavailable="Map downloads are not available on this server.",
            ),
            format=downloads.FORMAT,
            content_type=downloads.CONTENT_TYPE,
            expires_at=expires_at,
        )


class NetworkMutations(graphene.ObjectType):
    pass


class NetworkSubscriptions(graphene.ObjectType):
    pass


__all__ = ["NetworkMutations", "NetworkQueries", "NetworkSubscriptions"]
