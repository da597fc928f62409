"""Rendered maps: the SVG is well-formed and escaped, the PNG has the dots where the layout says."""

import io
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from PIL import Image

from networks.graph import CohortShape, Role, VisitEdge
from networks.layout import layout_cohort, layout_network
from networks.render import (
    COMPLETED_COLOUR,
    DOT_OUTLINE,
    PLANNED_COLOUR,
    ROLE_FILL,
    render_png,
    render_svg,
)

SVG = "{http://www.w3.org/2000/svg}"

COHORT = CohortShape(
    "c1",
    "s1",
    "L",
    ("B1", "B2", "B3", "B4"),
    {"B1": ("Y1", "Y2"), "B2": ("Y3", "Y4"), "B3": ("Y5", "Y6"), "B4": ("Y7", "Y8")},
)
EDGES = [
    VisitEdge("L", "B1", 2, 0, date(2025, 1, 8), date(2025, 2, 3)),
    VisitEdge("B1", "Y1", 1),
    VisitEdge("Y1", "B1", 1),  # reciprocated
    VisitEdge("B2", "Y3", 0, 1),  # planned only
    VisitEdge("B3", "Y5", 0, 0),  # nothing to draw
    VisitEdge("B4", "outsider", 3),  # not on the map
]
LABELS = {"L": "Lee", "B1": "<script>&", "Y1": 'Zoë "Z" O\'Neil\x0b'}


def parse(svg):
    """The rendered SVG as an element tree; it is our own output, not untrusted input."""
    return ET.fromstring(svg)  # noqa: S314


def hex_rgb(colour):
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def close(pixel, colour, tolerance=8):
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, hex_rgb(colour), strict=True))


# --- SVG ----------------------------------------------------------------------------------------


def test_svg_parses_and_has_one_circle_per_person_coloured_by_role():
    layout = layout_cohort(COHORT)

    root = parse(render_svg(layout, EDGES, LABELS))

    circles = root.findall(f".//{SVG}circle")
    assert len(circles) == 13
    fills = {c.get("data-person-id"): c.get("fill") for c in circles}
    assert fills["L"] == ROLE_FILL[Role.LEADER]
    assert {fills[b] for b in COHORT.blue_ids} == {ROLE_FILL[Role.BLUE]}
    assert {fills[y] for y in COHORT.yellow_ids} == {ROLE_FILL[Role.YELLOW]}
    # yellow on white needs a dark outline
    assert {c.get("stroke") for c in circles} == {DOT_OUTLINE}
    assert root.get("width") == root.get("height") == "1024"


def test_svg_escapes_names():
    svg = render_svg(layout_cohort(COHORT), EDGES, LABELS)

    root = parse(svg)  # \x0b would make the document unparseable if kept
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "<script>&" in texts
    assert 'Zoë "Z" O\'Neil' in texts
    assert "<script>" not in svg
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert '<script>& visited Zoë "Z" O\'Neil: 1 completed, 0 planned' in titles


def test_svg_escapes_ids_in_attributes():
    shape = CohortShape(1, 1, 'a"<b>&', ())

    root = parse(render_svg(layout_cohort(shape), []))

    assert root.find(f".//{SVG}circle").get("data-person-id") == 'a"<b>&'


def test_svg_draws_completed_visits_solid_and_planned_ones_dashed():
    root = parse(render_svg(layout_cohort(COHORT), EDGES, LABELS))

    arrows = {
        g.find(f"{SVG}title").text: g
        for g in root.iter(f"{SVG}g")
        if g.find(f"{SVG}title") is not None
    }
    # L->B1, B1<->Y1 and B2->Y3 (planned); B3->Y5 has no visit, B4->outsider is off the map
    assert len(arrows) == 4
    completed = arrows["Lee visited <script>&: 2 completed, 0 planned, last 2025-02-03"]
    planned = arrows["B2 visited Y3: 0 completed, 1 planned"]
    assert completed.find(f"{SVG}line").get("stroke") == COMPLETED_COLOUR
    assert completed.find(f"{SVG}line").get("stroke-dasharray") is None
    assert completed.find(f"{SVG}polygon") is not None
    assert planned.find(f"{SVG}line").get("stroke") == PLANNED_COLOUR
    assert planned.find(f"{SVG}line").get("stroke-dasharray") is not None


def test_svg_roles_can_be_overridden():
    root = parse(render_svg(layout_cohort(COHORT), [], roles={"B1": "yellow", "B2": "?"}))

    fills = {c.get("data-person-id"): c.get("fill") for c in root.iter(f"{SVG}circle")}
    assert fills["B1"] == ROLE_FILL[Role.YELLOW]
    assert fills["B2"] not in ROLE_FILL.values()


def test_svg_size_is_configurable_and_tiny_dots_get_no_labels():
    cohorts = [CohortShape(i, 1, f"L{i}", (f"B{i}",), {f"B{i}": (f"Y{i}",)}) for i in range(100)]
    labels = {f"L{i}": "Leader" for i in range(100)}

    root = parse(render_svg(layout_network(cohorts), [], labels, size=400))

    assert root.get("viewBox") == "0 0 400 400"
    assert len(root.findall(f".//{SVG}circle")) == 300
    assert root.findall(f".//{SVG}text") == []


# --- PNG ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1024, 300])
def test_png_has_the_dots_in_their_colours(size):
    layout = layout_cohort(COHORT)

    image = Image.open(io.BytesIO(render_png(layout, EDGES, LABELS, size=size)))

    assert image.format == "PNG"
    assert image.size == (size, size)
    rgb = image.convert("RGB")

    def at(person_id):
        node = layout.position(person_id)
        return rgb.getpixel((round(node.x * size), round(node.y * size)))

    assert close(at("L"), ROLE_FILL[Role.LEADER])
    for blue in COHORT.blue_ids:
        assert close(at(blue), ROLE_FILL[Role.BLUE])
    for yellow in COHORT.yellow_ids:
        assert close(at(yellow), ROLE_FILL[Role.YELLOW])
    assert close(rgb.getpixel((0, 0)), "#ffffff")


def test_png_yellow_dots_have_a_dark_outline():
    size = 1024
    layout = layout_cohort(COHORT)
    rgb = Image.open(io.BytesIO(render_png(layout, [], size=size))).convert("RGB")
    node = layout.position("Y4")  # on the right of the ring: walk right, away from everything
    centre_x, y = round(node.x * size), round(node.y * size)
    radius = layout.node_radius * size

    # walking out from the centre: yellow, then the outline, then white
    walk = [rgb.getpixel((centre_x + dx, y)) for dx in range(round(radius) + 4)]
    assert close(walk[0], ROLE_FILL[Role.YELLOW])
    assert any(close(p, DOT_OUTLINE, tolerance=40) for p in walk)
    assert close(walk[-1], "#ffffff")


def test_png_of_an_empty_map_is_blank():
    image = Image.open(io.BytesIO(render_png(layout_network([]), [], size=64)))

    assert image.size == (64, 64)
    assert image.convert("RGB").getcolors() == [(64 * 64, (255, 255, 255))]
