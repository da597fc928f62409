"""The printable agenda page (see printable.py): a download link, checked again when opened.

It answers like every link of the service (`backend.signed_links`): the HTML page, or a JSON
refusal (404 `LINK_NOT_FOUND`, 410 `LINK_EXPIRED`).
"""

from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.template.loader import render_to_string

from backend import signed_links
from backend.signed_links import LinkNotFound, link_view

from .printable import agenda_context, read_agenda_token, visible_meeting

CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'"


@link_view
def printable_agenda(request, token: str):
    meeting_id, person_id = read_agenda_token(token)
    viewer = get_user_model().objects.filter(pk=person_id, is_active=True).first()
    meeting = visible_meeting(meeting_id=meeting_id, viewer=viewer) if viewer else None
    if meeting is None:
        raise LinkNotFound
    html = render_to_string(
        "cohorts/agenda.html", agenda_context(meeting=meeting, viewer=viewer), request=None
    )
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    # Notes may be on it: not kept anywhere, not even by the browser that printed it.
    return signed_links.download(response, filename=None, max_age=None)
