"""Each person's private calendar feed: a secret URL their phone's calendar subscribes to.

The secret is `HMAC(SECRET_KEY, person id + random nonce)`, 43 URL-safe characters. The table
keeps the nonce and a SHA-256 of the secret, not the secret: the URL can be shown again in the
app (it is derived), yet a copy of the database alone opens no feed. A fetch hashes the secret
from the URL and looks the hash up. Rotating draws a new nonce; the old URL stops at once.

If SECRET_KEY changes, the URL the app shows would no longer hash to the stored value, so
`calendar_feed_get` stores the new hash (old URLs stop; the app shows the new one).
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.crypto import salted_hmac

from ..models import CalendarFeed
from .common import now_or

SALT = "observations.calendar-feed"
SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")


def calendar_feed_secret(feed: CalendarFeed) -> str:
    digest = salted_hmac(SALT, f"{feed.person_id}:{feed.nonce}", algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def _new_nonce() -> str:
    return secrets.token_urlsafe(24)


def _with_hash(feed: CalendarFeed) -> CalendarFeed:
    feed.secret_hash = secret_hash(calendar_feed_secret(feed))
    return feed


def calendar_feed_get(*, person, now: datetime | None = None) -> CalendarFeed:
    """The person's feed, made on first use."""
    feed = CalendarFeed.objects.filter(person=person).first()
    if feed is None:
        try:
            with transaction.atomic():
                feed = CalendarFeed(person=person, nonce=_new_nonce(), created_at=now_or(now))
                _with_hash(feed).save()
        except IntegrityError:  # made at the same moment by another request
            feed = CalendarFeed.objects.get(person=person)
    expected = secret_hash(calendar_feed_secret(feed))
    if feed.secret_hash != expected:  # SECRET_KEY changed since the hash was stored
        feed.secret_hash = expected
        feed.save(update_fields=["secret_hash"])
    return feed


@transaction.atomic
def calendar_feed_rotate(*, actor, now: datetime | None = None) -> CalendarFeed:
    """A new secret URL for your feed; the old one stops working."""
    now = now_or(now)
    feed = calendar_feed_get(person=actor, now=now)
    feed = CalendarFeed.objects.select_for_update().get(pk=feed.pk)
    feed.nonce = _new_nonce()
    feed.rotated_at = now
    _with_hash(feed).save()
    return feed


def calendar_feed_by_secret(secret: str) -> CalendarFeed | None:
    """The feed a URL's secret opens, if its person is still active."""
    if not SECRET_PATTERN.fullmatch(secret or ""):
        return None
    return (
        CalendarFeed.objects.select_related("person__school")
        .filter(secret_hash=secret_hash(secret), person__is_active=True)
        .first()
    )
