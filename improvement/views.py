"""The improvement app's link views. They answer like every link of the service
(`backend.signed_links`): the content, or a JSON refusal (404 `LINK_NOT_FOUND`, 410
`LINK_EXPIRED`, 429 `RATE_LIMITED`)."""

from django.http import HttpResponse

from backend import signed_links
from backend.signed_links import link_view
from backend.throttle import RateLimit

from . import chart_links


@link_view
def run_chart_image(request, token: str):
    """PNG or SVG of a run chart (see `improvement.chart_links`). The token is the permission:
    no sign-in, no cookies. LINK_NOT_FOUND also when its person may no longer see the chart
    (the same answer as for a measure that does not exist)."""
    ticket = chart_links.read(token)
    limit = RateLimit("run-chart-image", chart_links.RENDERS_PER_MINUTE, 60)
    signed_links.charge(limit, f"user:{ticket.viewer_id}")
    drawn = chart_links.chart_for(ticket)
    body = chart_links.render(drawn, ticket.format, ticket.size)
    response = HttpResponse(body, content_type=chart_links.CONTENT_TYPES[ticket.format])
    # An SVG opened on its own runs nothing and loads nothing.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    # The phone that asked may keep the picture while its link lives; a shared cache never.
    max_age = signed_links.seconds_until(ticket.expires_at) if ticket.expires_at else 0
    return signed_links.download(
        response, filename=chart_links.filename(drawn, ticket.format), max_age=max_age
    )
