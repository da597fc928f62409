"""The picture behind a signed map link (see `networks.images`)."""

import math

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_safe

from backend.throttle import RateLimit
from networks import images, maps, sources
from networks.access import Scope, ScopeKind, ScopeNotFound


@require_safe
def map_image(request, token: str):
    """PNG or SVG of a cohort's map. The token is the permission: no sign-in, no cookies.

    404 for a token that is not ours or whose signer may no longer see the cohort (the same
    answer as for a cohort that does not exist), 410 once it has expired."""
    try:
        ticket = images.read_ticket(token)
    except signing.SignatureExpired:
        return HttpResponse("This link has expired; ask the app for a new one.", status=410)
    except signing.BadSignature as exc:
        raise Http404("No such picture.") from exc
    limit = RateLimit("network-map-image", images.RENDERS_PER_MINUTE, 60)
    if limit.hit(f"user:{ticket.user_id}") > limit.limit:
        response = HttpResponse("Too many pictures at once; try again in a minute.", status=429)
        response["Retry-After"] = str(limit.retry_after())
        return response
    viewer = sources.active_person(ticket.user_id)
    try:
        network_map = maps.network_map(
            viewer=viewer,
            scope=Scope(ScopeKind.COHORT, ticket.cohort_id),
            as_of=ticket.as_of,
            with_betweenness=False,  # pictures do not show it
        )
    except (ScopeNotFound, PermissionDenied) as exc:
        raise Http404("No such picture.") from exc
    body = images.render_map(network_map, ticket.format, ticket.size)
    response = HttpResponse(body, content_type=images.CONTENT_TYPES[ticket.format])
    # The picture may be cached by the phone that asked, never by a shared cache.
    max_age = max(0, math.floor(images.TICKET_LIFETIME.total_seconds()))
    response["Cache-Control"] = f"private, max-age={max_age}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    day = network_map.as_of.isoformat()
    extension = ticket.format.lower()
    response["Content-Disposition"] = (
        f'inline; filename="network-map-{ticket.cohort_id}-{day}.{extension}"'
    )
    return response
