"""The documentation site: built with warnings as errors, every code block run, nothing from the internet.

The build runs ``mkdocs build --strict`` (Material theme, mkdocstrings for the API pages,
markdown-exec runs every ```python / ```bash block marked ``exec="on"`` at build time, so a block that
raises or a command that fails aborts the build) in a scratch directory holding copies of
``examples/`` and ``benchmarks/``, as ``scripts/docs.sh`` does. Both languages are built: English
pages are ``NAME.md``, their Simplified Chinese versions ``NAME.zh.md`` (mkdocs-static-i18n).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
FENCE = re.compile(r"^```(?P<lang>python|py|bash|sh|console|pycon)\b(?P<opts>[^\n]*)$")
NOT_RUN = re.compile(r"<!--\s*docs:\s*not run\s+\S.*-->")
CJK = re.compile(r"[\u4e00-\u9fff]")

pytestmark = pytest.mark.slow


def english_pages() -> list[Path]:
    return sorted(p for p in DOCS.rglob("*.md") if not p.name.endswith(".zh.md"))


def built_path(site: Path, page: Path, lang: str = "") -> Path:
    rel = page.relative_to(DOCS).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] in ("index", "README"):
        parts = parts[:-1]
    return site.joinpath(lang, *parts, "index.html")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("docs-build")
    for name in ("examples", "benchmarks"):
        shutil.copytree(REPO / name, work / name)
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", MPLBACKEND="Agg",
               PYTHONPATH=os.pathsep.join(filter(None, [str(REPO / "src"), str(REPO / "scripts"),
                                                   os.environ.get("PYTHONPATH")])),
               PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    out = work / "site"
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(REPO / "mkdocs.yml"),
                           "-d", str(out)], cwd=work, env=env, capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, f"mkdocs build --strict failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-8000:]}"
    return out


def test_every_code_block_runs_at_build_time():
    """A ```python/```bash block either runs (exec="on") or says why not on the line before it."""
    unmarked = []
    for page in english_pages() + sorted(DOCS.rglob("*.zh.md")):
        lines = page.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            m = FENCE.match(line)
            if m and 'exec="on"' not in m["opts"] and not (i and NOT_RUN.search(lines[i - 1])):
                unmarked.append(f"{page.relative_to(REPO)}:{i + 1}")
    assert not unmarked, f"code blocks neither run nor marked '<!-- docs: not run REASON -->': {unmarked}"


def test_every_page_is_built_in_english_and_chinese(site):
    missing = [str(built_path(site, p, lang)) for p in english_pages() for lang in ("", "zh")
               if not built_path(site, p, lang).is_file()]
    assert not missing, missing
    zh_home = (site / "zh" / "index.html").read_text(encoding="utf-8")
    assert 'lang="zh"' in zh_home and len(CJK.findall(zh_home)) > 50


def test_chinese_pages_exist_for_the_course():
    """The pages a learner starts from have a Chinese text of their own (not the English fallback)."""
    for name in ("index", "start", "lessons/index"):
        page = DOCS / f"{name}.zh.md"
        assert page.is_file(), page
        assert len(CJK.findall(page.read_text(encoding="utf-8"))) > 30, page


class _Loads(HTMLParser):
    """Every URL a page would fetch by itself (not links a reader may click)."""

    FETCH = {"script": "src", "img": "src", "iframe": "src", "source": "src", "video": "src", "audio": "src",
             "embed": "src", "object": "data"}
    LINK_RELS = {"stylesheet", "icon", "preload", "modulepreload", "manifest", "prefetch", "preconnect",
                 "dns-prefetch", "apple-touch-icon"}

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in self.FETCH and a.get(self.FETCH[tag]):
            self.urls.append(a[self.FETCH[tag]])
        if tag == "link" and set((a.get("rel") or "").split()) & self.LINK_RELS and a.get("href"):
            self.urls.append(a["href"])


def test_nothing_is_loaded_from_the_internet(site):
    outside = re.compile(r"^\s*(https?:)?//", re.I)
    found = []
    for html in site.rglob("*.html"):
        parser = _Loads()
        parser.feed(html.read_text(encoding="utf-8"))
        found += [f"{html.relative_to(site)}: {u}" for u in parser.urls if outside.match(u)]
    css_url = re.compile(r"(url\(\s*['\"]?\s*(https?:)?//|@import\s+['\"]?\s*(https?:)?//)", re.I)
    for css in site.rglob("*.css"):
        if css_url.search(css.read_text(encoding="utf-8", errors="replace")):
            found.append(str(css.relative_to(site)))
    assert not found, found


def test_doctests_become_code_blocks():
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        from docs_doctests import fence_doctests
    finally:
        sys.path.remove(str(REPO / "scripts"))
    text = "Doubles.\n\n>>> [f(1)]\n[2]\n\n```python\n>>> kept\n```\n    >>> indented(1)\n"
    assert fence_doctests(text).splitlines() == [
        "Doubles.", "", "```pycon", ">>> [f(1)]", "[2]", "```", "", "```python", ">>> kept", "```",
        "    >>> indented(1)"]


def test_api_pages_render_the_docstrings(site):
    training = (built_path(site, DOCS / "api" / "training.md")).read_text(encoding="utf-8")
    assert "relulab.training" in training and "train" in training
