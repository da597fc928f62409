"""The picture and the compact map behind signed map links (see `networks.images` and
`networks.downloads`)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_safe

from backend.throttle import RateLimit
from networks import downloads, images, links, maps, sources
from networks.access import Scope, ScopeKind, ScopeNotFound


@require_safe
def map_image(request, token: str):
    """PNG or SVG of a cohort's map. The token is the permission: no sign-in, no cookies.

    404 for a token that is not ours or whose signer may no longer see the cohort (the same
    answer as for a cohort that does not exist), 410 once it has expired."""
    limit = RateLimit("network-map-image", images.RENDERS_PER_MINUTE, 60)
    try:
        ticket = links.open_ticket(token, images.read_ticket, what="picture", limit=limit)
    except links.Refused as refused:
        return refused.response
    network_map = _map_or_404(
        ticket.user_id,
        Scope(ScopeKind.COHORT, ticket.cohort_id),
        ticket.as_of,
        with_betweenness=False,  # pictures do not show it
        what="picture",
    )
    body = images.render_map(network_map, ticket.format, ticket.size)
    response = HttpResponse(body, content_type=images.CONTENT_TYPES[ticket.format])
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    day = network_map.as_of.isoformat()
    name = f"network-map-{ticket.cohort_id}-{day}.{ticket.format.lower()}"
    return links.private(response, images.TICKET_LIFETIME, name)


@require_safe
def map_download(request, token: str):
    """A map as compact JSON (see `networks.downloads`), gzipped when the client accepts it.
    The token is the permission: no sign-in, no cookies.

    404 for a token that is not ours or whose signer may no longer map the scope (the same
    answer as for a scope that does not exist), 410 once it has expired."""
    limit = RateLimit("network-map-download", downloads.DOWNLOADS_PER_MINUTE, 60)
    try:
        ticket = links.open_ticket(token, downloads.read_ticket, what="map", limit=limit)
    except links.Refused as refused:
        return refused.response
    network_map = _map_or_404(
        ticket.user_id,
        ticket.scope,
        ticket.as_of,
        with_betweenness=ticket.with_betweenness,
        what="map",
    )
    compress = _accepts_gzip(request)
    body = downloads.encode(downloads.map_document(network_map), compress=compress)
    response = HttpResponse(body, content_type=f"{downloads.CONTENT_TYPE}; charset=utf-8")
    if compress:
        response["Content-Encoding"] = "gzip"
    response["Vary"] = "Accept-Encoding"
    kind = ticket.scope.kind.value.lower()
    name = f"network-map-{kind}-{ticket.scope.id}-{network_map.as_of.isoformat()}.json"
    return links.private(response, downloads.TICKET_LIFETIME, name)


def _map_or_404(user_id: int, scope: Scope, as_of, *, with_betweenness: bool, what: str):
    """The map as the link's signer may see it now; 404 once they may not."""
    try:
        return maps.network_map(
            viewer=sources.active_person(user_id),
            scope=scope,
            as_of=as_of,
            with_betweenness=with_betweenness,
        )
    except (ScopeNotFound, PermissionDenied) as exc:
        raise Http404(f"No such {what}.") from exc


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
