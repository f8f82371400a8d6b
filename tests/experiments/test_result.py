"""ClaimResult renders as text, JSON and self-contained HTML, and saves its figures."""

from __future__ import annotations

import json
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from relulab.experiments import ClaimResult, Figure, Measurement, Verdict  # noqa: E402
from relulab.experiments.result import format_value  # noqa: E402


def _figure() -> Figure:
    fig, ax = plt.subplots(figsize=(2, 2))
    ax.plot([0, 1], [0, 1])
    return Figure.from_matplotlib(fig, "c00_line", "a line")


def _result(**kw) -> ClaimResult:
    return ClaimResult("C0", "a <claim> & more", Verdict.CAVEATS, "x > 1",
                       [Measurement("x", 2.5, "s"), Measurement("bad", math.nan), Measurement("t", {"a": 1.0})],
                       caveats=["c1"], figures=[_figure()], configs=[{"lr": 0.03}], seeds=[0, 1, 2, 3, 4],
                       playground_url="http://127.0.0.1:8000/#dataset=circle", **kw)


def test_figure_is_png_and_closes_the_matplotlib_figure():
    before = len(plt.get_fignums())
    f = _figure()
    assert f.png.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(plt.get_fignums()) == before
    assert f.data_uri().startswith("data:image/png;base64,")


def test_text_lists_verdict_rule_numbers_and_caveats():
    text = _result().to_text()
    assert "holds with caveats" in text and "rule: x > 1" in text
    assert "x: 2.5 s" in text and "caveat: c1" in text and "0..4 (5 seeds)" in text


def test_json_is_strict_json_with_nan_as_text():
    d = json.loads(_result().to_json(), parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
    assert d["verdict"] == "holds with caveats"
    assert d["measurements"][1]["value"] == "nan"
    assert d["figures"] == [{"name": "c00_line", "caption": "a line"}]


def test_html_escapes_text_and_embeds_figures():
    h = _result()._repr_html_()
    assert "a &lt;claim&gt; &amp; more" in h and "<claim>" not in h
    assert 'src="data:image/png;base64,' in h
    assert "http" not in h.replace("http://127.0.0.1:8000/#dataset=circle", "")


def test_save_writes_json_and_pngs(tmp_path):
    path = _result().save(tmp_path / "c0")
    d = json.loads(path.read_text())
    assert d["figures"][0]["path"] == "c00_line.png"
    assert (tmp_path / "c0" / "c00_line.png").read_bytes().startswith(b"\x89PNG")


def test_format_value():
    assert format_value(1.234567e-8, "m") == "1.235e-08 m"
    assert format_value(0.123456) == "0.1235"
    assert format_value([1, 2.0]) == "[1, 2]"
    assert format_value(True) == "True"
