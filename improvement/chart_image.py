"""A run chart as SVG text or PNG bytes, for the phone, a printed packet and the library.

Both formats draw one scene, built once from the `RunChart` the rules engine returns: the points
in time order (evenly spaced, as run charts are read by order, not by calendar distance) joined
by a line; the median as a horizontal line labelled with its value (solid over the baseline and
dashed after it when the teacher marked a baseline, then labelled "baseline median"); the points
that make a shift, a trend or a flagged astronomical point drawn larger, filled and in a colour
AND a shape of their own (square, triangle pointing the trend's way, diamond), so the chart
reads in black and white too; a short legend of the signals under the chart; annotations as
dashed vertical markers at their dates with short labels above the plot; dates along the bottom
(first, last and a few between) and values up the side; the title and the unit; and, when the
rules are not yet reliable (fewer than 10 useful points), a note saying so under the title.

Too few or too many runs belong to the whole chart (their points are every useful point), so
they are listed in the legend but do not highlight points: marking every point says nothing
about where to look.

Sizes are in pixels and everything scales with the smaller of width / 720 and height / 480, so a
phone-sized 720 x 480 and a print-sized 1600 x 1000 have the same proportions. The output is
deterministic: the same chart and arguments give the same bytes.
"""

from __future__ import annotations

import functools
import io
import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from PIL import Image, ImageDraw, ImageFont

from improvement.run_chart import MIN_USEFUL_OBSERVATIONS, Direction, RunChart, SignalKind

MIN_SIZE = (320, 200)
BACKGROUND = "#ffffff"
TEXT = "#111827"
MUTED = "#4b5563"
GRID = "#e5e7eb"
AXIS = "#374151"
SERIES_LINE = "#9ca3af"
POINT_FILL = "#374151"
MEDIAN = "#0072b2"
ANNOTATION = "#6b7280"
NOTE_FILL = "#fef3c7"
NOTE_TEXT = "#78350f"
MARKER_OUTLINE = "#111827"
# Okabe-Ito colours (safe for the common colour-vision deficiencies); the shapes differ as well.
SIGNAL_STYLE: dict[SignalKind, tuple[str, str]] = {
    SignalKind.SHIFT: ("square", "#d55e00"),
    SignalKind.TREND: ("triangle", "#cc79a7"),
    SignalKind.ASTRONOMICAL: ("diamond", "#e69f00"),
}
# A point in several signals takes the first kind here: the teacher's own flag, then the shift.
HIGHLIGHT_ORDER = (SignalKind.ASTRONOMICAL, SignalKind.SHIFT, SignalKind.TREND)
MAX_TITLE_CHARS = 80
MAX_UNIT_CHARS = 40
MAX_ANNOTATION_CHARS = 18
MAX_ANNOTATION_ROWS = 3
MAX_LEGEND_ROWS = 4
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
FONT_FAMILY = "DejaVu Sans, Verdana, Arial, sans-serif"
# The DejaVu fonts vendored for the credential packets (a file, not an import), then the system's.
_VENDORED_FONTS = Path(__file__).resolve().parent.parent / "backend" / "fonts"
FONTS = {
    False: (str(_VENDORED_FONTS / "DejaVuSans.ttf"), "DejaVuSans.ttf"),
    True: (str(_VENDORED_FONTS / "DejaVuSans-Bold.ttf"), "DejaVuSans-Bold.ttf"),
}
# Average advance of a DejaVu Sans character in ems, for laying text out without a font at hand
# (the SVG is drawn by the reader's browser); generous so labels do not collide.
_CHAR_EM = 0.62
# Characters XML 1.0 forbids even when escaped; a label pasted with one would break the SVG.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


# --- the scene both formats draw ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Rect:
    x: float
    y: float
    width: float
    height: float
    fill: str
    cls: str


@dataclass(frozen=True, slots=True)
class _Line:
    points: tuple[tuple[float, float], ...]
    colour: str
    width: float
    dash: tuple[float, float] | None
    cls: str


@dataclass(frozen=True, slots=True)
class _Marker:
    shape: str  # circle, square, triangle, triangle-down, diamond
    x: float
    y: float
    radius: float
    fill: str
    outline: str | None
    outline_width: float
    cls: str
    attrs: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class _Text:
    x: float
    y: float  # baseline
    text: str
    px: float
    colour: str
    anchor: str  # start, middle, end
    bold: bool
    cls: str


@dataclass(frozen=True, slots=True)
class _Group:
    """Shapes that belong together (one annotation); `title` is the SVG tooltip."""

    cls: str
    shapes: tuple[_Rect | _Line | _Marker | _Text, ...]
    title: str
    attrs: tuple[tuple[str, str], ...] = ()


_Shape = _Rect | _Line | _Marker | _Text | _Group


def render_svg(
    chart: RunChart,
    *,
    title: str,
    unit: str,
    annotations: Sequence[tuple[date, str]] = (),
    size: tuple[int, int] = (720, 480),
) -> str:
    """The chart as a standalone SVG document of `size` (width, height) pixels.

    Every text is escaped. Points are `<circle class="point">` (ordinary) or shapes of class
    `signal-point` carrying `data-index` (from 0) and `data-signals`; each annotation is a
    `<g class="annotation">` with a `<title>` holding its full label."""
    width, height = size
    shapes = _scene(chart, title, unit, annotations, size)
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f"font-family={quoteattr(FONT_FAMILY)}>",
        f'<rect width="{width}" height="{height}" fill="{BACKGROUND}"/>',
    ]
    parts.extend(_svg(shape) for shape in shapes)
    parts.append("</svg>")
    return "\n".join(parts)


def render_png(
    chart: RunChart,
    *,
    title: str,
    unit: str,
    annotations: Sequence[tuple[date, str]] = (),
    size: tuple[int, int] = (720, 480),
    supersample: int = 2,
) -> bytes:
    """The same chart as `render_svg`, as PNG bytes of `size` (width, height) pixels.

    ImageDraw does not anti-alias shapes, so the chart is drawn `supersample` times larger and
    scaled down. Text is set in DejaVu Sans (the copy vendored for the packets, else the
    system's, else Pillow's own font)."""
    width, height = size
    shapes = _scene(chart, title, unit, annotations, size)
    k = max(1, supersample)
    image = Image.new("RGB", (width * k, height * k), BACKGROUND)
    draw = ImageDraw.Draw(image)
    for shape in shapes:
        _png(draw, shape, k)
    if k > 1:
        image = image.resize((width, height), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _scene(
    chart: RunChart,
    title: str,
    unit: str,
    annotations: Sequence[tuple[date, str]],
    size: tuple[int, int],
) -> list[_Shape]:
    width, height = size
    if width < MIN_SIZE[0] or height < MIN_SIZE[1]:
        raise ValueError(f"a run chart needs at least {MIN_SIZE[0]} x {MIN_SIZE[1]} pixels")
    u = min(width / 720, height / 480)
    title_px, text_px, small_px = 22 * u, 15 * u, 13 * u
    pad = 14 * u
    row = small_px * 1.45
    points = chart.points
    n = len(points)
    values = [p.value for p in points]

    # Values: "nice" ticks around the points and the median.
    # A little room above and below keeps the extreme points off the axis line.
    low, high = min(*values, chart.median), max(*values, chart.median)
    ticks = _nice_ticks(low - (high - low) * 0.04, high + (high - low) * 0.04, 5)
    tick_labels = [_number(t, ticks[1] - ticks[0]) for t in ticks]
    left = pad + max(_text_width(t, small_px) for t in tick_labels) + 8 * u
    right = width - pad - 6 * u
    plot_w = right - left
    # Half a step of room on either side keeps the first and last markers off the axes.
    step = plot_w / n

    def x_of(position: float) -> float:
        return left + step * (position + 0.5)

    # Top: title, the unit (and the not-reliable note), then rows of annotation labels.
    y = pad + title_px
    heading = _fit(title, width - 2 * pad, title_px * 1.12, MAX_TITLE_CHARS)
    shapes: list[_Shape] = [_Text(pad, y, heading, title_px, TEXT, "start", True, "title")]
    if not chart.reliable:
        note = (
            f"Not yet reliable: {chart.useful_observations} points off the median, "
            f"the rules need {MIN_USEFUL_OBSERVATIONS}"
        )
        # Bold text runs about an eighth wider than the estimate for regular text.
        note = _fit(note, width - 2 * pad - 12 * u, small_px * 1.12, 200)
        top = y + 8 * u
        shapes.append(_Rect(pad, top, _text_width(note, small_px * 1.12) + 12 * u, row + 4 * u,
                            NOTE_FILL, "not-reliable-box"))  # fmt: skip
        y = top + row + 4 * u
        shapes.append(_Text(pad + 6 * u, y - 2 * u - row * 0.28, note, small_px, NOTE_TEXT,
                            "start", True, "not-reliable"))  # fmt: skip
    y += small_px * 1.6
    unit_text = _fit(unit, plot_w, small_px, MAX_UNIT_CHARS)
    if unit_text:
        shapes.append(_Text(pad, y, unit_text, small_px, MUTED, "start", False, "unit"))

    placed = _place_annotations(chart, annotations, x_of, right, small_px, u)
    rows_used = max((r for _, _, _, r, _ in placed), default=-1) + 1
    plot_top = y + 8 * u + rows_used * row + (4 * u if rows_used else 0)

    # Bottom: date labels, then the legend of signals.
    legend = _legend(chart)
    if len(legend) > MAX_LEGEND_ROWS:
        more = len(legend) - (MAX_LEGEND_ROWS - 1)
        legend = [*legend[: MAX_LEGEND_ROWS - 1], (None, f"and {more} more signals")]
    legend_row = text_px * 1.5
    plot_bottom = height - pad - len(legend) * legend_row - small_px * 1.9
    plot_h = plot_bottom - plot_top
    if plot_h < 40 * u:
        raise ValueError("the chart has too much text for its size")
    low, high = ticks[0], ticks[-1]

    def y_of(value: float) -> float:
        return plot_bottom - (value - low) / (high - low) * plot_h

    for tick, label in zip(ticks, tick_labels, strict=True):
        ty = y_of(tick)
        shapes.append(_Line(((left, ty), (right, ty)), GRID, max(1.0, u), None, "grid"))
        shapes.append(_Text(left - 6 * u, ty + small_px * 0.35, label, small_px, MUTED, "end",
                            False, "value-label"))  # fmt: skip
    shapes.append(_Line(((left, plot_top), (left, plot_bottom), (right, plot_bottom)), AXIS,
                        max(1.0, 1.5 * u), None, "axis"))  # fmt: skip

    # Dates along the bottom.
    for index, label in _date_labels(points, plot_w, small_px):
        tx = x_of(index)
        half = _text_width(label, small_px) / 2
        anchor = "end" if tx + half > width - pad / 2 else "middle"
        anchor = "start" if tx - half < pad / 2 else anchor
        shapes.append(_Line(((tx, plot_bottom), (tx, plot_bottom + 5 * u)), AXIS,
                            max(1.0, u), None, "tick"))  # fmt: skip
        shapes.append(_Text(tx, plot_bottom + 5 * u + small_px * 1.05, label, small_px, MUTED,
                            anchor, False, "date-label"))  # fmt: skip

    # Annotations: a dashed line from its label down to the axis.
    for ax, label, anchor, row_index, full in placed:
        label_y = y + 8 * u + (row_index + 1) * row - row * 0.3
        group: list[_Rect | _Line | _Marker | _Text] = [
            _Line(((ax, label_y - small_px * 0.8), (ax, plot_bottom)), ANNOTATION,
                  max(1.0, 1.5 * u), (6 * u, 4 * u), "annotation-line"),
        ]  # fmt: skip
        if label:
            tx = ax + 4 * u if anchor == "start" else ax - 4 * u
            group.append(_Text(tx, label_y, label, small_px, TEXT, anchor, False,
                               "annotation-label"))  # fmt: skip
        shapes.append(_Group("annotation", tuple(group), f"{full[0].isoformat()}: {full[1]}",
                             (("data-date", full[0].isoformat()),)))  # fmt: skip

    # The median: solid over the baseline, dashed where it is carried on past it.
    my = y_of(chart.median)
    word = "baseline median" if chart.baseline_count else "median"
    if chart.baseline_count and chart.baseline_count < n:
        split = x_of(chart.baseline_count - 0.5)
        shapes.append(_Line(((left, my), (split, my)), MEDIAN, 2.5 * u, None, "median"))
        shapes.append(_Line(((split, my), (right, my)), MEDIAN, 2.5 * u, (10 * u, 6 * u),
                            "median-extended"))  # fmt: skip
    else:
        shapes.append(_Line(((left, my), (right, my)), MEDIAN, 2.5 * u, None, "median"))
    median_label = f"{word} {_number(chart.median)}"
    if unit_text and len(unit_text) <= 12:
        median_label += f" {unit_text}"
    # Above the line unless that would leave the plot, then below it.
    label_y = my - 5 * u if my - text_px > plot_top else my + text_px + 2 * u
    shapes.append(_Text(right - 4 * u, label_y, median_label, text_px, MEDIAN, "end", True,
                        "median-label"))  # fmt: skip

    # The points, joined in order, highlighted where a signal names them.
    xy = [(x_of(i), y_of(v)) for i, v in enumerate(values)]
    if n > 1:
        shapes.append(_Line(tuple(xy), SERIES_LINE, 2 * u, None, "series"))
    highlighted = _highlighted(chart)
    for index, (px, py) in enumerate(xy):
        kinds = highlighted.get(index)
        if not kinds:
            shapes.append(_Marker("circle", px, py, 4 * u, POINT_FILL, None, 0, "point",
                                  (("data-index", str(index)),)))  # fmt: skip
            continue
        kind, direction = kinds[0]
        shape, colour = SIGNAL_STYLE[kind]
        if shape == "triangle" and direction is Direction.DOWN:
            shape = "triangle-down"
        attrs = (("data-index", str(index)), ("data-signals", " ".join(k for k, _ in kinds)))
        shapes.append(_Marker(shape, px, py, 8 * u, colour, MARKER_OUTLINE, 1.5 * u,
                              "signal-point", attrs))  # fmt: skip

    # The legend.
    ly = plot_bottom + 5 * u + small_px * 1.9
    for entry_shape, text in legend:
        ly += legend_row
        tx = pad
        if entry_shape is not None:
            shape, colour = entry_shape
            shapes.append(_Marker(shape, pad + 7 * u, ly - text_px * 0.35, 7 * u, colour,
                                  MARKER_OUTLINE, 1.5 * u, "legend-marker"))  # fmt: skip
            tx = pad + 20 * u
        text = _fit(text, width - pad - tx, text_px, 200)
        shapes.append(_Text(tx, ly, text, text_px, TEXT, "start", False, "legend"))
    return shapes


def _highlighted(chart: RunChart) -> dict[int, list[tuple[SignalKind, Direction | None]]]:
    """Each highlighted point with the signals naming it, the one that styles it first."""
    found: dict[int, list[tuple[SignalKind, Direction | None]]] = {}
    for kind in HIGHLIGHT_ORDER:
        for signal in chart.signals_of(kind):
            for index in signal.indexes:
                if all(k is not kind for k, _ in found.get(index, [])):
                    found.setdefault(index, []).append((kind, signal.direction))
    return found


def _legend(chart: RunChart) -> list[tuple[tuple[str, str] | None, str]]:
    entries: list[tuple[tuple[str, str] | None, str]] = []
    for signal in chart.signals:
        first, last = signal.indexes[0] + 1, signal.indexes[-1] + 1
        if signal.kind is SignalKind.SHIFT:
            text = f"Shift {signal.side} the median: points {first} to {last}"
        elif signal.kind is SignalKind.TREND:
            word = "rising" if signal.direction is Direction.UP else "falling"
            text = f"Trend, {word}: points {first} to {last}"
        elif signal.kind is SignalKind.ASTRONOMICAL:
            text = f"Marked as unusual: point {first}"
        else:
            lower, upper = chart.runs_limits or (0, 0)
            few = signal.kind is SignalKind.TOO_FEW_RUNS
            text = (
                f"Too {'few' if few else 'many'} runs: {chart.run_count} "
                f"(chance gives {lower} to {upper})"
            )
            entries.append((None, text))
            continue
        shape, colour = SIGNAL_STYLE[signal.kind]
        if signal.kind is SignalKind.TREND and signal.direction is Direction.DOWN:
            shape = "triangle-down"
        entries.append(((shape, colour), text))
    if not entries:
        entries.append((None, "No signal: no shift, trend or unusual number of runs"))
    return entries


def _place_annotations(chart, annotations, x_of, right, px, u):
    """Each annotation's x (between the points around its date), its label cut to fit, which
    side of the line the label sits, and its row above the plot (rows stack labels that would
    overlap; past the last row a label is shortened to the room left, or left out)."""
    points = chart.points
    rows: list[list[tuple[float, float]]] = []
    placed = []
    for day, raw in sorted(annotations, key=lambda a: a[0]):
        x = x_of(_position(points, day))
        full = (day, _xml_safe(raw))
        label = _truncate(full[1], MAX_ANNOTATION_CHARS)
        wide = _text_width(label, px) + 4 * u
        anchor = "start" if x + 4 * u + wide <= right else "end"
        span = (x, x + 4 * u + wide) if anchor == "start" else (x - 4 * u - wide, x)
        row = next(
            (i for i, taken in enumerate(rows) if all(_apart(span, t, 6 * u) for t in taken)),
            None,
        )
        if row is None and len(rows) < MAX_ANNOTATION_ROWS:
            rows.append([])
            row = len(rows) - 1
        if row is None:
            row, label, span = _squeeze(rows, x, label, anchor, px, u)
        rows[row].append(span)
        placed.append((x, label, anchor, row, full))
    return placed


def _squeeze(rows, x, label, anchor, px, u):
    """The row with the most room beside `x`, and the label cut to that room ("" if none)."""
    best_row, best_room = 0, -1.0
    for i, taken in enumerate(rows):
        if anchor == "start":
            room = min((a - x for a, _ in taken if a > x), default=math.inf)
        else:
            room = min((x - b for _, b in taken if b < x), default=math.inf)
        if room > best_room:
            best_row, best_room = i, room
    while label and _text_width(label, px) + 10 * u > best_room:
        label = _truncate(label, len(label) - 1) if len(label) > 3 else ""
    wide = _text_width(label, px) + 4 * u if label else 0
    span = (x, x + wide) if anchor == "start" else (x - wide, x)
    return best_row, label, span


def _apart(a: tuple[float, float], b: tuple[float, float], gap: float) -> bool:
    return a[1] + gap <= b[0] or b[1] + gap <= a[0]


def _position(points, day: date) -> float:
    """Where `day` falls along the evenly spaced points: on the first point of that date,
    between two points in proportion to the days, half a step outside the first or last."""
    if day < points[0].date:
        return -0.5
    if day > points[-1].date:
        return len(points) - 0.5
    for index, point in enumerate(points):
        if point.date == day:
            return float(index)
        if point.date > day:
            before = points[index - 1].date
            return index - 1 + (day - before).days / (point.date - before).days
    return float(len(points) - 1)  # unreachable: the last point's date is >= day


def _date_labels(points, plot_w: float, px: float) -> list[tuple[int, str]]:
    """First and last dates and evenly spaced ones between, as many as fit side by side."""
    n = len(points)
    widest = _text_width("28 Sep 2025", px) + px
    count = max(2, min(n, int(plot_w // widest)))
    # A whole stride between labels, the last point always labelled: drop the label before it
    # when the two would crowd each other.
    stride = max(1, math.ceil((n - 1) / (count - 1))) if n > 1 else 1
    indexes = list(range(0, n, stride))
    if indexes[-1] != n - 1:
        if n - 1 - indexes[-1] < stride and len(indexes) > 1:
            indexes.pop()
        indexes.append(n - 1)
    labels = []
    last_year = None
    for position, index in enumerate(indexes):
        day = points[index].date
        with_year = position in (0, len(indexes) - 1) or day.year != last_year
        labels.append((index, f"{day.day} {MONTHS[day.month - 1]}" + (f" {day.year}" * with_year)))
        last_year = day.year
    return labels


def _nice_ticks(low: float, high: float, target: int) -> list[float]:
    """Round tick values (1, 2 or 5 times a power of ten apart) covering low..high."""
    if high - low < 1e-9:
        low, high = low - 1, high + 1
    raw = (high - low) / max(1, target - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step + 1e-9) * step
    last = math.ceil(high / step - 1e-9) * step
    count = round((last - first) / step)
    return [first + i * step for i in range(count + 1)]


def _number(value: float, step: float | None = None) -> str:
    """A value as a teacher writes it: no needless decimals (as many as the tick step needs)."""
    decimals = 2
    if step is not None:
        decimals = next((d for d in range(5) if abs(step * 10**d - round(step * 10**d)) < 1e-6), 4)
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _text_width(text: str, px: float) -> float:
    return len(text) * px * _CHAR_EM


def _xml_safe(text: object) -> str:
    """Drop the characters XML cannot hold and fold line breaks (escaping is the writer's)."""
    return " ".join(_NOT_XML.sub("", str(text)).split())


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(0, limit - 1)].rstrip() + "…"


def _fit(text: object, room: float, px: float, limit: int) -> str:
    """`text` made XML-safe and cut (with an ellipsis) to `limit` characters and to `room`."""
    text = _truncate(_xml_safe(text), limit)
    fits = max(1, int(room / (px * _CHAR_EM)))
    return _truncate(text, fits)


# --- writers ------------------------------------------------------------------------------------


def _svg(shape: _Shape) -> str:
    if isinstance(shape, _Group):
        attrs = "".join(f" {name}={quoteattr(value)}" for name, value in shape.attrs)
        inner = "".join(_svg(s) for s in shape.shapes)
        return f'<g class="{shape.cls}"{attrs}><title>{escape(shape.title)}</title>{inner}</g>'
    if isinstance(shape, _Rect):
        return (
            f'<rect class="{shape.cls}" x="{_n(shape.x)}" y="{_n(shape.y)}" '
            f'width="{_n(shape.width)}" height="{_n(shape.height)}" fill="{shape.fill}"/>'
        )
    if isinstance(shape, _Line):
        dash = f' stroke-dasharray="{_n(shape.dash[0])} {_n(shape.dash[1])}"' if shape.dash else ""
        coords = " ".join(f"{_n(x)},{_n(y)}" for x, y in shape.points)
        return (
            f'<polyline class="{shape.cls}" points="{coords}" fill="none" '
            f'stroke="{shape.colour}" stroke-width="{_n(shape.width)}"{dash} '
            'stroke-linejoin="round" stroke-linecap="butt"/>'
        )
    if isinstance(shape, _Marker):
        attrs = "".join(f" {name}={quoteattr(value)}" for name, value in shape.attrs)
        stroke = (
            f' stroke="{shape.outline}" stroke-width="{_n(shape.outline_width)}"'
            if shape.outline
            else ""
        )
        if shape.shape == "circle":
            return (
                f'<circle class="{shape.cls}" cx="{_n(shape.x)}" cy="{_n(shape.y)}" '
                f'r="{_n(shape.radius)}" fill="{shape.fill}"{stroke}{attrs}/>'
            )
        coords = " ".join(f"{_n(x)},{_n(y)}" for x, y in _outline(shape))
        return (
            f'<polygon class="{shape.cls}" data-shape="{shape.shape}" points="{coords}" '
            f'fill="{shape.fill}"{stroke}{attrs} data-x="{_n(shape.x)}" data-y="{_n(shape.y)}"/>'
        )
    anchor = f' text-anchor="{shape.anchor}"' if shape.anchor != "start" else ""
    weight = ' font-weight="bold"' if shape.bold else ""
    return (
        f'<text class="{shape.cls}" x="{_n(shape.x)}" y="{_n(shape.y)}" '
        f'font-size="{_n(shape.px)}" fill="{shape.colour}"{anchor}{weight}>'
        f"{escape(shape.text)}</text>"
    )


def _png(draw: ImageDraw.ImageDraw, shape: _Shape, k: int) -> None:
    if isinstance(shape, _Group):
        for inner in shape.shapes:
            _png(draw, inner, k)
    elif isinstance(shape, _Rect):
        box = [shape.x * k, shape.y * k, (shape.x + shape.width) * k, (shape.y + shape.height) * k]
        draw.rectangle(box, fill=shape.fill)
    elif isinstance(shape, _Line):
        width = max(1, round(shape.width * k))
        scaled = [(x * k, y * k) for x, y in shape.points]
        if shape.dash:
            for a, b in itertools.pairwise(scaled):
                for start, end in _dashes(a, b, shape.dash[0] * k, shape.dash[1] * k):
                    draw.line([start, end], fill=shape.colour, width=width)
        else:
            draw.line(scaled, fill=shape.colour, width=width, joint="curve")
    elif isinstance(shape, _Marker):
        outline = shape.outline
        line = max(1, round(shape.outline_width * k)) if outline else 0
        if shape.shape == "circle":
            r = shape.radius * k
            box = [shape.x * k - r, shape.y * k - r, shape.x * k + r, shape.y * k + r]
            draw.ellipse(box, fill=shape.fill, outline=outline, width=line)
        else:
            corners = [(x * k, y * k) for x, y in _outline(shape)]
            draw.polygon(corners, fill=shape.fill, outline=outline, width=line)
    else:
        font = _font(round(shape.px * k), shape.bold)
        x, y = shape.x * k, shape.y * k
        if isinstance(font, ImageFont.FreeTypeFont):
            anchor = {"start": "ls", "middle": "ms", "end": "rs"}[shape.anchor]
            draw.text((x, y), shape.text, fill=shape.colour, font=font, anchor=anchor)
        else:  # Pillow's bitmap font has no anchors: place its top-left corner by hand
            wide = draw.textlength(shape.text, font=font)
            x -= {"start": 0, "middle": wide / 2, "end": wide}[shape.anchor]
            draw.text((x, y - shape.px * k * 0.8), shape.text, fill=shape.colour, font=font)


def _outline(marker: _Marker) -> list[tuple[float, float]]:
    """The corners of a square, triangle or diamond marker of about the same visual weight."""
    x, y, r = marker.x, marker.y, marker.radius
    if marker.shape == "square":
        s = r * 0.85
        return [(x - s, y - s), (x + s, y - s), (x + s, y + s), (x - s, y + s)]
    if marker.shape == "triangle":
        return [(x, y - r * 1.1), (x + r, y + r * 0.75), (x - r, y + r * 0.75)]
    if marker.shape == "triangle-down":
        return [(x, y + r * 1.1), (x - r, y - r * 0.75), (x + r, y - r * 0.75)]
    return [(x, y - r * 1.2), (x + r, y), (x, y + r * 1.2), (x - r, y)]  # diamond


def _dashes(
    start: tuple[float, float], end: tuple[float, float], dash: float, gap: float
) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    length = math.hypot(end[0] - start[0], end[1] - start[1])
    if length == 0:
        return []
    ux, uy = (end[0] - start[0]) / length, (end[1] - start[1]) / length
    pieces = []
    at = 0.0
    while at < length:
        stop = min(at + dash, length)
        pieces.append(
            ((start[0] + ux * at, start[1] + uy * at), (start[0] + ux * stop, start[1] + uy * stop))
        )
        at = stop + gap
    return pieces


@functools.lru_cache(maxsize=32)
def _font(px: int, bold: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for name in FONTS[bold]:
        try:
            return ImageFont.truetype(name, px)
        except OSError:
            continue
    return ImageFont.load_default(px)


def _n(value: float) -> str:
    """A coordinate with two decimals, no trailing zeros: keeps the SVG short."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
