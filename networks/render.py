"""Network maps as SVG text or PNG bytes, for exports, e-mails and evidence files.

The phone draws maps itself from `networks.layout`; these pictures are for everything else
(a coordinator's report, a micro-credential submission). Both formats draw the same scene:
dots coloured by role (leader dark, blue dots blue, yellow dots yellow with a dark outline so
they show on white), an arrow from visitor to host for every visited pair (solid and thicker
with more completed visits, dashed and lighter when only planned), and a label under each dot.
When dots are too small for readable text (a whole district on one image), labels are left out.
"""

from __future__ import annotations

import functools
import io
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from PIL import Image, ImageDraw, ImageFont

from networks.graph import PersonId, Role, VisitEdge, id_key
from networks.layout import NetworkLayout

DEFAULT_SIZE = 1024
BACKGROUND = "#ffffff"
ROLE_FILL = {Role.LEADER: "#1f2a44", Role.BLUE: "#1d6fdc", Role.YELLOW: "#f5c518"}
OTHER_FILL = "#9ca3af"
DOT_OUTLINE = "#1f2937"
COMPLETED_COLOUR = "#374151"
PLANNED_COLOUR = "#9ca3af"
LABEL_COLOUR = "#111827"
MIN_FONT_PX = 8
MAX_FONT_PX = 28
MAX_LABEL_CHARS = 24
LABEL_FONTS = ("DejaVuSans.ttf", "LiberationSans-Regular.ttf", "Arial.ttf")
"""Fonts looked up (by Pillow, in the system's font folders) for PNG labels, in this order."""

# Characters XML 1.0 forbids even when escaped; a name pasted with one would break the SVG.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True, slots=True)
class _Dot:
    person_id: PersonId
    x: float
    y: float
    radius: float
    fill: str
    role: str


@dataclass(frozen=True, slots=True)
class _Arrow:
    start: tuple[float, float]
    end: tuple[float, float]
    head: tuple[tuple[float, float], ...]
    colour: str
    width: float
    dashed: bool
    title: str


@dataclass(frozen=True, slots=True)
class _Label:
    x: float
    y: float
    text: str
    font_px: float


@dataclass(frozen=True, slots=True)
class _Scene:
    arrows: tuple[_Arrow, ...]
    dots: tuple[_Dot, ...]
    labels: tuple[_Label, ...]


def render_svg(
    layout: NetworkLayout,
    edges: Iterable[VisitEdge],
    labels: Mapping[PersonId, str] | None = None,
    roles: Mapping[PersonId, Role | str] | None = None,
    *,
    size: int = DEFAULT_SIZE,
) -> str:
    """The map as a standalone SVG document of `size` x `size` pixels.

    `labels` maps a person to the text under their dot (no text for people it leaves out);
    `roles` overrides the roles the layout gives. Every text is escaped, so names are safe.
    Each dot is a `<circle>` carrying `data-person-id` and `data-role`; each arrow has a
    `<title>` saying who visited whom, how often and when last.
    """
    scene = _scene(layout, edges, labels, roles, size)
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'width="{size}" height="{size}" viewBox="0 0 {size} {size}">',
        f'<rect width="{size}" height="{size}" fill="{BACKGROUND}"/>',
        '<g class="visits" stroke-linecap="round">',
    ]
    for arrow in scene.arrows:
        dash = (
            f' stroke-dasharray="{_n(arrow.width * 3)} {_n(arrow.width * 2)}"'
            if arrow.dashed
            else ""
        )
        head = " ".join(f"{_n(x)},{_n(y)}" for x, y in arrow.head)
        parts.append(
            f"<g><title>{escape(arrow.title)}</title>"
            f'<line x1="{_n(arrow.start[0])}" y1="{_n(arrow.start[1])}" '
            f'x2="{_n(arrow.end[0])}" y2="{_n(arrow.end[1])}" stroke="{arrow.colour}" '
            f'stroke-width="{_n(arrow.width)}"{dash}/>'
            f'<polygon points="{head}" fill="{arrow.colour}"/></g>'
        )
    parts.append('</g><g class="people">')
    for dot in scene.dots:
        outline = max(1.0, dot.radius * 0.12)
        parts.append(
            f'<circle cx="{_n(dot.x)}" cy="{_n(dot.y)}" r="{_n(dot.radius)}" fill="{dot.fill}" '
            f'stroke="{DOT_OUTLINE}" stroke-width="{_n(outline)}" '
            f"data-person-id={quoteattr(str(dot.person_id))} data-role={quoteattr(dot.role)}/>"
        )
    parts.append(
        '</g><g class="labels" font-family="sans-serif" text-anchor="middle" '
        f'fill="{LABEL_COLOUR}" stroke="{BACKGROUND}" paint-order="stroke" '
        'stroke-linejoin="round">'
    )
    for label in scene.labels:
        parts.append(
            f'<text x="{_n(label.x)}" y="{_n(label.y + label.font_px * 0.8)}" '
            f'font-size="{_n(label.font_px)}" stroke-width="{_n(label.font_px * 0.2)}">'
            f"{escape(label.text)}</text>"
        )
    parts.append("</g></svg>")
    return "\n".join(parts)


def render_png(
    layout: NetworkLayout,
    edges: Iterable[VisitEdge],
    labels: Mapping[PersonId, str] | None = None,
    roles: Mapping[PersonId, Role | str] | None = None,
    *,
    size: int = DEFAULT_SIZE,
    supersample: int = 2,
    font_path: str | None = None,
) -> bytes:
    """The same map as `render_svg`, as PNG bytes of `size` x `size` pixels.

    ImageDraw does not anti-alias shapes, so the map is drawn `supersample` times larger and
    scaled down, which smooths the edges of dots and arrows. Labels use the TrueType font at
    `font_path`, else the first of `LABEL_FONTS` the system has, else Pillow's own font (which
    lacks accented letters, hence the search: teachers' names are not all ASCII).
    """
    scene = _scene(layout, edges, labels, roles, size)
    k = max(1, supersample)
    image = Image.new("RGB", (size * k, size * k), BACKGROUND)
    draw = ImageDraw.Draw(image)
    for arrow in scene.arrows:
        width = max(1, round(arrow.width * k))
        start = (arrow.start[0] * k, arrow.start[1] * k)
        end = (arrow.end[0] * k, arrow.end[1] * k)
        if arrow.dashed:
            for a, b in _dashes(start, end, arrow.width * k * 3, arrow.width * k * 2):
                draw.line([a, b], fill=arrow.colour, width=width)
        else:
            draw.line([start, end], fill=arrow.colour, width=width)
        draw.polygon([(x * k, y * k) for x, y in arrow.head], fill=arrow.colour)
    for dot in scene.dots:
        r = dot.radius * k
        outline = max(1, round(max(1.0, dot.radius * 0.12) * k))
        box = [dot.x * k - r, dot.y * k - r, dot.x * k + r, dot.y * k + r]
        draw.ellipse(box, fill=dot.fill, outline=DOT_OUTLINE, width=outline)
    for label in scene.labels:
        font = _font(round(label.font_px * k), font_path)
        # A halo in the background colour keeps a label readable where an arrow runs under it.
        halo = {"stroke_width": round(label.font_px * 0.1 * k), "stroke_fill": BACKGROUND}
        # Anchors need FreeType; the bitmap fallback font is drawn from its top-left corner.
        if isinstance(font, ImageFont.FreeTypeFont):
            halo["anchor"] = "ma"
        draw.text((label.x * k, label.y * k), label.text, fill=LABEL_COLOUR, font=font, **halo)
    if k > 1:
        image = image.resize((size, size), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


# --- the scene both formats draw ----------------------------------------------------------------


def _scene(
    layout: NetworkLayout,
    edges: Iterable[VisitEdge],
    labels: Mapping[PersonId, str] | None,
    roles: Mapping[PersonId, Role | str] | None,
    size: int,
) -> _Scene:
    if size < 16:
        raise ValueError("a map needs at least 16 pixels a side")
    radius = max(2.0, layout.node_radius * size)
    role_of: dict[PersonId, Role | None] = dict(layout.roles)
    for person_id, role in (roles or {}).items():
        role_of[person_id] = _as_role(role)

    dots = []
    for node in layout.nodes:
        role = role_of.get(node.person_id)
        fill = ROLE_FILL.get(role, OTHER_FILL)
        dots.append(
            _Dot(node.person_id, node.x * size, node.y * size, radius, fill, role or "OTHER")
        )

    names = labels or {}
    font_px = min(MAX_FONT_PX, radius * 0.6)
    texts = []
    if font_px >= MIN_FONT_PX:
        for dot in dots:
            text = _label_text(names.get(dot.person_id, ""))
            if text:
                texts.append(_Label(dot.x, dot.y + radius * 1.15, text, font_px))

    return _Scene(_arrows(layout, edges, names, size, radius), tuple(dots), tuple(texts))


def _arrows(
    layout: NetworkLayout,
    edges: Iterable[VisitEdge],
    names: Mapping[PersonId, str],
    size: int,
    radius: float,
) -> tuple[_Arrow, ...]:
    merged: dict[tuple[PersonId, PersonId], list] = {}
    for edge in edges:
        if edge.visitor_id == edge.host_id:
            continue
        if layout.position(edge.visitor_id) is None or layout.position(edge.host_id) is None:
            continue
        entry = merged.setdefault(edge.pair, [0, 0, None])
        entry[0] += edge.completed_count
        entry[1] += edge.planned_count
        if edge.last_date is not None and (entry[2] is None or edge.last_date > entry[2]):
            entry[2] = edge.last_date
    drawn = {pair for pair, (done, planned, _) in merged.items() if done or planned}

    base_width = max(1.0, radius * 0.08)
    arrows = []
    for pair in sorted(drawn, key=lambda p: (id_key(p[0]), id_key(p[1]))):
        done, planned, last = merged[pair]
        visitor, host = layout.position(pair[0]), layout.position(pair[1])
        x1, y1, x2, y2 = visitor.x * size, visitor.y * size, host.x * size, host.y * size
        length = math.hypot(x2 - x1, y2 - y1)
        if length <= 2 * radius:
            continue  # dots touching: no room for an arrow
        ux, uy = (x2 - x1) / length, (y2 - y1) / length
        # A mutual pair gets two side-by-side arrows instead of one double-headed line.
        shift = radius * 0.3 if (pair[1], pair[0]) in drawn else 0.0
        ox, oy = -uy * shift, ux * shift
        width = base_width * (1 + 0.4 * min(done, 5)) if done else base_width
        # Short arrows between close dots keep some shaft: the head takes at most half the gap.
        head_length = min(max(4.0, width * 2 + radius * 0.35), (length - 2 * radius) / 2)
        tip = (x2 - ux * radius + ox, y2 - uy * radius + oy)
        neck = (tip[0] - ux * head_length, tip[1] - uy * head_length)
        half = head_length * 0.45
        head = (
            tip,
            (neck[0] - uy * half, neck[1] + ux * half),
            (neck[0] + uy * half, neck[1] - ux * half),
        )
        title = _xml_safe(
            f"{names.get(pair[0]) or pair[0]} visited {names.get(pair[1]) or pair[1]}: "
            f"{done} completed, {planned} planned" + (f", last {last.isoformat()}" if last else "")
        )
        arrows.append(
            _Arrow(
                start=(x1 + ux * radius + ox, y1 + uy * radius + oy),
                end=neck,
                head=head,
                colour=COMPLETED_COLOUR if done else PLANNED_COLOUR,
                width=width,
                dashed=not done,
                title=title,
            )
        )
    return tuple(arrows)


@functools.lru_cache(maxsize=32)
def _font(px: int, font_path: str | None) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if font_path is not None:
        return ImageFont.truetype(font_path, px)  # a font asked for by name must exist
    for name in LABEL_FONTS:
        try:
            return ImageFont.truetype(name, px)
        except OSError:
            continue
    return ImageFont.load_default(px)


def _as_role(value: Role | str | None) -> Role | None:
    if value is None or isinstance(value, Role):
        return value
    try:
        return Role(str(value).upper())
    except ValueError:
        return None


def _xml_safe(text: object) -> str:
    """Drop the characters XML cannot hold (escaping is left to the SVG writer)."""
    return _NOT_XML.sub("", str(text)).strip()


def _label_text(text: object) -> str:
    """A label short enough not to run into the neighbouring dots' labels."""
    text = _xml_safe(text)
    return text if len(text) <= MAX_LABEL_CHARS else text[: MAX_LABEL_CHARS - 1] + "…"


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


def _n(value: float) -> str:
    """A coordinate with two decimals, no trailing zeros: keeps the SVG short."""
    return f"{value:.2f}".rstrip("0").rstrip(".")
