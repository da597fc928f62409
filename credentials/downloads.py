"""A submitted packet as PDF, ZIP or JSON behind a short-lived signed link.

Phones hand documents to a share sheet or a viewer by URL, which cannot carry our bearer
header, so the link is the permission (`backend.signed_links`): its token says which packet,
whose link it is and in which format, encrypted, for `LINK_LIFETIME`. When it is opened the
view checks again that its person is still active and still owns the packet; otherwise it
answers 404 `LINK_NOT_FOUND` like any link of the service. Everything is rendered from the
frozen packet, never from the records it came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from backend.signed_links import LinkKind, LinkNotFound, open_token, seal

LINK_LIFETIME = timedelta(minutes=15)
FETCHES_PER_MINUTE = 30
"""Renders per minute for one person's links (a leaked link cannot keep us busy)."""


class Format:
    PDF = "PDF"
    ZIP = "ZIP"
    JSON = "JSON"


KINDS = {
    Format.PDF: LinkKind.PACKET_PDF,
    Format.ZIP: LinkKind.PACKET_ZIP,
    Format.JSON: LinkKind.PACKET_JSON,
}
CONTENT_TYPES = {
    Format.PDF: "application/pdf",
    Format.ZIP: "application/zip",
    Format.JSON: "application/json",
}
EXTENSIONS = {Format.PDF: "pdf", Format.ZIP: "zip", Format.JSON: "json"}


@dataclass(frozen=True)
class Ticket:
    packet_id: int
    user_id: int
    expires_at: datetime | None = None


def sign(*, packet_id: int, user_id: int, format: str, expires_at: datetime) -> str:
    return seal(KINDS[format], [packet_id, user_id], expires_at=expires_at)


def read(token: str, format: str) -> Ticket:
    """The ticket behind a token of `format`; LinkNotFound or LinkExpired otherwise."""
    opened = open_token(KINDS[format], token)
    try:
        packet_id, user_id = opened.payload
        return Ticket(int(packet_id), int(user_id), opened.expires_at)
    except (TypeError, ValueError) as exc:
        raise LinkNotFound from exc
