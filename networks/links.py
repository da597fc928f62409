"""Signed, short-lived links to bulky map answers (pictures and compact downloads).

Both kinds of link carry a ticket signed with `django.core.signing.TimestampSigner` as their
last segment: the ticket is the permission, so it names who asked and expires soon, and the
view checks again when it is fetched that its signer may still see what it names. This module
holds what the two kinds share: signing, the refusals a link view answers with, and the
headers that keep a private answer out of shared caches.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from django.core import signing
from django.http import Http404, HttpResponse
from django.urls import NoReverseMatch, reverse

from backend.graphql.errors import ApiErrorCode, PublicError
from backend.throttle import RateLimit

Ticket = TypeVar("Ticket")


def sign(salt: str, payload: dict) -> str:
    return signing.TimestampSigner(salt=salt).sign_object(payload, compress=True)


def unsign(salt: str, token: str, lifetime: timedelta, build: Callable[[dict], Ticket]) -> Ticket:
    """The ticket behind a token; raises signing.SignatureExpired or signing.BadSignature."""
    payload = signing.TimestampSigner(salt=salt).unsign_object(token, max_age=lifetime)
    try:
        return build(payload)
    except (KeyError, TypeError, ValueError) as exc:  # signed by us, so only after a change
        raise signing.BadSignature("Unreadable ticket.") from exc


class Refused(Exception):
    """A link that answers with `response` instead of the map."""

    def __init__(self, response: HttpResponse):
        super().__init__(response.status_code)
        self.response = response


def open_ticket(
    token: str,
    read: Callable[[str], Ticket],
    *,
    what: str,
    limit: RateLimit,
) -> Ticket:
    """The ticket of a fetched link, or Refused: 410 once expired, 429 beyond the signer's
    rate, and Http404 for a token that is not ours (as for something that does not exist)."""
    try:
        ticket = read(token)
    except signing.SignatureExpired as exc:
        raise Refused(
            HttpResponse("This link has expired; ask the app for a new one.", status=410)
        ) from exc
    except signing.BadSignature as exc:
        raise Http404(f"No such {what}.") from exc
    if limit.hit(f"user:{ticket.user_id}") > limit.limit:
        response = HttpResponse(f"Too many {what}s at once; try again in a minute.", status=429)
        response["Retry-After"] = str(limit.retry_after())
        raise Refused(response)
    return ticket


def private(response: HttpResponse, lifetime: timedelta, filename: str) -> HttpResponse:
    """May be cached by the phone that asked, never by a shared cache; never sniffed."""
    max_age = max(0, math.floor(lifetime.total_seconds()))
    response["Cache-Control"] = f"private, max-age={max_age}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def absolute_url(info, url_name: str, token: str, *, unavailable: str) -> str:
    """The link for a ticket, absolute when the request is known (the phone opens it as is)."""
    try:
        path = reverse(url_name, args=[token])
    except NoReverseMatch as exc:  # the root URLconf does not include networks.urls
        raise PublicError(unavailable, code=ApiErrorCode.NOT_AVAILABLE) from exc
    request = info.context.request
    return request.build_absolute_uri(path) if request is not None else path
