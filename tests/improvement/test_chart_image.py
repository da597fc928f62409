"""Run-chart pictures: the SVG is well-formed and carries the median, one highlighted marker per
signal point and one marker per annotation; the PNG draws the same scene at the asked size;
both are deterministic and say when the rules are not yet reliable."""

import io
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from PIL import Image, ImageColor

from improvement.chart_image import SIGNAL_STYLE, render_png, render_svg
from improvement.run_chart import Point, SignalKind, analyse

SVG = "{http://www.w3.org/2000/svg}"
START = date(2025, 1, 6)
PHONE = (720, 480)
PRINT = (1600, 1000)
NO_SIGNAL = (12, 14, 11, 13, 12, 15, 11, 13, 14, 12, 13, 12, 14, 11, 13)
RISING_TREND = (12, 14, 11, 13, 12, 15, 11, 13, 12, 14, 12, 13, 15, 17, 19)


def series(*values: float) -> list[Point]:
    return [Point(date=START + timedelta(days=7 * i), value=v) for i, v in enumerate(values)]


def draw_args(**overrides):
    args = {
        "title": "Students on task in independent work",
        "unit": "% on task",
        "annotations": [(START + timedelta(days=7 * 9), "PDSA 1: think-pair-share")],
        "size": PHONE,
    }
    return args | overrides


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 (our own output, parsed to check it)


def texts(root: ET.Element) -> list[str]:
    return ["".join(el.itertext()) for el in root.iter(f"{SVG}text")]


def of_class(root: ET.Element, cls: str) -> list[ET.Element]:
    return [el for el in root.iter() if el.get("class") == cls]


def centre(marker: ET.Element) -> tuple[float, float]:
    if marker.tag == f"{SVG}circle":
        return float(marker.get("cx")), float(marker.get("cy"))
    return float(marker.get("data-x")), float(marker.get("data-y"))


# -- SVG --------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [PHONE, PRINT])
def test_the_issue_series_render_as_well_formed_svg_with_the_median_label(size):
    for values in (NO_SIGNAL, RISING_TREND):
        root = parse(render_svg(analyse(series(*values)), **draw_args(size=size)))

        assert root.get("width") == str(size[0]) and root.get("height") == str(size[1])
        (label,) = of_class(root, "median-label")
        assert label.text.startswith("median 13")
        assert len(of_class(root, "point")) + len(of_class(root, "signal-point")) == 15


def test_the_no_signal_series_has_no_highlighted_point_and_says_so():
    root = parse(render_svg(analyse(series(*NO_SIGNAL)), **draw_args()))

    assert of_class(root, "signal-point") == []
    assert any(t.startswith("No signal") for t in texts(root))


def test_each_trend_point_is_one_highlighted_triangle_and_the_legend_names_the_trend():
    chart = analyse(series(*RISING_TREND))
    root = parse(render_svg(chart, **draw_args()))

    marked = of_class(root, "signal-point")
    assert sorted(int(m.get("data-index")) for m in marked) == [10, 11, 12, 13, 14]
    assert {m.get("data-shape") for m in marked} == {"triangle"}
    assert {m.get("fill") for m in marked} == {SIGNAL_STYLE[SignalKind.TREND][1]}
    assert "Trend, rising: points 11 to 15" in texts(root)


def test_a_point_in_two_signals_is_one_marker_styled_by_the_first_and_listing_both():
    # Shift below then above the median 6.5; point 4 (index 3) flagged by the teacher too.
    chart = analyse(series(3, 1, 5, 2, 6, 4, 9, 7, 11, 8, 12, 10), astronomical={3})
    root = parse(render_svg(chart, **draw_args()))

    marked = {int(m.get("data-index")): m for m in of_class(root, "signal-point")}
    assert sorted(marked) == list(range(12))  # one marker per point, none twice
    assert marked[3].get("data-shape") == "diamond"
    assert marked[3].get("data-signals") == "astronomical shift"
    assert {marked[i].get("data-shape") for i in marked if i != 3} == {"square"}
    assert of_class(root, "point") == []


def test_a_baseline_median_is_labelled_as_one_and_dashed_after_the_baseline():
    chart = analyse(series(*RISING_TREND), baseline_count=8)
    root = parse(render_svg(chart, **draw_args()))

    (label,) = of_class(root, "median-label")
    assert label.text.startswith(f"baseline median {chart.median:g}")
    (extended,) = of_class(root, "median-extended")
    assert extended.get("stroke-dasharray")


def test_one_annotation_marker_per_annotation_with_long_labels_cut_short():
    long_label = "Started exit tickets with a sentence starter for every table group"
    notes = [
        (START + timedelta(days=14), "Seating plan"),
        (START + timedelta(days=15), long_label),  # between two points
        (START + timedelta(days=16), "Timer on board"),
        (START - timedelta(days=30), "Before the data"),
        (START + timedelta(days=400), "After the data"),
    ]
    root = parse(render_svg(analyse(series(*NO_SIGNAL)), **draw_args(annotations=notes)))

    groups = of_class(root, "annotation")
    assert len(groups) == 5
    assert all(len(of_class(g, "annotation-line")) == 1 for g in groups)
    labels = [t for g in groups for t in texts(g)]
    assert long_label not in labels
    assert any(t.startswith("Started exit") and t.endswith("…") for t in labels)
    # The full text stays in the tooltip.
    assert any(g.find(f"{SVG}title").text.endswith(long_label) for g in groups)


def test_an_annotation_between_two_dates_sits_between_their_points():
    chart = analyse(series(*NO_SIGNAL))
    notes = [(START + timedelta(days=7 * 4 + 3), "Change")]
    root = parse(render_svg(chart, **draw_args(annotations=notes)))

    points = {int(p.get("data-index")): centre(p) for p in of_class(root, "point")}
    (line,) = of_class(root, "annotation-line")
    x = float(line.get("points").split()[0].split(",")[0])
    assert points[4][0] < x < points[5][0]


def test_text_is_escaped():
    svg = render_svg(
        analyse(series(*NO_SIGNAL)),
        **draw_args(
            title='Fractions <&> "decimals"',
            unit="<b>",
            annotations=[(START, "a < b & c\x00")],
        ),
    )
    root = parse(svg)

    assert "<b>" not in svg and "&lt;&amp;&gt;" in svg
    assert texts(root)[0] == 'Fractions <&> "decimals"'
    assert "<b>" in texts(root)


def test_fewer_than_ten_useful_points_carry_a_visible_note():
    chart = analyse(series(5, 6, 7, 4, 3, 8, 9, 2))
    assert chart.reliable is False
    root = parse(render_svg(chart, **draw_args()))

    (note,) = of_class(root, "not-reliable")
    assert "Not yet reliable" in note.text and note.text.endswith(
        "8 points off the median, the rules need 10"
    )


def test_a_reliable_chart_carries_no_note():
    root = parse(render_svg(analyse(series(*NO_SIGNAL)), **draw_args()))

    assert of_class(root, "not-reliable") == []


def test_a_single_point_and_a_flat_series_render():
    for values in ((4,), (7, 7, 7, 7)):
        root = parse(render_svg(analyse(series(*values)), **draw_args()))
        assert len(of_class(root, "median-label")) == 1
        assert render_png(analyse(series(*values)), **draw_args())


def test_too_small_a_picture_is_refused():
    with pytest.raises(ValueError):
        render_svg(analyse(series(*NO_SIGNAL)), **draw_args(size=(100, 80)))


# -- PNG and both -------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [PHONE, PRINT])
def test_the_png_has_the_asked_size_and_highlights_signal_points(size):
    chart = analyse(series(*RISING_TREND))
    args = draw_args(size=size)
    root = parse(render_svg(chart, **args))
    image = Image.open(io.BytesIO(render_png(chart, **args))).convert("RGB")

    assert image.size == size
    trend = ImageColor.getrgb(SIGNAL_STYLE[SignalKind.TREND][1])
    signal_xy = centre(next(m for m in of_class(root, "signal-point")))
    plain_xy = centre(next(m for m in of_class(root, "point")))
    signal_pixel = image.getpixel(tuple(round(c) for c in signal_xy))
    plain_pixel = image.getpixel(tuple(round(c) for c in plain_xy))
    assert _close(signal_pixel, trend)
    assert not _close(plain_pixel, trend)
    assert signal_pixel != plain_pixel


def test_renders_are_deterministic():
    chart = analyse(series(*RISING_TREND), baseline_count=6, astronomical={2})
    args = draw_args(annotations=[(START, "One"), (START + timedelta(days=50), "Two")])

    assert render_svg(chart, **args) == render_svg(chart, **args)
    assert render_png(chart, **args) == render_png(chart, **args)


def test_the_unreliable_chart_png_renders():
    chart = analyse(series(5, 6, 7, 4, 3, 8, 9, 2))
    image = Image.open(io.BytesIO(render_png(chart, **draw_args(size=PRINT))))

    assert image.size == PRINT


def _close(a, b, tolerance: int = 24) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))
