"""The picture and the compact map behind map links (see `networks.images` and
`networks.downloads`). They answer like every link of the service (`backend.signed_links`):
the picture or document, or a JSON refusal (404 `LINK_NOT_FOUND`, 410 `LINK_EXPIRED`, 429
`RATE_LIMITED`)."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse

from backend import signed_links
from backend.signed_links import LinkNotFound, link_view
from backend.throttle import RateLimit
from networks import downloads, images, maps, sources
from networks.access import Scope, ScopeKind, ScopeNotFound


@link_view
def map_image(request, token: str):
    """PNG or SVG of a cohort's map. The token is the permission: no sign-in, no cookies.

    LINK_NOT_FOUND also when its signer may no longer see the cohort (the same answer as for a
    cohort that does not exist)."""
    ticket = images.read_ticket(token)
    limit = RateLimit("network-map-image", images.RENDERS_PER_MINUTE, 60)
    signed_links.charge(limit, f"user:{ticket.user_id}")
    network_map = _map_or_not_found(
        ticket.user_id,
        Scope(ScopeKind.COHORT, ticket.cohort_id),
        ticket.as_of,
        with_betweenness=False,  # pictures do not show it
    )
    body = images.render_map(network_map, ticket.format, ticket.size)
    response = HttpResponse(body, content_type=images.CONTENT_TYPES[ticket.format])
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    name = f"network-map-{network_map.as_of.isoformat()}.{ticket.format.lower()}"
    return signed_links.download(response, filename=name, max_age=_max_age(ticket))


@link_view
def map_download(request, token: str):
    """A map as compact JSON (see `networks.downloads`), gzipped when the client accepts it.
    The token is the permission: no sign-in, no cookies.

    LINK_NOT_FOUND also when its signer may no longer map the scope (the same answer as for a
    scope that does not exist)."""
    ticket = downloads.read_ticket(token)
    limit = RateLimit("network-map-download", downloads.DOWNLOADS_PER_MINUTE, 60)
    signed_links.charge(limit, f"user:{ticket.user_id}")
    network_map = _map_or_not_found(
        ticket.user_id,
        ticket.scope,
        ticket.as_of,
        with_betweenness=ticket.with_betweenness,
    )
    compress = _accepts_gzip(request)
    body = downloads.encode(downloads.map_document(network_map), compress=compress)
    response = HttpResponse(body, content_type=f"{downloads.CONTENT_TYPE}; charset=utf-8")
    if compress:
        response["Content-Encoding"] = "gzip"
    response["Vary"] = "Accept-Encoding"
    kind = ticket.scope.kind.value.lower()
    name = f"network-map-{kind}-{network_map.as_of.isoformat()}.json"
    return signed_links.download(response, filename=name, max_age=_max_age(ticket))


def _max_age(ticket) -> int:
    """The phone that asked may keep the answer while its link lives."""
    return signed_links.seconds_until(ticket.expires_at) if ticket.expires_at else 0


def _map_or_not_found(user_id: int, scope: Scope, as_of, *, with_betweenness: bool):
    """The map as the link's signer may see it now; LinkNotFound once they may not."""
    try:
        return maps.network_map(
            viewer=sources.active_person(user_id),
            scope=scope,
            as_of=as_of,
            with_betweenness=with_betweenness,
        )
    except (ScopeNotFound, PermissionDenied) as exc:
        raise LinkNotFound from exc


def _accepts_gzip(request) -> bool:
    """Whether Accept-Encoding lists gzip (or *) without refusing it with q=0."""
    for part in request.headers.get("Accept-Encoding", "").split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() not in ("gzip", "*"):
            continue
        quality = params.strip().lower().removeprefix("q=").strip()
        try:
            return not quality or float(quality) > 0
        except ValueError:
            return False
    return False
