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
relulab.i18n.Refusal: unknown language 'fr'; allowed: ['en', 'zh']
"""

from __future__ import annotations

import json
import re
import string
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES = {"en": "English", "zh": "简体中文"}
HTML_LANG = {"en": "en", "zh": "zh-Hans"}  # the value of <html lang> for each language
HERE = Path(__file__).parent
# words that stay as they are in every language (technical names)
KEEP = ("relulab", "PyTorch", "TensorFlow Playground", "Zaslavsky", "Montúfar", "Serra", "ReLU", "tanh",
        "sigmoid", "relu", "leaky_relu", "prelu", "elu", "identity", "linear", "step", "L1", "L2", "SGD", "Adam",
        "MSE", "BCE", "CSV", "JSON", "PNG", "SVG", "XOR", "x1", "x2", "state_dict", "run.json", "URL")


def check_lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise Refusal("unknown language {got}; allowed: {allowed}", got=repr(lang), allowed=list(LANGUAGES))
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


class Refusal(ValueError):
    """A one-line refusal built from a catalogue template and its values: ``str(e)`` is the English line,
    :meth:`says` the line in a language (each value a refusal, a number, a name or a catalogue phrase).

    >>> e = Refusal("speed: at most {n} epochs per frame, got {got}", n=50, got=99)
    >>> str(e), e.says("zh")
    ('speed: at most 50 epochs per frame, got 99', 'speed：每帧最多 50 轮，收到的是 99')
    """

    def __init__(self, template: str, **values: Any) -> None:
        super().__init__(template.format(**values))
        self.template, self.values = template, values

    def says(self, lang: str) -> str:
        text = catalogue(lang).get(self.template, self.template)
        return text.format(**{k: said(v, lang) for k, v in self.values.items()})


class Lines(tuple):
    """Several refusals on one line (one per problem of a validation), joined by ``; ``."""

    def __str__(self) -> str:
        return "; ".join(str(x) for x in self)


def said(what: Any, lang: str) -> str:
    """A refusal, an exception or a value in ``lang``: a :class:`Refusal` by its template, a list of them
    item by item, an exception's first line and any other text through :func:`translate`."""
    if isinstance(what, Refusal):
        return what.says(lang)
    if isinstance(what, Lines):
        return ("；" if lang == "zh" else "; ").join(said(w, lang) for w in what)
    if isinstance(what, BaseException):
        what = str(what).splitlines()[0] if str(what).strip() else type(what).__name__
    return translate(str(what), lang)


def missing(texts: list[str] | tuple[str, ...], lang: str) -> list[str]:
    """The texts the catalogue of ``lang`` does not translate."""
    cat = catalogue(lang)
    return [t for t in dict.fromkeys(texts) if t and t not in cat]


def _fields(text: str) -> list[str] | None:
    """The named fields of a template (``None`` when ``text`` is no template: no field, or braces that are
    not fields, as in ``e^{-x}``)."""
    try:
        names = [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
    except ValueError:
        return None
    return names if names and all(n.isidentifier() for n in names) and len(set(names)) == len(names) else None


_ONE = r"[^\s,;]+?"  # a one-letter field ({n}, {k}) holds one number or name: no space, never a list


@cache
def _templates(lang: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    """Each template of the catalogue as a pattern whose groups are its fields, the most specific first."""
    out = []
    for en, text in catalogue(lang).items():
        fields, own = _fields(en), len(re.sub(r"\{\w+\}|\s", "", en))
        if fields is None or own < 2:
            continue  # no template, or too little text of its own to be recognised ("{label}: {v}")
        pattern = "".join(re.escape(lit) + (f"(?P<{f}>{_ONE if len(f) == 1 else '.+?'})" if f else "")
                          for lit, f, _, _ in string.Formatter().parse(en))
        out.append(((-own, -sum(len(f) == 1 for f in fields)), re.compile(pattern, re.S), text))
    return tuple((p, t) for _, p, t in sorted(out, key=lambda x: x[0]))  # most own text, then most constrained


def translate(text: str, lang: str, _depth: int = 0) -> str:
    """One string in ``lang``: the catalogue's entry for it, else the template it fills (``"{k} of {n} nets"``
    matches ``"3 of 18 nets"``; each value goes through this function too, so a filled template may hold
    another), else ``text`` itself. Numbers, names and commands pass through as they are."""
    cat = catalogue(lang)
    if not cat or not text or not text.strip():
        return text
    core = text.strip()
    found = cat.get(core)
    if found is None and _depth < 4:
        for pattern, target in _templates(lang):
            m = pattern.fullmatch(core)
            values = {k: translate(v, lang, _depth + 1) for k, v in m.groupdict().items()} if m else {}
            if m and not any((values[k] == v and _SENTENCE.search(v)) or _repeats(pattern, v)
                             for k, v in m.groupdict().items()):
                found = target.format(**values)  # each value a number, a name or a translated phrase
                break
    if found is None and _depth < 4 and core.endswith(".") and not core.endswith(".."):  # a sentence with its stop
        done = translate(core[:-1], lang, _depth + 1)
        found = done + "。" if done != core[:-1] else None
    if found is None and _depth < 4:
        found = _list(core, lang, _depth)
    return text if found is None else text.replace(core, found)


def page_templates(lang: str) -> list[dict[str, Any]]:
    """The catalogue's templates as :func:`translate` tries them, for the page's own copy of the algorithm
    (``js/i18n.js``): each pattern's source with its groups unnamed (``fields`` names them in order), the
    translation, and the words that a value may not repeat. Both sides use these same patterns."""
    return [{"re": re.sub(r"\(\?P<\w+>", "(", p.pattern), "fields": list(p.groupindex), "out": t,
             "words": _words(p)} for p, t in _templates(lang)]


def _words(pattern: re.Pattern[str]) -> list[str]:
    """The literal words of a template's pattern that hold English (two letters or more), unescaped."""
    words = [w for w in re.split(r"\(\?P<\w+>[^)]*\)", pattern.pattern) if re.search(r"[A-Za-z]{2,}", w)]
    return [re.sub(r"\\(.)", r"\1", w).strip() for w in words]


def _repeats(pattern: re.Pattern[str], value: str) -> bool:
    """Whether a value holds a wording of its own template (a list matched as one item: ``"{k} of {n}"`` on
    ``"3 of 8, 2 of 9"`` gives k = ``"3 of 8, 2"``)."""
    return any(w in value for w in _words(pattern))


def _list(text: str, lang: str, depth: int) -> str | None:
    """A list of catalogue strings (``"layer 3: 18 of 43 ever dead (42%), layer 5: ..."``) item by item, when
    every item with words in it translates; ``None`` otherwise."""
    for sep, joined in ((". ", "。"), ("; ", "；"), (", ", "，")):
        items = text.split(sep)
        if len(items) > 1:
            done = [translate(i, lang, depth + 1) for i in items]
            if any(d != i for d, i in zip(done, items, strict=True)) and not any(
                    d == i and re.search(r"[A-Za-z]{2,}", i) for d, i in zip(done, items, strict=True)):
                return joined.join(done)
    return None


# three English words in a row (spaces between them): a value that is a sentence, which a template must not
# swallow untranslated
_WORD = r"(?<!\w)[A-Za-z]{2,}(?!\w)"  # \w as ASCII, as in the page's copy (js/i18n.js SENTENCE)
_SENTENCE = re.compile(_WORD + r"(?:\s+" + _WORD + "){2}", re.ASCII)  # "relu, tanh, elu" is a list of names


def translate_text(text: str, lang: str) -> str:
    """``text`` in ``lang``: a whole catalogue string or template (:func:`translate`), else with every
    catalogue phrase in it translated (longest phrases first): for lines such as ``C3  holds  --  On the
    circle ...`` that join catalogue strings with ids and numbers, and for rules joined from parts' rules."""
    cat = catalogue(lang)
    if not cat:
        return text
    whole = translate(text, lang)
    if whole != text:
        return whole
    for en in sorted((k for k in cat if " " in k.strip()), key=len, reverse=True):
        if en in text:  # a whole phrase, not the start of a longer word ("weight seed" in "weight seeds")
            text = re.sub(r"(?<![A-Za-z])" + re.escape(en) + r"(?![A-Za-z])", lambda _, t=cat[en]: t, text)
    for en in (k for k in cat if " " not in k.strip()):  # a word: a column of its own, or a label opening a line
        if en in text:
            where = r"(^[ \t]*)" if en.endswith(":") else r"(^|[ \t]{2})"
            text = re.sub(where + re.escape(en) + ("" if en.endswith(":") else r"(?=[ \t]{2}|$)"),
                          lambda m, t=cat[en]: m.group(1) + t, text, flags=re.M)
    return text
