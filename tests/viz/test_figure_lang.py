"""The claims' figures in Chinese: every visible text through the string catalogue when a CJK font is installed
(`relulab claim C2 --lang zh`), English with no missing glyph when none is."""

from __future__ import annotations

import io
import re
import warnings
from types import SimpleNamespace as S

import matplotlib.pyplot as plt
import pytest
import torch
from matplotlib.text import Text

from relulab.activations import ACTIVATIONS
from relulab.data import DATASETS
from relulab.i18n import _SENTENCE, KEEP, translate
from relulab.viz import fonts, png
from relulab.viz.fonts import drawing_in, localize

CJK = re.compile(r"[\u4e00-\u9fff]")
# technical names a figure shows as they are: the catalogue's own, the registries' names, and the few symbols
# the figures use (lr, RMSE, nn.Linear, dL/dW, ...)
NAMES = set(KEEP) | set(ACTIVATIONS) | set(DATASETS) | {"lr", "RMSE", "nn", "Linear", "dL", "dW", "dy", "he",
                                                        "xavier", "grad", "max"}


def texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_text().strip()]


def english_left(fig) -> list[str]:
    """The visible texts of ``fig`` that are neither Chinese nor technical names and numbers: a text with an
    English sentence in it, or one with no Chinese whose words are not all names."""
    left = []
    for text in texts(fig):
        plain = re.sub(r"\$[^$]*\$", "", text)  # math: symbols, not words
        words = [w for w in re.findall(r"[A-Za-z_]{2,}", plain) if w not in NAMES]
        if _SENTENCE.search(plain) or (words and not CJK.search(plain)):
            left.append(text)
    return left


def _figures():
    """A few claims' figures, drawn from small made-up results (no training)."""
    from relulab.analysis.arithmetic import ArithmeticErrors
    from relulab.analysis.dead import DeadHistory
    from relulab.analysis.linearity import linearity_table
    from relulab.analysis.sparsity import SparsityTable
    from relulab.viz.arithmetic import plot_arithmetic
    from relulab.viz.dead import plot_dead_fraction
    from relulab.viz.linearity import plot_linearity
    from relulab.viz.sparsity import plot_sparsity
    from relulab.viz.variants import plot_variant_success

    h = DeadHistory(["1"], torch.tensor([[0, 0], [1, 0], [1, 1]], dtype=torch.bool))
    rows = linearity_table(["identity", "relu", "tanh", "selu"], generator=torch.Generator().manual_seed(0), n=64)
    summary = [S(group={"activation": a}, success_rate=r, wilson_low=r - 0.1, wilson_high=min(r + 0.1, 1.0))
               for a, r in (("relu", 0.8), ("elu", 0.6))]
    by_ds = [S(group={"activation": a, "dataset": d}, success_rate=0.5)
             for a in ("relu", "elu") for d in ("circle", "xor")]
    return {
        "C2": plot_linearity(rows, 0),
        "C8": plot_sparsity(SparsityTable({"relu": [[0.5, 0.4], [0.6, 0.5]], "tanh": [[0.0, 0.0], [0.0, 0.0]]})),
        "C9": plot_dead_fraction({(0.3, "relu"): [h], (0.3, "elu"): [h], (0.03, "relu"): [h]}),
        "C11": plot_variant_success(summary, by_ds, 0.9),
        "C12": plot_arithmetic({("add", "relu"): [ArithmeticErrors("add", 0.02, 0.07, 4.0)],
                                ("mul", "linear"): [ArithmeticErrors("mul", 0.3, 2.0, 4.0)]}),
    }


def test_the_finder_finds_english_figure_text():
    """The oracle: the English figures are flagged; names, numbers and Chinese text are not."""
    for claim, fig in _figures().items():
        assert english_left(fig), claim
    fig, ax = plt.subplots()
    ax.set(title="relu, 第 3 轮", xlabel="lr = 0.3", ylabel="$f'(x)$")
    assert english_left(fig) == []
    ax.set_title("第 3 轮 of the training run")
    assert english_left(fig) == ["第 3 轮 of the training run"]
    plt.close(fig)


@pytest.mark.skipif(fonts.cjk_font() is None, reason="no CJK font installed (Debian: fonts-noto-cjk)")
def test_claim_figures_in_chinese_leave_no_english():
    for claim, fig in _figures().items():
        before = texts(fig)
        localize(fig, "zh")
        assert english_left(fig) == [], claim
        after = texts(fig)
        # each changed text is the catalogue's translation of the English one, numbers filled in
        assert all(a == translate(b, "zh") or "\n" in b for a, b in zip(after, before, strict=True)), claim
        assert sum(a != b for a, b in zip(after, before, strict=True)) >= 3, claim
        plt.close(fig)


@pytest.mark.skipif(fonts.cjk_font() is None, reason="no CJK font installed (Debian: fonts-noto-cjk)")
def test_a_claim_run_in_chinese_renders_chinese_figures(monkeypatch):
    """`relulab claim C2 --quick --lang zh`: the figure is translated where it is rendered, with every glyph."""
    from relulab.experiments import run_claim

    seen, real = [], png.to_png

    def spy(fig, dpi=110):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = real(fig, dpi)
        seen.append((texts(fig), [str(w.message) for w in caught if "missing from font" in str(w.message)]))
        return out

    monkeypatch.setattr(png, "to_png", spy)
    result = run_claim("C2", quick=True, lang="zh")
    assert result.error is None and len(seen) == len(result.figures) >= 1
    for shown, missing in seen:
        assert missing == [] and any(CJK.search(t) for t in shown)
        assert not [t for t in shown if _SENTENCE.search(re.sub(r"\$[^$]*\$", "", t))]
    seen.clear()
    run_claim("C2", quick=True)  # English by default: the same figure stays English
    assert seen and not any(CJK.search(t) for shown, _ in seen for t in shown)


def test_without_a_cjk_font_claim_figures_stay_english_with_every_glyph(monkeypatch):
    monkeypatch.setattr(fonts, "cjk_font", lambda: None)
    fig = _figures()["C8"]
    before = texts(fig)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with drawing_in("zh"):
            png.to_png(fig, dpi=30)
            fig.savefig(io.BytesIO(), format="svg")
    after = texts(fig)  # the English texts, and the tick labels drawing added
    assert set(before) <= set(after) and not any(CJK.search(t) for t in after)
    assert [str(w.message) for w in caught if "missing from font" in str(w.message)] == []


def test_drawing_in_refuses_an_unknown_language_and_ends_with_its_block():
    with pytest.raises(ValueError, match="unknown language 'fr'"), drawing_in("fr"):
        pass
    with drawing_in("zh"):
        pass
    fig = _figures()["C8"]
    before = texts(fig)
    assert texts(localize(fig)) == before  # outside the block: English
    plt.close(fig)
