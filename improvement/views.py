"""Plain HTTP routes of the improvement app: pictures behind signed links. Each answers like
every link of the service (`backend.signed_links`): the picture, or a JSON refusal (404
`LINK_NOT_FOUND`, 410 `LINK_EXPIRED`, 429 `RATE_LIMITED`)."""

from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.http import HttpResponse

from backend import signed_links
from backend.signed_links import LinkNotFound, link_view
from backend.throttle import RateLimit

from . import chart_links, library_links, selectors_library


@link_view
def run_chart_image(request, token: str):
    """PNG or SVG of a run chart (see `improvement.chart_links`). The token is the permission:
    no sign-in, no cookies. LINK_NOT_FOUND also when its person may no longer see the chart
    (the same answer as for a measure that does not exist)."""
    ticket = chart_links.read(token)
    limit = RateLimit("run-chart-image", chart_links.RENDERS_PER_MINUTE, 60)
    signed_links.charge(limit, f"user:{ticket.viewer_id}")
    drawn = chart_links.chart_for(ticket)
    body = chart_links.render(drawn, ticket.format, ticket.size)
    response = HttpResponse(body, content_type=chart_links.CONTENT_TYPES[ticket.format])
    # An SVG opened on its own runs nothing and loads nothing.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    # The phone that asked may keep the picture while its link lives; a shared cache never.
    max_age = signed_links.seconds_until(ticket.expires_at) if ticket.expires_at else 0
    return signed_links.download(
        response, filename=chart_links.filename(drawn, ticket.format), max_age=max_age
    )


@link_view
def library_photo(request, token: str):
    """A library entry's photo (a frozen copy) as a JPEG, for the viewer the link was made
    for, while the entry is live and the viewer may still see it; else LINK_NOT_FOUND."""
    link, expires_at = library_links.read(token)
    viewer = get_user_model().objects.filter(pk=link.viewer_id, is_active=True).first()
    entry = (
        selectors_library.entries_visible_to(viewer)
        .filter(pk=link.entry_id, unpublished_at__isnull=True)
        .only("snapshot")
        .first()
        if viewer is not None
        else None
    )
    photos = (entry.snapshot or {}).get("photos") or [] if entry is not None else []
    if not 0 <= link.index < len(photos):
        raise LinkNotFound
    name = photos[link.index].get("file")
    if not isinstance(name, str) or not name:
        raise LinkNotFound
    try:
        with default_storage.open(name, "rb") as handle:
            body = handle.read()
    except OSError as exc:
        raise LinkNotFound from exc
    response = HttpResponse(body, content_type="image/jpeg")
    response["Content-Security-Policy"] = "default-src 'none'"
    return signed_links.download(
        response, filename="photo.jpg", max_age=signed_links.seconds_until(expires_at)
    )
