"""Expiring links to the photos of an improvement library entry (see `backend.signed_links`).

A library entry's photos are copies frozen with its snapshot (`improvement.snapshot`); the
`LibraryPhoto` type hands out links whose token (`LinkKind.LIBRARY_PHOTO`) says which entry,
which of its photos and for which viewer, encrypted. When one is opened the view
(`views.library_photo`) checks again that the viewer is active, that the entry is still live
and that the viewer may still see it (in its scope, or its owner); otherwise it answers 404
`LINK_NOT_FOUND` like every link of the service. Expiry steps like photo links
(`observations.photo_links`), so one viewer gets the same URL for a few minutes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse

from backend.signed_links import LinkKind, LinkNotFound, open_token, seal
from observations.photo_links import expires_at

URL_NAME = "improvement:library-photo"


@dataclass(frozen=True, slots=True)
class LibraryPhotoLink:
    entry_id: int
    index: int
    viewer_id: int


def sign(*, entry_id: int, index: int, viewer_id: int, now: float | None = None) -> str:
    return seal(LinkKind.LIBRARY_PHOTO, [entry_id, index, viewer_id], expires_at=expires_at(now))


def read(token: str) -> tuple[LibraryPhotoLink, datetime]:
    """The link behind a token and when it expires; LinkNotFound or LinkExpired otherwise."""
    opened = open_token(LinkKind.LIBRARY_PHOTO, token)
    try:
        entry_id, index, viewer_id = opened.payload
        link = LibraryPhotoLink(int(entry_id), int(index), int(viewer_id))
    except (TypeError, ValueError) as exc:  # sealed by us, so only after a change of format
        raise LinkNotFound from exc
    return link, opened.expires_at


def photo_url(*, entry_id: int, index: int, viewer, request=None) -> str:
    """An absolute URL when there is a request (HTTP), else the path (WebSocket)."""
    token = sign(entry_id=entry_id, index=index, viewer_id=viewer.pk)
    path = reverse(URL_NAME, kwargs={"token": token})
    return request.build_absolute_uri(path) if request is not None else path
