"""The page's links: a TensorFlow Playground link plus the page's own keys (``regions``,
``perceptron``, ``speed``), which the TensorFlow page ignores.

Uploaded or clicked points are not in a link (a link describes generated data); the page says so,
and the session's ``run.json`` export keeps them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from ..config import RunConfig
from ..playground_url import read_link
from .settings import ServerSettings

PAGE_KEYS = ("regions", "perceptron", "speed")  # link keys of the page itself, beside the playground's


@dataclass(frozen=True)
class Link:
    config: RunConfig
    perceptron: bool = False
    speed: int = 1
    show_test_data: bool = False
    discretize: bool = False
    regions: bool = False
    notes: list[str] = field(default_factory=list)
    page: dict[str, str] = field(default_factory=dict)  # page state the config does not use: the link's other
    # data set, its hidden controls (``<name>_hide``), ``hideText``, ``tutorial``


def read(url: str, settings: ServerSettings) -> Link:
    """The experiment and display of a link; ``ValueError`` naming the key when it is unusable."""
    text = url.strip()
    frag = urlsplit(text).fragment if "#" in text else text.lstrip("?")
    pairs = parse_qsl(frag, keep_blank_values=True)
    page = {k: v for k, v in pairs if k in PAGE_KEYS}
    link = read_link(urlencode([(k, v) for k, v in pairs if k not in PAGE_KEYS], safe=",:"))
    speed = page.get("speed", "1")
    if not speed.isdigit() or not 1 <= int(speed) <= settings.max_epochs_per_frame:
        raise ValueError(f"link key speed={speed[:20]!r}; allowed: 1..{settings.max_epochs_per_frame}")
    kept = {**link.page, **{f"{n}_hide": "true" for n in link.hidden}}  # a classroom link's hidden controls
    if link.ui.get("hideText"):
        kept["hideText"] = "true"
    return Link(RunConfig(**link.fields), page.get("perceptron") == "true", int(speed),
                link.ui.get("showTestData", False), link.ui.get("discretize", False), page.get("regions") == "true",
                list(link.notes), kept)


def write(lab: Any, display: Any, page: dict[str, str] | None = None) -> str:
    """The hash (without ``#``) of a lab and its display: the playground's keys, then the page's;
    ``page``: a link's page state to keep (the data set of the other problem type)."""
    ui = {"showTestData": display.show_test_data, "discretize": display.discretize, **(page or {})}
    link = lab.cfg.to_playground_url("", ui)
    extra = {"regions": display.regions, "perceptron": lab.perceptron}
    link += "".join(f"&{k}=true" for k, v in extra.items() if v)
    link += f"&speed={lab.speed}" if lab.speed != 1 else ""
    return link.lstrip("#")
