"""One string catalogue for the page, the lessons and the claims report: English text -> its translation.

The English text is the key (as in gettext): ``zh.json`` maps each English string to Simplified Chinese.
A string with values is a template (``"at most {n} neurons per layer"``), filled after the lookup. Names
that stay as they are in every language (activation and loss names, L1/L2, SGD/Adam, MSE/BCE, feature
names, file formats, relulab, PyTorch, TensorFlow Playground, Zaslavsky/Montúfar/Serra) are in
:data:`KEEP`; a test checks that every string the page and the lessons show is in the catalogue.

>>> tr("Learning rate", "zh")
'学习率'
>>> tr("at most {n} neurons per layer", "zh", n=8)
'每层最多 8 个神经元'
>>> tr("Learning rate", "fr")
Traceback (most recent call last):
...
ValueError: unknown language 'fr'; allowed: ['en', 'zh']
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES = {"en": "English", "zh": "简体中文"}
HERE = Path(__file__).parent
# words that stay as they are in every language (technical names)
KEEP = ("relulab", "PyTorch", "TensorFlow Playground", "Zaslavsky", "Montúfar", "Serra", "ReLU", "tanh",
        "sigmoid", "relu", "leaky_relu", "prelu", "elu", "identity", "linear", "step", "L1", "L2", "SGD", "Adam",
        "MSE", "BCE", "CSV", "JSON", "PNG", "SVG", "XOR", "x1", "x2", "state_dict", "run.json", "URL")


def check_lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; allowed: {list(LANGUAGES)}")
    return lang


@cache
def catalogue(lang: str) -> dict[str, str]:
    """English text -> text in ``lang`` (empty for English, whose text is the key)."""
    check_lang(lang)
    if lang == "en":
        return {}
    return json.loads((HERE / f"{lang}.json").read_text(encoding="utf-8"))


def tr(text: str, lang: str = "en", **values: Any) -> str:
    """``text`` in ``lang`` (the English text where the catalogue lacks it), with ``values`` filled in."""
    out = catalogue(lang).get(text, text) if text else text
    return out.format(**values) if values else out


def missing(texts: list[str] | tuple[str, ...], lang: str) -> list[str]:
    """The texts the catalogue of ``lang`` does not translate."""
    cat = catalogue(lang)
    return [t for t in dict.fromkeys(texts) if t and t not in cat]


def translate_text(text: str, lang: str) -> str:
    """``text`` with every catalogue phrase in it translated (longest phrases first): for lines such as
    ``C3  holds  --  On the circle ...`` that join catalogue strings with ids and numbers."""
    cat = catalogue(lang)
    if not cat:
        return text
    whole = cat.get(text.strip())
    if whole is not None:
        return text.replace(text.strip(), whole)
    import re

    for en in sorted((k for k in cat if " " in k.strip()), key=len, reverse=True):
        if en in text:
            text = text.replace(en, cat[en])
    for en in (k for k in cat if " " not in k.strip()):  # a word: a column of its own, or a label opening a line
        if en in text:
            where = r"(^[ \t]*)" if en.endswith(":") else r"(^|[ \t]{2})"
            text = re.sub(where + re.escape(en) + ("" if en.endswith(":") else r"(?=[ \t]{2}|$)"),
                          lambda m, t=cat[en]: m.group(1) + t, text, flags=re.M)
    return text


def translate_html(page: str, lang: str) -> str:
    """An HTML page in ``lang``: each text between tags goes through :func:`translate_text`; ``<pre>``,
    ``<code>`` and ``<style>`` are kept as they are (commands and numbers), and ``<html lang>`` is set."""
    import html
    import re

    if lang == "en":
        return page
    out, skip = [], 0
    for token in re.split(r"(<[^>]*>)", page):
        if token.startswith("<"):
            tag = re.match(r"</?\s*([a-zA-Z0-9]+)", token)
            name = tag.group(1).lower() if tag else ""
            if name in ("pre", "code", "style", "script"):
                skip += -1 if token.startswith("</") else 1
            if name == "html" and not token.startswith("</"):
                token = re.sub(r'lang="[^"]*"', 'lang="zh-Hans"', token)
            out.append(token)
        else:
            text = html.unescape(token)
            out.append(token if skip > 0 or not token.strip() else html.escape(translate_text(text, lang), False))
    return "".join(out)
