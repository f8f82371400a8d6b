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


def test_a_filled_template_is_recognised_with_its_values_translated_in_turn():
    from relulab.i18n import translate

    assert translate("11 of 18 nets have a kink beyond ± one knot spacing", "zh") == (
        "18 个网络中有 11 个的折点超出 ± 一个节点间距")
    # a part's caveat: the kind, the verdict and the reason are each a catalogue string or template of their own
    assert translate("tanh_vanishes_he (measured): does not hold here -- tanh's gradients vanish under he init: "
                     "0 of 5 seeds at init, 0 of 3 during training", "zh") == (
        "tanh_vanishes_he（测量值）：在此不成立 —— tanh 的梯度在 he 初始化下消失："
        "初始化时 5 个种子中有 0 个，训练期间 3 个中有 0 个")
    # a list of filled templates, item by item; a sentence with its full stop
    assert translate("layer 3: 18 of 43 ever dead (42%), layer 5: 2 of 10 ever dead (20%)", "zh") == (
        "第 3 层：43 个曾死亡的单元中有 18 个（42%），第 5 层：10 个曾死亡的单元中有 2 个（20%）")
    assert translate("test points.", "zh") == "测试点。"
    assert translate("11 of 18 nets have a kink beyond ± one knot spacing", "en") == (
        "11 of 18 nets have a kink beyond ± one knot spacing")


def test_a_template_never_swallows_an_untranslated_sentence_or_a_list():
    from relulab.i18n import translate

    for text in ("3 of the claims nobody wrote", "a sentence nobody translated.", "runs that diverged, and more words"):
        assert translate(text, "zh") == text
    # "{k} of {n}" on a list of pairs: one-letter fields hold one number, so the list goes item by item
    assert translate("3 of 8, 2 of 9", "zh") == "8 个中的 3 个，9 个中的 2 个"
