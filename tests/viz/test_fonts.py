"""Figure text in Chinese: drawn with a CJK font when one is installed (no missing glyph, no tofu), in English
when none is."""

from __future__ import annotations

import io
import warnings

import matplotlib.pyplot as plt
import pytest

import relulab as rl
from relulab.models import MLP
from relulab.viz import fonts
from relulab.viz.fonts import cjk_font, figure_lang, font_context
from relulab.viz.regions import plot_pieces, plot_regions


def _missing_glyphs(draw) -> list[str]:
    """The "Glyph ... missing from font(s)" warnings raised while ``draw()`` makes and saves a figure."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = draw()
        fig.savefig(io.BytesIO(), format="png")
        fig.savefig(io.BytesIO(), format="svg")
        plt.close(fig)
    return [str(w.message) for w in caught if "missing from font" in str(w.message)]


def _regions(generator):
    return rl.regions(MLP(2, (4,), 1, "relu", init="he", generator=generator), (-3, 3))


def test_the_finder_sees_tofu_chinese_in_the_default_font():
    """The oracle: Chinese text in matplotlib's default DejaVu Sans is reported missing."""
    def draw():
        fig, ax = plt.subplots()
        ax.set_title("线性区域")
        return fig

    assert _missing_glyphs(draw)


def test_a_chinese_figure_has_every_glyph(generator):
    r, line = _regions(generator), rl.regions(MLP(1, (3,), 1, "relu", generator=generator), (-2, 2))
    with font_context("zh"):  # drawn and saved inside the context, as the page's exports are
        assert _missing_glyphs(lambda: plot_regions(r, lang="zh")) == []
        assert _missing_glyphs(lambda: plot_pieces(line, lang="zh")) == []
        title = plot_regions(r, lang="zh").axes[0].get_title()
    if cjk_font() is not None:  # this machine has one (Debian: fonts-noto-cjk): the text is Chinese
        assert figure_lang("zh") == "zh" and title == f"{len(r)} 个线性区域"
    else:
        assert title == f"{len(r)} linear regions"


def test_without_a_cjk_font_figures_keep_english_labels(generator, monkeypatch):
    monkeypatch.setattr(fonts, "cjk_font", lambda: None)
    assert figure_lang("zh") == "en" and figure_lang("en") == "en"
    r = _regions(generator)
    fig = plot_regions(r, lang="zh")
    assert fig.axes[0].get_title() == f"{len(r)} linear regions"
    assert _missing_glyphs(lambda: fig) == []
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        figure_lang("fr")


def test_the_fallback_list_names_the_usual_chinese_fonts():
    assert {"Noto Sans CJK SC", "WenQuanYi Zen Hei", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei"} <= set(
        fonts.CJK_FONTS)
