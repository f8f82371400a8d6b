"""Figure text in the reader's language, never as tofu boxes.

matplotlib's default DejaVu Sans has no CJK glyphs: Chinese text drawn with it comes out as empty boxes (and
a "Glyph ... missing from font(s)" warning). A figure in Chinese therefore needs a CJK font: the first of
:data:`CJK_FONTS` that matplotlib finds on this machine (Debian: ``fonts-noto-cjk``). Where none is
installed, figures keep their English labels (:func:`figure_lang` falls back to ``"en"``); the surrounding
page (captions, the claims report) is translated either way.

The claims' figures are drawn in English and translated once, where they are rendered: inside
:func:`drawing_in` (``relulab claim --lang zh`` runs each claim in it), :func:`localize` puts every text of a
figure (titles, axis labels, legends, tick labels, annotations) through the string catalogue, numbers through
its templates, and :func:`~relulab.viz.png.to_png` calls it before saving.

>>> figure_lang("en")
'en'
>>> with font_context("en"):
...     label("{n} linear regions", "en", n=3)
'3 linear regions'
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from typing import Any

from ..i18n import check_lang, tr, translate

# Simplified Chinese fonts, most likely first: Linux (Noto, Source Han, WenQuanYi), macOS, Windows
CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
             "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "SimHei")
NEEDS_FONT = {"zh"}  # languages whose text DejaVu Sans cannot draw
_DRAWING: ContextVar[str] = ContextVar("relulab_figure_lang", default="en")  # set by drawing_in


@cache
def cjk_font() -> str | None:
    """The first of :data:`CJK_FONTS` matplotlib can use here, or ``None``."""
    from matplotlib import font_manager

    found = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in found), None)


def figure_lang(lang: str) -> str:
    """The language figure text can be drawn in: ``lang``, or English where ``lang`` needs a font that is
    not installed."""
    check_lang(lang)
    return "en" if lang in NEEDS_FONT and cjk_font() is None else lang


def label(text: str, lang: str, **values: Any) -> str:
    """``text`` (an English catalogue string) in the language figures can be drawn in."""
    return tr(text, figure_lang(lang), **values)


@contextmanager
def font_context(lang: str) -> Iterator[None]:
    """Draw (and save) figures inside this block for text in ``lang``: with the CJK font first and DejaVu
    Sans after it (Latin letters, digits and math signs), where ``lang`` needs one and it is installed."""
    import matplotlib

    font = cjk_font() if figure_lang(lang) in NEEDS_FONT else None
    if font is None:
        yield
        return
    with matplotlib.rc_context({"font.family": "sans-serif", "font.sans-serif": [font, "DejaVu Sans"],
                                "axes.unicode_minus": False}):
        yield


@contextmanager
def drawing_in(lang: str) -> Iterator[None]:
    """Figures rendered inside this block (:func:`~relulab.viz.png.to_png`) have their text in ``lang``, drawn
    with a font that has its glyphs (English where none is installed)."""
    token = _DRAWING.set(check_lang(lang))
    try:
        with font_context(lang):
            yield
    finally:
        _DRAWING.reset(token)


def localize(fig: Any, lang: str | None = None) -> Any:
    """``fig`` with every text artist in ``lang`` (default: that of the enclosing :func:`drawing_in`) where the
    catalogue has it, line by line for a text of several lines; names and numbers stay as they are."""
    lang = figure_lang(_DRAWING.get() if lang is None else lang)
    if lang == "en":
        return fig
    from matplotlib.text import Text

    for t in fig.findobj(Text):
        text = t.get_text()
        done = translate(text, lang) if text else text
        if done == text and "\n" in text:
            done = "\n".join(translate(line, lang) for line in text.split("\n"))
        if done != text:
            t.set_text(done)
    return fig
