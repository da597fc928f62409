"""Expiring links to photos, made for one viewer (see `backend.signed_links`).

Phones load images by URL (image views, caches, share sheets) and cannot add our bearer
header, so the Photo type hands out links whose last segment is an opaque token of
`LinkKind.PHOTO`: the photo, the variant (main picture or thumbnail) and the viewer it was made
for, encrypted. The token is the permission, so it is short-lived; the view
(`views.photo_file`) also checks again that the viewer is active and may still see the
photo, so losing access ends a link early.

A link's expiry is computed from the moment rounded down to `ISSUE_STEP`, and equal payloads
give equal tokens: one viewer gets the same URL for a photo for a few minutes, so the phone's
image cache works across screens and refetches, and every link stays valid for between
`LINK_LIFETIME` and `LINK_LIFETIME + ISSUE_STEP`.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from django.urls import NoReverseMatch, reverse

from backend.signed_links import LinkKind, LinkNotFound, open_token, seal

logger = logging.getLogger(__name__)

LINK_LIFETIME = timedelta(minutes=15)
ISSUE_STEP = timedelta(minutes=5)
URL_NAME = "observations:photo-file"


class Variant(StrEnum):
    MAIN = "m"
    THUMBNAIL = "t"


@dataclass(frozen=True, slots=True)
class PhotoLink:
    photo_id: int
    variant: Variant
    viewer_id: int


def issued_at(now: float | None = None) -> datetime:
    """The moment a link made at `now` counts from."""
    step = int(ISSUE_STEP.total_seconds())
    moment = int(time.time() if now is None else now)
    return datetime.fromtimestamp(moment - moment % step, tz=UTC)


def expires_at(now: float | None = None) -> datetime:
    """When a link made now stops working."""
    return issued_at(now) + LINK_LIFETIME + ISSUE_STEP


def sign(*, photo_id: int, variant: Variant, viewer_id: int, now: float | None = None) -> str:
    return seal(LinkKind.PHOTO, [photo_id, variant.value, viewer_id], expires_at=expires_at(now))


def read(token: str) -> tuple[PhotoLink, datetime]:
    """The link behind a token and when it expires.

    Raises signed_links.LinkNotFound (not ours, altered, another kind) or LinkExpired."""
    opened = open_token(LinkKind.PHOTO, token)
    try:
        photo_id, variant, viewer_id = opened.payload
        link = PhotoLink(photo_id=int(photo_id), variant=Variant(variant), viewer_id=int(viewer_id))
    except (TypeError, ValueError) as exc:  # sealed by us, so only after a change of format
        raise LinkNotFound from exc
    return link, opened.expires_at


class NotRouted(Exception):
    """The root URLconf does not include observations.urls."""


def photo_url(*, photo_id: int, variant: Variant, viewer, request=None) -> str:
    """An absolute URL when there is a request (HTTP), else the path (WebSocket)."""
    token = sign(photo_id=photo_id, variant=variant, viewer_id=viewer.pk)
    try:
        path = reverse(URL_NAME, kwargs={"token": token})
    except NoReverseMatch as exc:
        logger.error("observations.urls is not included in the root URLconf")
        raise NotRouted from exc
    return request.build_absolute_uri(path) if request is not None else path
