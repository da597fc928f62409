"""Signed, expiring links to photos, made for one viewer.

Phones load images by URL (image views, caches, share sheets) and cannot add our bearer
header, so the Photo type hands out links whose last segment is a token signed with
`django.core.signing.TimestampSigner`: the photo, the variant (main picture or thumbnail) and
the viewer it was made for. The token is the permission, so it is short-lived; the view
(`views.photo_file`) also checks again that the viewer is active and may still see the
photo, so losing access ends a link early.

The signed timestamp is rounded down to `ISSUE_STEP`: one viewer gets the same URL for a
photo for a few minutes, so the phone's image cache works across screens and refetches, and
every link stays valid for between `LINK_LIFETIME` and `LINK_LIFETIME + ISSUE_STEP`.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from django.core import signing
from django.urls import NoReverseMatch, reverse
from django.utils.encoding import force_str

logger = logging.getLogger(__name__)

SALT = "observations.photo-link"
LINK_LIFETIME = timedelta(minutes=15)
ISSUE_STEP = timedelta(minutes=5)
URL_NAME = "observations:photo-file"


class Variant(StrEnum):
    MAIN = "m"
    THUMBNAIL = "t"


class _SteppedSigner(signing.TimestampSigner):
    """A TimestampSigner whose timestamps are rounded down to ISSUE_STEP."""

    def timestamp(self) -> str:
        step = int(ISSUE_STEP.total_seconds())
        now = int(time.time())
        return signing.b62_encode(now - now % step)


def _signer() -> _SteppedSigner:
    return _SteppedSigner(salt=SALT)


@dataclass(frozen=True, slots=True)
class PhotoLink:
    photo_id: int
    variant: Variant
    viewer_id: int


def issued_at(now: float | None = None) -> datetime:
    """The timestamp a link signed at `now` carries."""
    step = int(ISSUE_STEP.total_seconds())
    moment = int(time.time() if now is None else now)
    return datetime.fromtimestamp(moment - moment % step, tz=UTC)


def expires_at(now: float | None = None) -> datetime:
    """When a link signed now stops working."""
    return issued_at(now) + LINK_LIFETIME + ISSUE_STEP


def sign(*, photo_id: int, variant: Variant, viewer_id: int) -> str:
    return _signer().sign_object({"p": photo_id, "v": variant.value, "u": viewer_id})


def read(token: str) -> tuple[PhotoLink, datetime]:
    """The link behind a token and when it expires.

    Raises signing.SignatureExpired (too old) or signing.BadSignature (not ours, altered)."""
    signer = _signer()
    payload = signer.unsign_object(token, max_age=LINK_LIFETIME + ISSUE_STEP)
    try:
        link = PhotoLink(
            photo_id=int(payload["p"]),
            variant=Variant(payload["v"]),
            viewer_id=int(payload["u"]),
        )
    except (KeyError, TypeError, ValueError) as exc:  # signed by us, so only after a change
        raise signing.BadSignature("Unreadable photo link.") from exc
    # unsign_object checked the signature; the timestamp is the second-to-last segment.
    signed_at = signing.b62_decode(force_str(token).rsplit(signer.sep, 2)[-2])
    return link, datetime.fromtimestamp(signed_at, tz=UTC) + LINK_LIFETIME + ISSUE_STEP


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
