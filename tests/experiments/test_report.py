"""The claims report: one self-contained page (checked as text and in a real Chromium) plus claims.json."""

from __future__ import annotations

import json
import os
import re
import shutil

import pytest

from relulab.experiments import ClaimResult, Measurement, Verdict, run_claim
from relulab.experiments.report import report_html, write_report

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
