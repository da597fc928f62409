"""Pictures of a cohort's map behind short-lived download links.

Why a link and not the bytes in the GraphQL answer: phones load, cache and share images by URL
(image views, share sheets, mail attachments), and none of those can add our bearer header;
base64 in JSON would also add a third to the size of every answer that includes it. So
`networkMapImage` returns a URL whose last segment is an opaque ticket of
`LinkKind.MAP_IMAGE` (`backend.signed_links`): who asked (their user id), for which cohort,
format, date and size, encrypted. The ticket is the permission, so it is short-lived
(`TICKET_LIFETIME`), and when it is fetched the view checks again that its signer is still
active and may still see the cohort, so losing access also ends the link early.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from backend.signed_links import LinkKind, LinkNotFound, open_token, seal
from networks.maps import NetworkMap
from networks.render import render_png, render_svg

TICKET_LIFETIME = timedelta(minutes=15)
DEFAULT_SIZE = 1024
MIN_SIZE = 256
MAX_SIZE = 2048
RENDERS_PER_MINUTE = 30
"""Pictures drawn per minute for one signer's links (a leaked link cannot keep us drawing)."""
CONTENT_TYPES = {"PNG": "image/png", "SVG": "image/svg+xml"}


@dataclass(frozen=True, slots=True)
class ImageTicket:
    user_id: int
    cohort_id: int
    format: str
    as_of: date | None
    size: int
    expires_at: datetime | None = None
    """Set on a ticket read from a token."""


def sign_ticket(ticket: ImageTicket, *, expires_at: datetime) -> str:
    """The token of a ticket, good until `expires_at` (whole seconds)."""
    payload = [
        ticket.user_id,
        ticket.cohort_id,
        ticket.format,
        ticket.as_of.isoformat() if ticket.as_of else None,
        ticket.size,
    ]
    return seal(LinkKind.MAP_IMAGE, payload, expires_at=expires_at)


def read_ticket(token: str) -> ImageTicket:
    """The ticket behind a token; raises signed_links.LinkNotFound or LinkExpired."""
    opened = open_token(LinkKind.MAP_IMAGE, token)
    try:
        user_id, cohort_id, image_format, as_of, size = opened.payload
        ticket = ImageTicket(
            user_id=int(user_id),
            cohort_id=int(cohort_id),
            format=str(image_format),
            as_of=date.fromisoformat(as_of) if as_of else None,
            size=min(max(int(size), MIN_SIZE), MAX_SIZE),
            expires_at=opened.expires_at,
        )
    except (TypeError, ValueError) as exc:  # sealed by us, so only after a change of format
        raise LinkNotFound from exc
    if ticket.format not in CONTENT_TYPES:
        raise LinkNotFound
    return ticket


def render_map(network_map: NetworkMap, image_format: str, size: int) -> bytes:
    """The map drawn as PNG or SVG bytes, dots coloured by role, labelled with names."""
    if image_format == "SVG":
        return render_svg(
            network_map.layout, network_map.visit_edges, network_map.labels, size=size
        ).encode("utf-8")
    return render_png(network_map.layout, network_map.visit_edges, network_map.labels, size=size)
