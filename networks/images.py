"""Pictures of a cohort's map behind signed, short-lived links.

Why a link and not the bytes in the GraphQL answer: phones load, cache and share images by URL
(image views, share sheets, mail attachments), and none of those can add our bearer header;
base64 in JSON would also add a third to the size of every answer that includes it. So
`networkMapImage` returns a URL whose last segment is a ticket signed with
`django.core.signing.TimestampSigner`: who asked (their user id), for which cohort, format, date
and size. The ticket is the permission, so it is short-lived (`TICKET_LIFETIME`), and when it
is fetched the view checks again that its signer is still active and may still see the cohort,
so losing access also ends the link early.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from networks import links
from networks.maps import NetworkMap
from networks.render import render_png, render_svg

TICKET_SALT = "networks.map-image"
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


def sign_ticket(ticket: ImageTicket) -> str:
    payload = {
        "u": ticket.user_id,
        "c": ticket.cohort_id,
        "f": ticket.format,
        "d": ticket.as_of.isoformat() if ticket.as_of else None,
        "s": ticket.size,
    }
    return links.sign(TICKET_SALT, payload)


def _ticket(payload: dict) -> ImageTicket:
    ticket = ImageTicket(
        user_id=int(payload["u"]),
        cohort_id=int(payload["c"]),
        format=str(payload["f"]),
        as_of=date.fromisoformat(payload["d"]) if payload["d"] else None,
        size=min(max(int(payload["s"]), MIN_SIZE), MAX_SIZE),
    )
    if ticket.format not in CONTENT_TYPES:
        raise ValueError("Unknown picture format.")
    return ticket


def read_ticket(token: str) -> ImageTicket:
    """The ticket behind a token; raises signing.SignatureExpired or signing.BadSignature."""
    return links.unsign(TICKET_SALT, token, TICKET_LIFETIME, _ticket)


def render_map(network_map: NetworkMap, image_format: str, size: int) -> bytes:
    """The map drawn as PNG or SVG bytes, dots coloured by role, labelled with names."""
    if image_format == "SVG":
        return render_svg(
            network_map.layout, network_map.visit_edges, network_map.labels, size=size
        ).encode("utf-8")
    return render_png(network_map.layout, network_map.visit_edges, network_map.labels, size=size)
