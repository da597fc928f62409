"""Plain HTTP views behind download links: photo files and the private calendar feeds.

Neither uses a session or bearer token: the link is the permission, because image views and
calendar apps cannot add our header. Both answer like every link of the service
(`backend.signed_links`): the file with its own content type, or a JSON refusal (404
`LINK_NOT_FOUND`, 410 `LINK_EXPIRED`, 429 `RATE_LIMITED`).
"""

import hashlib

from django.contrib.auth import get_user_model
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.http import quote_etag
from django.views.decorators.http import require_safe

from backend import signed_links
from backend.signed_links import LinkNotFound, link_view
from backend.throttle import RateLimit

from . import calendar_feed as feed_text
from . import photo_links, selectors
from .services.calendar_feeds import calendar_feed_by_secret

FEED_FETCHES_PER_HOUR = 120
FEED_MAX_AGE_SECONDS = 15 * 60


@link_view
def photo_file(request, token: str):
    """A photo (or its thumbnail) as a JPEG, for the viewer the link was made for, if they may
    still see it."""
    link, expires_at = photo_links.read(token)
    viewer = get_user_model().objects.filter(pk=link.viewer_id, is_active=True).first()
    photo = selectors.photos_visible_to(viewer).filter(pk=link.photo_id).first() if viewer else None
    if photo is None:
        raise LinkNotFound
    stored = photo.image if link.variant == photo_links.Variant.MAIN else photo.thumbnail
    try:
        # At most a few hundred kB (sides <= 2048 px). Under ASGI a file response would be
        # read whole into memory anyway, with a warning for its synchronous iterator.
        with stored.storage.open(stored.name, "rb") as handle:
            body = handle.read()
    except OSError as exc:
        raise LinkNotFound from exc
    response = HttpResponse(body, content_type="image/jpeg")
    response["Content-Security-Policy"] = "default-src 'none'"
    # The phone that asked may keep it while the link lives; never a shared cache.
    suffix = "-thumbnail" if link.variant == photo_links.Variant.THUMBNAIL else ""
    return signed_links.download(
        response,
        filename=f"photo{suffix}.jpg",
        max_age=signed_links.seconds_until(expires_at),
    )


@link_view
def calendar_feed(request, secret: str):
    """The person's iCalendar feed; LINK_NOT_FOUND for a secret that opens no feed (a wrong,
    malformed or rotated one, or a deactivated person's)."""
    feed = calendar_feed_by_secret(secret)
    if feed is None:
        raise LinkNotFound
    signed_links.charge(RateLimit("calendar-feed", FEED_FETCHES_PER_HOUR, 3600), f"feed:{feed.pk}")
    body = feed_text.render_feed(feed.person, now=timezone.now())
    etag = quote_etag(hashlib.sha256(body).hexdigest()[:32])
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponse(status=304)
        filename = None
    else:
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        filename = "peer-observation.ics"
    response["ETag"] = etag
    return signed_links.download(response, filename=filename, max_age=FEED_MAX_AGE_SECONDS)


@require_safe
def tool_kind_schema(request, name: str):
    """A tool kind's JSON Schema (public: it describes shapes, holds no data)."""
    from .tool_kinds.published import published_files

    text = published_files().get(name)
    if text is None:
        return JsonResponse(
            {"error": {"code": "NOT_FOUND", "message": "No such schema."}}, status=404
        )
    response = HttpResponse(text, content_type="application/schema+json; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    response["Access-Control-Allow-Origin"] = "*"
    response["X-Content-Type-Options"] = "nosniff"
    return response
