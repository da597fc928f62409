"""Plain HTTP views: photo files behind signed links, and the private calendar feeds.

Neither uses a session or bearer token: the signed link (photos) or the secret in the URL
(feeds) is the permission, because image views and calendar apps cannot add our header.
"""

import hashlib
import math

from django.contrib.auth import get_user_model
from django.core import signing
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import quote_etag
from django.views.decorators.http import require_safe

from backend.throttle import RateLimit

from . import calendar_feed as feed_text
from . import photo_links, selectors
from .services.calendar_feeds import calendar_feed_by_secret

FEED_FETCHES_PER_HOUR = 120
FEED_MAX_AGE_SECONDS = 15 * 60

_COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
}


def _plain(text: str, status: int) -> HttpResponse:
    response = HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    for header, value in _COMMON_HEADERS.items():
        response[header] = value
    return response


def _not_found() -> HttpResponse:
    return _plain("Not found.", 404)


@require_safe
def photo_file(request, token: str):
    """A photo (or its thumbnail) as a JPEG, for the viewer the link was made for, if they may
    still see it. 403 for an expired link, 404 for anything else that is not a valid link."""
    try:
        link, expires_at = photo_links.read(token)
    except signing.SignatureExpired:
        return _plain("This link has expired; open the photo in the app again.", 403)
    except signing.BadSignature:
        return _not_found()
    viewer = get_user_model().objects.filter(pk=link.viewer_id, is_active=True).first()
    photo = selectors.photos_visible_to(viewer).filter(pk=link.photo_id).first() if viewer else None
    if photo is None:
        return _not_found()
    stored = photo.image if link.variant == photo_links.Variant.MAIN else photo.thumbnail
    try:
        # At most a few hundred kB (sides <= 2048 px). Under ASGI a file response would be
        # read whole into memory anyway, with a warning for its synchronous iterator.
        with stored.storage.open(stored.name, "rb") as handle:
            body = handle.read()
    except OSError:
        return _not_found()
    response = HttpResponse(body, content_type="image/jpeg")
    remaining = math.floor((expires_at - timezone.now()).total_seconds())
    # The phone that asked may keep it while the link lives; never a shared cache.
    response["Cache-Control"] = f"private, max-age={max(0, remaining)}"
    suffix = "-thumbnail" if link.variant == photo_links.Variant.THUMBNAIL else ""
    response["Content-Disposition"] = f'inline; filename="photo-{photo.pk}{suffix}.jpg"'
    response["Content-Security-Policy"] = "default-src 'none'"
    for header, value in _COMMON_HEADERS.items():
        response[header] = value
    return response


@require_safe
def calendar_feed(request, secret: str):
    """The person's iCalendar feed; 404 for a secret that opens no feed (or an old one)."""
    feed = calendar_feed_by_secret(secret)
    if feed is None:
        return _not_found()
    limit = RateLimit("calendar-feed", FEED_FETCHES_PER_HOUR, 3600)
    if limit.hit(f"feed:{feed.pk}") > limit.limit:
        response = _plain("Too many requests for this calendar; try again later.", 429)
        response["Retry-After"] = str(limit.retry_after())
        return response
    body = feed_text.render_feed(feed.person, now=timezone.now())
    etag = quote_etag(hashlib.sha256(body).hexdigest()[:32])
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="peer-observation.ics"'
    response["ETag"] = etag
    response["Cache-Control"] = f"private, max-age={FEED_MAX_AGE_SECONDS}"
    for header, value in _COMMON_HEADERS.items():
        response[header] = value
    return response


@require_safe
def tool_kind_schema(request, name: str):
    """A tool kind's JSON Schema (public: it describes shapes, holds no data)."""
    from .tool_kinds.published import published_files

    text = published_files().get(name)
    if text is None:
        return _plain("Not found.", 404)
    response = HttpResponse(text, content_type="application/schema+json; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    response["Access-Control-Allow-Origin"] = "*"
    for header, value in _COMMON_HEADERS.items():
        response[header] = value
    return response
