"""Figure text in the reader's language, never as tofu boxes.

matplotlib's default DejaVu Sans has no CJK glyphs: Chinese text drawn with it comes out as empty boxes (and
a "Glyph ... missing from font(s)" warning). A figure in Chinese therefore needs a CJK font: the first of
:data:`CJK_FONTS` that matplotlib finds on this machine (Debian: ``fonts-noto-cjk``). Where none is
installed, figures keep their English labels (:func:`figure_lang` falls back to ``"en"``); the surrounding
page (captions, the claims report) is translated either way.

>>> figure_lang("en")
'en'
>>> with font_context("en"):
...     label("{n} linear regions", "en", n=3)
'3 linear regions'
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from ..i18n import check_lang, tr

# Simplified Chinese fonts, most likely first: Linux (Noto, Source Han, WenQuanYi), macOS, Windows
CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
             "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "SimHei")
NEEDS_FONT = {"zh"}  # languages whose text DejaVu Sans cannot draw


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
