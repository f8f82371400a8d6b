"""The page's parts for the widget, read from the web page's own files: the markup of ``index.html``'s
body (without its script), ``style.css`` scoped to the widget's element, and the registries, defaults,
previews and English lessons the server's ``/api`` routes give the page.

Scoping: every selector of ``style.css`` gets the widget's class in front (``:root`` and ``body``
become the class itself), so the page's styles stay inside the widget and leave the notebook's alone.

>>> print(scope(":root { --a: 1; }\\n.x, body { margin: 0; }\\n@media (max-width: 9px) { .y { color: red; } }"))
.relulab-widget { --a: 1; }
.relulab-widget .x, .relulab-widget { margin: 0; }
@media (max-width: 9px) { .relulab-widget .y { color: red; } }
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ..config import RunConfig
from ..server.app import STATIC
from ..server.routes import previews, registries
from ..server.settings import ServerSettings
from . import routes

ROOT = ".relulab-widget"
LESSONS = "lessons?lang=en"  # the resource name the page asks for the English lessons
# the widget's own additions: the page is wider than most notebooks, so it scrolls sideways in its cell
EXTRA = f"{ROOT} {{ overflow-x: auto; background: var(--bg); }}\n"
RULE = re.compile(r"([^{}]+)\{")


def _selector(sel: str) -> str:
    sel = sel.strip()
    for own in (":root", "body"):
        if sel == own or sel.startswith(own + " "):
            return ROOT + sel[len(own):]
    return f"{ROOT} {sel}"


def scope(css: str) -> str:
    """``css`` with every rule's selectors inside :data:`ROOT` (``@media`` blocks keep their query)."""
    def rule(m: re.Match[str]) -> str:
        head = m.group(1)
        if head.strip().startswith("@"):
            return m.group(0)
        lead = head[: len(head) - len(head.lstrip())]
        return lead + ", ".join(_selector(s) for s in head.split(",")) + " {"

    return RULE.sub(rule, re.sub(r"/\*.*?\*/", "", css, flags=re.S)).strip()


@lru_cache(maxsize=1)
def css() -> str:
    return scope((STATIC / "style.css").read_text(encoding="utf-8")) + "\n" + EXTRA


@lru_cache(maxsize=1)
def markup() -> str:
    """What ``index.html``'s body holds, less its script tags."""
    html = (STATIC / "index.html").read_text(encoding="utf-8")
    body = re.search(r"<body>(.*)</body>", html, flags=re.S)
    if body is None:
        raise ValueError(f"{STATIC / 'index.html'} has no <body>")
    return re.sub(r"<script\b[^>]*>.*?</script>\s*", "", body.group(1), flags=re.S).strip()


def resources(settings: ServerSettings) -> dict[str, Any]:
    """What the page fetches from ``/api/registries``, ``/api/defaults``, ``/api/previews`` and, in
    English, ``/api/lessons``: kept in a trait, so that a notebook reopened without a kernel has them
    (the page cannot start without them)."""
    out = {"registries": registries(), "previews": previews(),
           "defaults": {"config": RunConfig().model_dump(mode="json"), "limits": settings.limits()}}
    ok, _, body = routes.call(settings, LESSONS, post=False)
    if ok:
        out[LESSONS] = body
    return out
