"""The widget's parts of the page: index.html's markup without its script, style.css scoped to the
widget, and the same registries, defaults and previews as the server's /api routes."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from relulab.notebook import page
from relulab.server import ServerSettings, create_app
from relulab.server.app import STATIC


def test_markup_is_the_page_body_without_scripts():
    html = page.markup()
    assert "<script" not in html and 'id="heatmap"' in html and 'id="btn-play"' in html
    ids = re.findall(r'id="([\w-]+)"', (STATIC / "index.html").read_text())
    assert ids and all(f'id="{i}"' in html for i in ids)


def test_every_rule_is_scoped_to_the_widget():
    css = page.css()
    selectors = [s.strip() for head in re.findall(r"([^{}]+)\{", css) if not head.strip().startswith("@")
                 for s in head.split(",")]
    assert selectors and all(s.startswith(page.ROOT) for s in selectors), [s for s in selectors
                                                                         if not s.startswith(page.ROOT)]
    assert not re.search(r"(^|[\s,])(body|:root)\b", css, re.M)
    assert page.scope("body .a, :root{x:1}") == ".relulab-widget .a, .relulab-widget {x:1}"


def test_resources_are_what_the_server_gives_the_page():
    settings = ServerSettings(max_layers=5, allow_hosts=("testserver",))
    res = page.resources(settings)
    with TestClient(create_app(settings)) as c:
        for name in ("registries", "defaults", "previews"):
            assert res[name] == c.get(f"/api/{name}").json(), name
