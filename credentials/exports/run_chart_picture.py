"""A frozen run chart (the `chart` of a packet's RUN_CHART item) drawn again as a picture.

The packet keeps the chart's points, baseline, flagged points and notes (after the students
are pseudonymised); the pictures are drawn from that copy, never from the measure, so the SVG
in the ZIP and the PNG in the PDF show what the packet says, names scrubbed. The rules engine
is deterministic: the same points give the same median and signals as were frozen.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from improvement import chart_image
from improvement.run_chart import Point, RunChart, analyse

__all__ = ["SVG_CONTENT_TYPE", "chart_png", "chart_svg", "frozen_chart", "number_text"]

SVG_CONTENT_TYPE = "image/svg+xml"


def number_text(value: float) -> str:
    """A value as canonical content carries numbers that may not be integers: a string, the
    shortest that reads back as the same float ("12", "3.5")."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def frozen_chart(
    chart: Mapping[str, Any],
) -> tuple[RunChart, list[tuple[date, str]], str, str] | None:
    """(the chart, its notes, its title, its unit) from a frozen `chart`; None when it holds
    no point or is not one the packet wrote."""
    try:
        points = [
            Point(date=date.fromisoformat(p["date"]), value=float(p["value"]))
            for p in chart.get("points") or ()
        ]
        if not points:
            return None
        baseline = chart.get("baselineCount")
        flagged = {i for i, p in enumerate(chart.get("points") or ()) if p.get("astronomical")}
        run_chart = analyse(
            points,
            baseline_count=min(baseline, len(points)) if isinstance(baseline, int) else None,
            astronomical=flagged,
        )
        notes = [
            (date.fromisoformat(note["date"]), str(note.get("text") or ""))
            for note in chart.get("annotations") or ()
        ]
    except (KeyError, TypeError, ValueError):
        return None
    return run_chart, notes, str(chart.get("title") or ""), str(chart.get("unit") or "")


def chart_svg(chart: Mapping[str, Any]) -> bytes | None:
    found = frozen_chart(chart)
    if found is None:
        return None
    run_chart, notes, title, unit = found
    svg = chart_image.render_svg(run_chart, title=title, unit=unit, annotations=notes)
    return svg.encode("utf-8")


def chart_png(chart: Mapping[str, Any], *, size: tuple[int, int] = (1200, 800)) -> bytes | None:
    found = frozen_chart(chart)
    if found is None:
        return None
    run_chart, notes, title, unit = found
    return chart_image.render_png(run_chart, title=title, unit=unit, annotations=notes, size=size)
