"""Plain HTTP routes of the improvement app: pictures behind signed links. Each answers like
every link of the service (`backend.signed_links`): the picture, or a JSON refusal."""

from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.http import HttpResponse

from backend import signed_links
from backend.signed_links import LinkNotFound, link_view

from . import library_links, selectors_library


@link_view
def library_photo(request, token: str):
    """A library entry's photo (a frozen copy) as a JPEG, for the viewer the link was made
    for, while the entry is live and the viewer may still see it; else LINK_NOT_FOUND."""
    link, expires_at = library_links.read(token)
    viewer = get_user_model().objects.filter(pk=link.viewer_id, is_active=True).first()
    entry = (
        selectors_library.entries_visible_to(viewer)
        .filter(pk=link.entry_id, unpublished_at__isnull=True)
        .only("snapshot")
        .first()
        if viewer is not None
        else None
    )
    photos = (entry.snapshot or {}).get("photos") or [] if entry is not None else []
    if not 0 <= link.index < len(photos):
        raise LinkNotFound
    name = photos[link.index].get("file")
    if not isinstance(name, str) or not name:
        raise LinkNotFound
    try:
        with default_storage.open(name, "rb") as handle:
            body = handle.read()
    except OSError as exc:
        raise LinkNotFound from exc
    response = HttpResponse(body, content_type="image/jpeg")
    response["Content-Security-Policy"] = "default-src 'none'"
    return signed_links.download(
        response, filename="photo.jpg", max_age=signed_links.seconds_until(expires_at)
    )
