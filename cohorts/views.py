"""The printable agenda page (see printable.py): a signed link, checked again when opened."""

from django.contrib.auth import get_user_model
from django.core import signing
from django.http import HttpResponse, HttpResponseGone, HttpResponseNotFound
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from .printable import agenda_context, read_agenda_token, visible_meeting

SECURITY_HEADERS = {
    "Cache-Control": "private, no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
}


def _with_headers(response: HttpResponse) -> HttpResponse:
    for header, value in SECURITY_HEADERS.items():
        response[header] = value
    return response


@require_GET
def printable_agenda(request, token: str):
    try:
        meeting_id, person_id = read_agenda_token(token)
    except signing.SignatureExpired:
        return _with_headers(
            HttpResponseGone("This link has expired. Open the agenda from the app again.")
        )
    except signing.BadSignature:
        return _with_headers(HttpResponseNotFound("No such agenda."))
    viewer = get_user_model().objects.filter(pk=person_id, is_active=True).first()
    meeting = visible_meeting(meeting_id=meeting_id, viewer=viewer) if viewer else None
    if meeting is None:
        return _with_headers(HttpResponseNotFound("No such agenda."))
    html = render_to_string(
        "cohorts/agenda.html", agenda_context(meeting=meeting, viewer=viewer), request=None
    )
    return _with_headers(HttpResponse(html, content_type="text/html; charset=utf-8"))
