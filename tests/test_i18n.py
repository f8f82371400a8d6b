"""The string catalogue: lookups, templates, unknown languages, and what stays untranslated."""

from __future__ import annotations

import json

import pytest

from relulab.i18n import HERE, KEEP, LANGUAGES, catalogue, check_lang, missing, tr


def test_lookup_template_and_fallback():
    assert tr("Learning rate", "zh") == "学习率" and tr("Learning rate") == "Learning rate"
    assert tr("at most {n} neurons per layer", "zh", n=8) == "每层最多 8 个神经元"
    assert tr("at most {n} neurons per layer", "en", n=8) == "at most 8 neurons per layer"
    assert tr("no such text", "zh") == "no such text"
    assert missing(["Learning rate", "no such text", ""], "zh") == ["no such text"]


def test_unknown_language_is_one_line():
    with pytest.raises(ValueError, match=r"unknown language 'de'; allowed: \['en', 'zh'\]"):
        check_lang("de")
    assert set(LANGUAGES) == {"en", "zh"}


def test_every_translation_keeps_the_templates_values_and_the_technical_names():
    zh = json.loads((HERE / "zh.json").read_text(encoding="utf-8"))
    assert zh == catalogue("zh") and zh
    import string

    for en, text in zh.items():
        fields = {f for _, f, _, _ in string.Formatter().parse(en) if f}
        assert fields == {f for _, f, _, _ in string.Formatter().parse(text) if f}, en
        for name in KEEP:
            if f" {name} " in f" {en} " and name not in ("linear", "step", "identity"):
                assert name in text, (name, en, text)
