"""Run-chart pictures behind short-lived download links (`LinkKind.RUN_CHART_IMAGE`).

Why a link and not bytes in the GraphQL answer: phones load, cache and share images by URL, and
none of those can add our bearer header (see `backend.signed_links`). So `RunChart.imageUrl`
returns a URL whose last segment is an opaque token carrying: where the chart comes from (a
*source* and its id), who asked (their user id), the format and the size. The token is the
permission, so it lives `LINK_LIFETIME`, and when it is opened the source checks again that
the person who asked may still see the chart: the measure still exists, is still theirs and
they are still active. Otherwise the answer is 404 `LINK_NOT_FOUND`, the same as for an altered
token, so nothing can be probed.

Sources: one link kind and one view for every run chart the service draws. A source is a name
sealed in the token (`ChartSource`) and a loader in `LOADERS` that turns (source id, viewer id)
into the chart to draw, or raises LinkNotFound: `measure` (a teacher's own measure, drawn from
`selectors.run_chart`, the analysis `RunChart` shows) and `library` (a measure frozen in a
published library entry, by its position, while the entry is live and the viewer in its
scope).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from backend.signed_links import LinkKind, LinkNotFound, open_token, seal

from . import selectors, selectors_library, snapshot
from .chart_image import render_png, render_svg
from .models import Measure

LINK_LIFETIME = timedelta(minutes=15)
RENDERS_PER_MINUTE = 30
"""Pictures drawn per minute for one person's links (a leaked link cannot keep us drawing)."""
URL_NAME = "improvement:run-chart-image"


class ChartImageFormat(StrEnum):
    PNG = "PNG"
    SVG = "SVG"


class ChartImageSize(StrEnum):
    PHONE = "PHONE"
    PRINT = "PRINT"


class ChartSource(StrEnum):
    """Where a linked chart comes from. The value is sealed in tokens: never rename one."""

    MEASURE = "measure"
    LIBRARY = "library"


PIXELS = {ChartImageSize.PHONE: (720, 480), ChartImageSize.PRINT: (1600, 1000)}
CONTENT_TYPES = {ChartImageFormat.PNG: "image/png", ChartImageFormat.SVG: "image/svg+xml"}
EXTENSIONS = {ChartImageFormat.PNG: "png", ChartImageFormat.SVG: "svg"}


@dataclass(frozen=True, slots=True)
class ChartTicket:
    """What a chart link's token says."""

    source: ChartSource
    source_id: int
    viewer_id: int
    format: ChartImageFormat
    size: ChartImageSize
    part: int = 0
    """Which chart of the source: a library entry's measure by its position; 0 otherwise."""
    expires_at: datetime | None = None
    """Set on a ticket read from a token."""


@dataclass(frozen=True, slots=True)
class ChartToDraw:
    """A chart a source found for the link's person, with what the picture writes on it."""

    found: selectors.MeasureChart
    title: str
    unit: str

    @property
    def last_day(self) -> date:
        return self.found.chart.points[-1].date


def link_expiry() -> datetime:
    """When a link made now stops working, in whole seconds (as its token says)."""
    return timezone.now().replace(microsecond=0) + LINK_LIFETIME


def sign(ticket: ChartTicket, *, expires_at: datetime) -> str:
    payload = [
        ticket.source.value,
        ticket.source_id,
        ticket.viewer_id,
        ticket.format.value,
        ticket.size.value,
        ticket.part,
    ]
    return seal(LinkKind.RUN_CHART_IMAGE, payload, expires_at=expires_at)


def read(token: str) -> ChartTicket:
    """The ticket behind a token; raises LinkNotFound or LinkExpired (backend.signed_links)."""
    opened = open_token(LinkKind.RUN_CHART_IMAGE, token)
    try:
        source, source_id, viewer_id, image_format, size, part = opened.payload
        return ChartTicket(
            source=ChartSource(source),
            source_id=int(source_id),
            viewer_id=int(viewer_id),
            format=ChartImageFormat(image_format),
            size=ChartImageSize(size),
            part=int(part),
            expires_at=opened.expires_at,
        )
    except (TypeError, ValueError) as exc:  # sealed by us, so only after a change of format
        raise LinkNotFound from exc


def chart_image_url(
    *,
    source: ChartSource,
    source_id: int,
    viewer_id: int,
    format: ChartImageFormat = ChartImageFormat.PNG,
    size: ChartImageSize = ChartImageSize.PHONE,
    part: int = 0,
    request=None,
) -> str:
    """A link to the picture of a chart, made for `viewer_id` (who must see it now: the
    caller has checked). Absolute when the request is known. Costs no query."""
    ticket = ChartTicket(
        source, source_id, viewer_id, ChartImageFormat(format), ChartImageSize(size), part
    )
    path = reverse(URL_NAME, args=[sign(ticket, expires_at=link_expiry())])
    return request.build_absolute_uri(path) if request is not None else path


# --- sources ----------------------------------------------------------------------------------


def _measure_chart(measure_id: int, viewer_id: int, part: int) -> ChartToDraw:
    """The run chart of a measure that is still the link's person's own (who is still active),
    drawn from the same analysis `RunChart` shows."""
    measure = selectors.with_chart_data(
        Measure.objects.filter(pk=measure_id, owner_id=viewer_id, owner__is_active=True)
    ).first()
    found = selectors.run_chart(measure) if measure is not None else None
    if measure is None or found is None:  # gone, not theirs, or its points were all removed
        raise LinkNotFound
    return ChartToDraw(found=found, title=measure.name, unit=measure.unit)


def _library_chart(entry_id: int, viewer_id: int, part: int) -> ChartToDraw:
    """The chart of the `part`-th measure frozen in a library entry, while the entry is live
    and the link's person (still active) may see it: the same chart `LibraryMeasure.runChart`
    shows, drawn from the snapshot, never from the owner's live measure."""
    viewer = get_user_model().objects.filter(pk=viewer_id, is_active=True).first()
    entry = (
        selectors_library.entries_visible_to(viewer)
        .filter(pk=entry_id, unpublished_at__isnull=True)
        .only("snapshot")
        .first()
        if viewer is not None
        else None
    )
    measures = (entry.snapshot or {}).get("measures") or [] if entry is not None else []
    if not 0 <= part < len(measures):
        raise LinkNotFound
    found = snapshot.chart_of(measures[part])
    if found is None:
        raise LinkNotFound
    measure = measures[part]
    return ChartToDraw(found=found, title=measure["name"], unit=measure.get("unit") or "")


LOADERS: dict[ChartSource, Callable[[int, int, int], ChartToDraw]] = {
    ChartSource.MEASURE: _measure_chart,
    ChartSource.LIBRARY: _library_chart,
}


def chart_for(ticket: ChartTicket) -> ChartToDraw:
    """The dispatcher the view calls: the ticket's source loads the chart, or LinkNotFound."""
    loader = LOADERS.get(ticket.source)
    if loader is None:
        raise LinkNotFound
    return loader(ticket.source_id, ticket.viewer_id, ticket.part)


def render(drawn: ChartToDraw, image_format: ChartImageFormat, size: ChartImageSize) -> bytes:
    """The chart as PNG or SVG bytes at the size's pixels."""
    chart, pixels = drawn.found.chart, PIXELS[size]
    notes = [(note.on, note.text) for note in drawn.found.annotations]
    if image_format is ChartImageFormat.SVG:
        svg = render_svg(chart, title=drawn.title, unit=drawn.unit, annotations=notes, size=pixels)
        return svg.encode("utf-8")
    return render_png(chart, title=drawn.title, unit=drawn.unit, annotations=notes, size=pixels)


def filename(drawn: ChartToDraw, image_format: ChartImageFormat) -> str:
    return f"run-chart-{drawn.last_day.isoformat()}.{EXTENSIONS[image_format]}"
