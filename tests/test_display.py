"""The notebook HTML helpers: every string escaped, charts that are well-formed SVG drawing exactly the
points given, and a PNG encoder whose pixels Pillow reads back."""

from __future__ import annotations

import base64
import io
import re
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from relulab.display import bar_chart, esc, image_chart, line_chart, num, png, polygons, section, table

HOSTILE = '<script>alert("x")</script>&'
SVG = "{http://www.w3.org/2000/svg}"


def svgs(text: str) -> list[ET.Element]:
    """Every ``<svg>`` of an HTML fragment, parsed (a malformed one raises)."""
    return [ET.fromstring(s) for s in re.findall(r"<svg\b.*?</svg>", text, flags=re.S)]


def pngs(text: str) -> list[Image.Image]:
    """Every embedded PNG, decoded."""
    return [Image.open(io.BytesIO(base64.b64decode(b))) for b in re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)",
                                                                           text)]


def path_points(path: ET.Element) -> int:
    return len(re.findall(r"[ML]", path.get("d")))


def test_strings_are_escaped_everywhere():
    out = (table([HOSTILE], [[HOSTILE]]) + section("c", HOSTILE)
           + line_chart({HOSTILE: ([0, 1], [1, 2])}, title=HOSTILE, xlabel=HOSTILE, ylabel=HOSTILE)
           + bar_chart([HOSTILE], {HOSTILE: [0.5]}, title=HOSTILE, ylabel=HOSTILE)
           + polygons([[(0, 0), (1, 0), (0, 1)]], [HOSTILE], title=HOSTILE, window=((0, 1), (0, 1)))
           + image_chart(HOSTILE, title=HOSTILE, window=((0, 1), (0, 1)), points=[(0.5, 0.5, HOSTILE)]))
    assert "<script" not in out and out.count(esc(HOSTILE)) >= 10
    assert len(svgs(out)) == 4


@pytest.mark.parametrize("value, text", [(None, "-"), (3, "3"), (0.123456, "0.1235"), (1e-5, "1.000e-05"),
                                         (123456.0, "1.235e+05"), (float("nan"), "nan"), (0.0, "0"), ("a", "a")])
def test_numbers_read_as_a_person_reads_them(value, text):
    assert num(value) == text


def test_a_line_breaks_at_missing_points_and_a_log_axis_drops_non_positive_ones():
    svg = svgs(line_chart({"a": ([0, 1, 2, 3], [1.0, None, float("nan"), 2.0]), "b": ([0, 1], [0.0, 3.0])},
                          title="t", log_y=True))[0]
    paths = svg.findall(f"{SVG}path")
    assert [p.find(f"{SVG}title").text for p in paths] == ["a", "b"]
    assert [path_points(p) for p in paths] == [2, 1]
    # the first point of "a" (y = 1) sits at the bottom, "b"'s 3 at the top: the y range is [1, 3]
    ys = [float(v) for p in paths for v in re.findall(r",([\d.]+)", p.get("d"))]
    assert ys[0] == max(ys) and ys[-1] == min(ys)


def test_bars_are_as_tall_as_their_values():
    svg = svgs(bar_chart(["s1", "s2"], {"x": [0.25, 1.0], "y": [None, 0.5]}, title="t"))[0]
    rects = [r for r in svg.findall(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    heights = {r.find(f"{SVG}title").text: float(r.get("height")) for r in rects}
    assert set(heights) == {"s1 x: 0.25", "s2 x: 1", "s2 y: 0.5"}  # None draws nothing
    assert heights["s2 x: 1"] == pytest.approx(4 * heights["s1 x: 0.25"], abs=0.2)
    assert heights["s2 y: 0.5"] == pytest.approx(2 * heights["s1 x: 0.25"], abs=0.2)


def test_png_pixels_read_back():
    rows = [bytes([255, 0, 0, 0, 0, 255]), bytes([0, 255, 0, 10, 20, 30])]
    img = pngs(png(rows, 2))[0].convert("RGB")
    assert img.size == (2, 2)
    assert [img.getpixel((x, y)) for y in range(2) for x in range(2)] == [(255, 0, 0), (0, 0, 255), (0, 255, 0),
                                                                          (10, 20, 30)]


def test_polygons_and_points_land_where_their_coordinates_say():
    svg = svgs(polygons([[(0, 0), (2, 0), (2, 1)]], ["#abc"], title="t", window=((0, 2), (0, 1)), size=200,
                        segments=[((0, 1), (2, 0))]))[0]
    poly = svg.find(f"{SVG}polygon")
    # x scales 0..2 -> 0..200; y is flipped, 1 at the top (20, the title's band) and 0 at the bottom (120)
    assert poly.get("points") == "0.00,120.00 200.00,120.00 200.00,20.00" and poly.get("fill") == "#abc"
    assert svg.find(f"{SVG}path").get("d") == "M0.00,20.00 L200.00,120.00"
    dot = svgs(image_chart("data:,", title="t", window=((0, 2), (0, 1)), points=[(2, 0, "red")], size=200))[0]
    assert (dot.find(f"{SVG}circle").get("cx"), dot.find(f"{SVG}circle").get("cy")) == ("200.0", "120.0")


def test_nothing_to_draw_is_said():
    assert "nothing to draw" in line_chart({"a": ([], [])}, title="t")
