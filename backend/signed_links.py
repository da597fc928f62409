"""Download links: the one way this service hands out a URL that works without signing in.

Phones open pictures, printable pages, documents and calendars by URL (image views, share
sheets, print dialogs, calendar apps), and none of those can add our bearer header; so the link
itself is the permission. Every kind of link (`LinkKind`) is made and opened here, and every
link view answers its refusals through here, so they all behave alike:

**Tokens are opaque.** A token is `base64url(nonce || XChaCha20-Poly1305(payload))`: the
payload (which photo, map or meeting, whose link it is, when it expires) is encrypted and
authenticated, so nothing in a URL is readable or can be changed. Why encryption rather than
random tokens stored in a table: a screen of photos hands out dozens of links per query, reads
over WebSocket included; storing each would turn every read into writes and need a sweeper,
while what a stored row would add, revocation, is already there: a view checks again when a link
is opened that its person may still see what it names, so losing access ends a link at once.
(The calendar feed is the one long-lived link, and it is a stored secret: see
`observations.services.calendar_feeds`; it answers its refusals through here too.)

- The key is derived from `SECRET_KEY`, one per kind of link; the kind is also the associated
  data, so a token of one kind opens nothing on another kind's URL. Tokens are opened with
  `SECRET_KEY` and then each of `SECRET_KEY_FALLBACKS`, so rotating the key keeps the links of
  the last few minutes working while the old key stays listed.
- The nonce is synthetic: an HMAC of the payload and its expiry under a second key of the
  kind (as in SIV). The same payload gives the same URL, which phones' image caches need
  (photo links are issued in steps, see `observations.photo_links`), and different payloads
  never share a nonce.
- PyNaCl (libsodium) is already a dependency (survey sealing); nothing is added.

**One answer per case**, for every kind, as `application/json`
`{"error": {"code": "...", "message": "..."}}` with `Cache-Control: no-store`:

- 404 `LINK_NOT_FOUND`: not a token, altered, of another kind, made with a key no longer
  listed, revoked (a rotated calendar feed), or what it leads to is gone or no longer yours to
  see. One answer, one message for all, so nothing can be probed.
- 410 `LINK_EXPIRED`: a genuine token past its time (never said of a token that does not
  verify). Ask the app for a new link.
- 429 `RATE_LIMITED` with `Retry-After` (seconds): too many fetches at once (`charge`).

A good link answers with its own content type (JPEG, PNG, SVG, JSON, HTML, iCalendar) and
`download` adds the shared headers: `Cache-Control: private` (the phone that asked may keep it,
a shared cache never), `Referrer-Policy: no-referrer` (the token never leaks to another site),
`X-Content-Type-Options: nosniff`, `X-Robots-Tag: noindex` and an inline file name.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from functools import lru_cache, wraps
from typing import Any

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.crypto import salted_hmac
from django.views.decorators.http import require_safe
from nacl import bindings
from nacl.exceptions import CryptoError

from backend.errors import ErrorCode
from backend.throttle import RateLimit

NONCE_BYTES = bindings.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES  # 24
TAG_BYTES = bindings.crypto_aead_xchacha20poly1305_ietf_ABYTES  # 16
MAX_TOKEN_CHARS = 400
"""Longer is never one of ours; refused before any decoding."""
_KEY_SALT = "backend.signed_links.key"
_NONCE_SALT = "backend.signed_links.nonce"


class LinkKind(StrEnum):
    """Every kind of link the service hands out. The value keys the encryption: never rename
    one (its links in flight would stop); add a new member instead."""

    PHOTO = "photo"
    MAP_IMAGE = "map-image"
    MAP_DOWNLOAD = "map-download"
    PRINTABLE_AGENDA = "printable-agenda"
    PACKET_PDF = "packet-pdf"
    PACKET_ZIP = "packet-zip"
    PACKET_JSON = "packet-json"
    RUN_CHART_IMAGE = "run-chart-image"
    LIBRARY_PHOTO = "library-photo"
    # The calendar feed is a stored secret, not a token (see the module docstring).


class LinkError(ErrorCode):
    """The codes in a link's refusal body (`{"error": {"code": ...}}`)."""

    LINK_NOT_FOUND = (
        "LINK_NOT_FOUND",
        "No such link: altered, not a link of this kind, revoked, or what it leads to is gone "
        "or no longer yours to see (one answer for all).",
    )
    LINK_EXPIRED = "LINK_EXPIRED", "A genuine link past its time: ask the app for a new one."
    RATE_LIMITED = "RATE_LIMITED", "Too many fetches at once: try again after `Retry-After`."


MESSAGES = {
    LinkError.LINK_NOT_FOUND: "No such link.",
    LinkError.LINK_EXPIRED: "This link has expired; open it from the app again.",
    LinkError.RATE_LIMITED: "Too many requests for this link; try again later.",
}
STATUSES = {LinkError.LINK_NOT_FOUND: 404, LinkError.LINK_EXPIRED: 410, LinkError.RATE_LIMITED: 429}


class LinkRefused(Exception):
    """A link view stops here; `link_view` answers with the refusal."""

    code: LinkError

    def __init__(self, retry_after: int | None = None):
        super().__init__(self.code.value)
        self.retry_after = retry_after


class LinkNotFound(LinkRefused):
    code = LinkError.LINK_NOT_FOUND


class LinkExpired(LinkRefused):
    code = LinkError.LINK_EXPIRED


class LinkRateLimited(LinkRefused):
    code = LinkError.RATE_LIMITED


def url_description(what: str, *, expires: bool = True, rate_limited: bool = False) -> str:
    """The schema description of a field that returns a link: `what` it is, then the behaviour
    every link shares (the phone reads it there)."""
    cases = [
        "404 `LINK_NOT_FOUND` when it was altered, revoked or is no longer yours to see (one "
        "answer for all)"
    ]
    if expires:
        cases.append("410 `LINK_EXPIRED` once past its time (ask for the field again)")
    if rate_limited:
        cases.append("429 `RATE_LIMITED` with `Retry-After` when fetched too often")
    return (
        f"{what} Opens without signing in: the link is the permission, so keep it to yourself. "
        "A refused link answers `application/json` "
        '`{"error": {"code": "...", "message": "..."}}` with `Cache-Control: no-store`: '
        + ", ".join(cases)
        + "."
    )


# --- tokens -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Opened:
    """What a verified, unexpired token carries."""

    payload: Any
    """As sealed, through JSON: lists come back as lists; check its shape when reading it."""
    expires_at: datetime


def _secrets() -> Iterator[str]:
    yield settings.SECRET_KEY
    yield from getattr(settings, "SECRET_KEY_FALLBACKS", [])


@lru_cache(maxsize=64)
def _keys(kind: LinkKind, secret: str) -> tuple[bytes, bytes]:
    """(encryption key, nonce key) of a kind under a secret: derived once, then reused."""
    return (
        salted_hmac(_KEY_SALT, kind.value, secret=secret, algorithm="sha256").digest(),
        salted_hmac(_NONCE_SALT, kind.value, secret=secret, algorithm="sha256").digest(),
    )


def seal(kind: LinkKind, payload: object, *, expires_at: datetime | int | float) -> str:
    """A URL-safe token for `payload` (anything JSON can hold: keep it small, ids and flags),
    good until `expires_at` (a datetime or a Unix time; whole seconds)."""
    expires = _unix(expires_at)
    plaintext = json.dumps([expires, payload], separators=(",", ":")).encode()
    key, nonce_key = _keys(kind, settings.SECRET_KEY)
    # Synthetic nonce: a MAC of what is sealed (the kind is in the nonce key).
    nonce = hmac.digest(nonce_key, plaintext, "sha256")[:NONCE_BYTES]
    sealed = bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(
        plaintext, kind.value.encode(), nonce, key
    )
    return base64.urlsafe_b64encode(nonce + sealed).rstrip(b"=").decode("ascii")


def open_token(kind: LinkKind, token: str, *, now: float | None = None) -> Opened:
    """The payload of a token of `kind`. Raises LinkNotFound for anything that is not a genuine
    token of this kind under a listed key, LinkExpired for a genuine one past its time."""
    raw = _decode(token)
    aad = kind.value.encode()
    nonce, sealed = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
    for secret in _secrets():
        try:
            plaintext = bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(
                sealed, aad, nonce, _keys(kind, secret)[0]
            )
        except CryptoError:
            continue
        break
    else:
        raise LinkNotFound
    try:
        expires, payload = json.loads(plaintext)
        expires = int(expires)
    except (ValueError, TypeError) as exc:  # sealed by us, so only after a change of format
        raise LinkNotFound from exc
    moment = time.time() if now is None else now
    if moment >= expires:
        raise LinkExpired
    return Opened(payload=payload, expires_at=datetime.fromtimestamp(expires, tz=UTC))


def _decode(token: str) -> bytes:
    if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN_CHARS:
        raise LinkNotFound
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError) as exc:
        raise LinkNotFound from exc
    # urlsafe_b64decode skips characters outside the alphabet: only the canonical text passes.
    if base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii") != token:
        raise LinkNotFound
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise LinkNotFound
    return raw


def _unix(moment: datetime | int | float) -> int:
    if isinstance(moment, datetime):
        return math.floor(moment.timestamp())
    return math.floor(moment)


# --- answers ----------------------------------------------------------------------------------

_SHARED_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Robots-Tag": "noindex, nofollow",
}


def refusal(code: LinkError, *, retry_after: int | None = None) -> HttpResponse:
    """The answer of a refused link: the same status, body and headers for every kind."""
    response = JsonResponse(
        {"error": {"code": code.value, "message": MESSAGES[code]}}, status=STATUSES[code]
    )
    response["Cache-Control"] = "no-store"
    if retry_after is not None:
        response["Retry-After"] = str(max(1, retry_after))
    for header, value in _SHARED_HEADERS.items():
        response[header] = value
    return response


def download(
    response: HttpResponse,
    *,
    filename: str | None,
    max_age: int | None = None,
) -> HttpResponse:
    """A link's good answer: `private, max-age=...` when the phone may keep it that long
    (never a shared cache), else `private, no-store`; never sniffed, never a Referer."""
    if max_age is None:
        response["Cache-Control"] = "private, no-store"
    else:
        response["Cache-Control"] = f"private, max-age={max(0, max_age)}"
    if filename is not None:
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    for header, value in _SHARED_HEADERS.items():
        response[header] = value
    return response


def seconds_until(moment: datetime) -> int:
    """Whole seconds from now until `moment` (0 once past), for `max_age`."""
    return max(0, math.floor(moment.timestamp() - time.time()))


def charge(limit: RateLimit, key: str) -> None:
    """Count one fetch against `limit` for `key`; LinkRateLimited beyond it."""
    if limit.hit(key) > limit.limit:
        raise LinkRateLimited(retry_after=limit.retry_after())


def link_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A GET/HEAD view behind a link: a LinkRefused it raises becomes `refusal`."""

    @require_safe
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except LinkRefused as refused:
            return refusal(refused.code, retry_after=refused.retry_after)

    return wrapper


@require_safe
def not_found(request, *args, **kwargs) -> HttpResponse:
    """For a link's routes that can never hold a link (a wrong extension, say)."""
    return refusal(LinkError.LINK_NOT_FOUND)
