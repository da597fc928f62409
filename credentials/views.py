"""The packet behind a download link (see `credentials.downloads`). Answers like every link of
the service (`backend.signed_links`): the document, or a JSON refusal."""

from django.http import HttpResponse

from backend import signed_links
from backend.signed_links import LinkNotFound, link_view
from backend.throttle import RateLimit

from . import downloads
from .exports.json_export import render_json
from .exports.pdf import render_pdf
from .exports.zip_export import render_zip
from .models import Packet


def _packet(ticket: downloads.Ticket) -> Packet:
    """The packet if the link's person is still active and still owns it."""
    packet = (
        Packet.objects.select_related("pursuit", "version__credential")
        .filter(
            pk=ticket.packet_id,
            pursuit__person_id=ticket.user_id,
            pursuit__person__is_active=True,
        )
        .first()
    )
    if packet is None:
        raise LinkNotFound
    return packet


def _serve(request, token: str, format: str):
    ticket = downloads.read(token, format)
    limit = RateLimit("credential-packet", downloads.FETCHES_PER_MINUTE, 60)
    signed_links.charge(limit, f"user:{ticket.user_id}")
    packet = _packet(ticket)
    if format == downloads.Format.JSON:
        body = render_json(packet.content)
    elif format == downloads.Format.PDF:
        body = render_pdf(packet.content)
    else:
        files = []
        for stored in packet.files.order_by("path"):
            with stored.file.open("rb") as handle:
                files.append((stored.path, handle.read()))
        body = render_zip(
            packet.content,
            packet.manifest,
            files,
            render_pdf(packet.content),
            packet.submitted_at,
        )
    response = HttpResponse(body, content_type=downloads.CONTENT_TYPES[format])
    name = (
        f"{packet.version.credential.key}-attempt-{packet.attempt}.{downloads.EXTENSIONS[format]}"
    )
    # Never kept by a shared cache, nor by the phone beyond the moment: it holds evidence.
    return signed_links.download(response, filename=name, max_age=None)


@link_view
def packet_pdf(request, token: str):
    return _serve(request, token, downloads.Format.PDF)


@link_view
def packet_zip(request, token: str):
    return _serve(request, token, downloads.Format.ZIP)


@link_view
def packet_json(request, token: str):
    return _serve(request, token, downloads.Format.JSON)
