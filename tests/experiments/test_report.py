"""The claims report: one self-contained page (checked as text and in a real Chromium) plus claims.json."""

from __future__ import annotations

import json
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from relulab.experiments import ClaimResult, Measurement, Verdict, run_claim
from relulab.experiments.report import report_html, write_report
from relulab.experiments.result import Figure

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    results = [run_claim("C1", quick=True), run_claim("C10", quick=True), run_claim("C2", quick=True),
               ClaimResult("C3", "a claim with a link", Verdict.CAVEATS, "x", [Measurement("x", 1.0)],
                           caveats=["because"], playground_url="https://playground.tensorflow.org/#dataset=circle"),
               ClaimResult("C7", "a claim that broke", Verdict.ERROR, "y", [], error="RuntimeError: boom")]
    out = tmp_path_factory.mktemp("report")
    write_report(results, out, quick=True, seconds=1.5)
    return out, results


def test_files_and_json(report):
    out, results = report
    d = json.loads((out / "claims.json").read_text())
    assert d["meta"]["mode"] == "quick" and d["meta"]["threads"] >= 1
    assert d["verdicts"] == {"C1": "holds", "C10": "holds", "C2": "holds with caveats", "C3": "holds with caveats",
                             "C7": "error"}
    assert [p["key"] for p in d["claims"][2]["parts"]] == ["not_additive", "not_homogeneous"]
    for entry in d["claims"][:2]:
        assert entry["rule"] and entry["measurements"] and entry["figures"]
        for f in entry["figures"]:
            assert (out / f["path"]).read_bytes().startswith(b"\x89PNG")


def test_page_is_self_contained(report):
    out, results = report
    page = (out / "index.html").read_text()
    assert '<meta name="viewport"' in page
    assert not re.search(r"<script|<link|@import|url\(", page, re.I)
    srcs = re.findall(r'src="([^"]*)"', page)
    assert len(srcs) == sum(len(r.figures) for r in results) and all(s.startswith("data:image/png;base64,")
                                                                     for s in srcs)
    # the only http(s) text is the local playground link: in the copyable command and in an <a> the reader
    # may follow with a playground running -- never another site, never a load
    links = [m.start() for m in re.finditer("https?://", page)]
    assert len(links) == 3 and links == [m.start() for m in re.finditer(r"http://127\.0\.0\.1:8000/#dataset=circle",
                                                                        page)]
    assert "relulab playground --open 'http://127.0.0.1:8000/#dataset=circle'" in page
    assert set(re.findall(r'href="([^"#]*)#', page)) == {"", "http://127.0.0.1:8000/"}
    assert page.count("<code>relulab claim C1 --quick</code>") == 1  # each claim says how to reproduce it
    assert "<code>relulab claim C2 --quick --part not_additive</code>" in page  # ... and each part
    assert page.count('class="part"') == 2 and "theorem, checked numerically" in page
    for r in results:  # the verdict table links to each claim's section
        assert f'href="#{r.id.lower()}"' in page and f'id="{r.id.lower()}"' in page
    assert "RuntimeError: boom" in page and "because" in page


def test_html_escapes_user_text():
    page = report_html([ClaimResult("C1", "<b>x</b>", Verdict.HOLDS, "a < b", [Measurement("<i>", "<u>")])])
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page and "<u>" not in page


def _chromium() -> str | None:
    return CHROMIUM if os.access(CHROMIUM, os.X_OK) else shutil.which("chromium")


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}])
def test_page_in_chromium_loads_every_figure_and_requests_nothing_outside(report, viewport):
    exe = _chromium()
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing (/usr/bin/chromium): the browser tests must run in CI")
        pytest.skip("Chromium is not installed (/usr/bin/chromium)")
    from playwright.sync_api import sync_playwright

    out, results = report
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=ARGS)
        try:
            page = browser.new_page(viewport=viewport)
            page.on("request", lambda r: requests.append(r.url))
            page.goto((out / "index.html").as_uri())
            page.wait_for_load_state("load")
            widths = page.eval_on_selector_all("img", "els => els.map(e => e.complete ? e.naturalWidth : 0)")
            assert len(widths) == sum(len(r.figures) for r in results) and all(w > 0 for w in widths), widths
            shown = page.eval_on_selector_all("img", "els => els.map(e => [e.clientWidth, e.naturalWidth])")
            # readable: a figure is never squeezed below 600 px (or its own width); on a phone it scrolls sideways
            assert all(w >= min(n, 600) for w, n in shown), shown
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"the page is {overflow}px wider than a {viewport['width']}px screen"
            hrefs = page.eval_on_selector_all("a", "els => els.map(e => e.getAttribute('href'))")
            assert hrefs and all(h.startswith(("#", "http://127.0.0.1:8000/#")) for h in hrefs), hrefs
            page.click('a[href="#c10"]')
            assert page.evaluate("location.hash") == "#c10"
        finally:
            browser.close()
    outside = [u for u in requests if not u.startswith(("file://", "data:"))]
    assert requests and not outside, outside


# ---- the report in Chinese ----------------------------------------------------------------------------------
# The technical names the page keeps (tests/server/visible_english.js), plus what a report shows as notation:
# part keys (not_additive), activation and init names, math (max, abs, rank, std/mean, copy/copy), True/False.
_PAGE_KEEP = re.search(r"const keep = /(.*)/g;", (Path(__file__).parents[1] / "server" / "visible_english.js")
                       .read_text()).group(1)
_KEEP = re.compile(_PAGE_KEEP + r"|--[a-z][\w-]*|`[^`]*`|'\w+'|[\w/]+\.yaml|"
                   r"\b(digits|mlp|cnn|CNN|Wilson|[a-z]+(_[a-z0-9]+)+|[a-z]+\d|selu|celu|gelu|silu|mish|"
                   r"softplus|softsign|hardtanh|hardsigmoid|novikoff|Playground|rank|copy|std|mean|min|log|depth|"
                   r"fan_in|He|Leaky|MLPs?|RMSE|Holm|Newcombe|"
                   r"bootstrap|True|False|None|nan|inf|cpu|cuda|UTC|x86_64|Python|float(32|64))\b")


class _Visible(HTMLParser):
    """The text a reader sees (``alt`` included), without code, commands and links' addresses."""

    def __init__(self):
        super().__init__()
        self.skip, self.texts = 0, []

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("code", "pre", "style", "script", "a")
        self.texts += [v for k, v in attrs if k in ("alt", "title") and v]

    def handle_endtag(self, tag):
        self.skip -= tag in ("code", "pre", "style", "script", "a")

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.texts.append(data.strip())


def english_left(page: str) -> list[str]:
    """Every visible text of ``page`` that still holds an English word once the technical names are taken out."""
    seen = _Visible()
    seen.feed(page)
    return [t for t in dict.fromkeys(seen.texts) if re.search(r"[A-Za-z]{2,}", _KEEP.sub("", t))]


def _every_label() -> ClaimResult:
    """A result that shows every label and kind of text a claim can have (a figure, a part, a link, an error)."""
    import matplotlib.pyplot as plt

    from relulab.experiments import CLAIMS
    from relulab.experiments.parts import PartRule, rule_text

    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    part = PartRule("not_additive", "relu breaks additivity: relu(a + b) ≠ relu(a) + relu(b) (e.g. a = 1, b = -1)",
                    "relu's largest gap max abs(f(a+b) − f(a) − f(b)) "
                    "> 1e-6 while identity's < 1e-12 (float64)", lambda m: (Verdict.CAVEATS, []), ("gap",))
    return ClaimResult("C2", CLAIMS.get("C2").text, Verdict.CAVEATS, rule_text([part]),
                       [Measurement("identity additivity gap", 1e-16, "x copy", "65536 samples, N(0, 9)")],
                       caveats=["not_homogeneous (theorem, checked numerically): holds with caveats -- relu is "
                                "positively homogeneous: relu(cx) = c·relu(x) for every c > 0 (max gap 0); only "
                                "c < 0 and sums break linearity"],
                       figures=[Figure.from_matplotlib(fig, "c0", "A random 20-layer net with identity activations "
                                                       "equals one affine map (left); W' has rank at most the "
                                                       "narrowest width (right).")],
                       seeds=[0, 1, 2, 3, 4], playground_url="https://playground.tensorflow.org/#dataset=circle",
                       parts=[part.judge({"gap": 8.1})], command="relulab claim C2", error="RuntimeError: boom",
                       notes=["grid: activations ['relu', 'elu'] x lr [1.0, 3.0] x seeds [0, 1]; for relu near-dead "
                              "is exactly dead (its derivative is 0 or 1)"])


def test_the_report_renders_in_chinese_with_no_english_sentence_left():
    """The shipped full run's report (what a lesson links to) and a result with every label, in Chinese: rules,
    measurement names, parts, caveats, notes and captions all come from the catalogue (templates fill in the
    numbers); what stays is technical names, numbers, commands and the links' addresses."""
    from relulab.lessons.verdicts import report_results

    results, meta = report_results()
    assert len(results) == 14  # the shipped run has every claim
    results.append(_every_label())
    english = report_html(results, meta=meta)
    assert len(english_left(english)) > 250  # the finder does find English
    page = report_html(results, meta=meta, lang="zh")
    assert english_left(page) == []
    assert '<html lang="zh-Hans">' in page and "复现：" in page and "配置与随机种子" in page
    # templates: the numbers of this run inside the Chinese sentence, the composed caveat translated part by part
    assert "65536 个样本，N(0, 9)" in page and "（定理，经数值验证）：成立，但有保留 —— relu 是正齐次的" in page
    assert "0..4（5 个种子）" in page and 'alt="一个随机的 20 层恒等激活网络等于一个仿射映射' in page
    assert "<code>relulab claim C2 --part not_additive</code>" in page and "RuntimeError: boom" in page


def test_a_sentence_missing_from_the_catalogue_is_found():
    page = report_html([ClaimResult("C1", "A sentence nobody translated", Verdict.HOLDS, "x > 1",
                                    [Measurement("x", 2)])], lang="zh")
    assert english_left(page) == ["C1: A sentence nobody translated"]
