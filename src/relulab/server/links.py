"""The page's links: a TensorFlow Playground link plus the page's own keys (``regions``,
``perceptron``, ``speed``, and the view: ``lesson``, ``step``, ``lang``), which the TensorFlow page ignores.

A link that names a lesson and holds no setting of its own (``#lesson=C3`` or ``#lesson=C3&step=2``)
opens that step's preset; a link with both (a reload, a shared link) keeps its own setting.

Uploaded or clicked points are not in a link (a link describes generated data); the page says so,
and the session's ``run.json`` export keeps them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from ..config import RunConfig
from ..i18n import Refusal
from ..playground_url import read_link
from .settings import ServerSettings

PAGE_KEYS = ("regions", "perceptron", "speed")  # link keys of the page itself, beside the playground's
VIEW_KEYS = ("lesson", "step", "lang")  # what the page shows around the run: written back, never trained on


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
    lesson: str | None = None
    step: int = 1
    lang: str = "en"


def read_view(pairs: list[tuple[str, str]], lessons: Mapping[str, Any]) -> tuple[str | None, int, str]:
    """The ``lesson``, ``step`` and ``lang`` of a link, checked against the lessons the server has."""
    from ..i18n import check_lang

    view = {k: v for k, v in pairs if k in VIEW_KEYS}
    lang = view.get("lang", "en") or "en"
    try:
        check_lang(lang)
    except ValueError as e:
        raise Refusal("link key lang: {why}", why=e) from None
    lesson = view.get("lesson") or None
    if lesson is not None and lesson not in lessons:
        raise Refusal("link key lesson={got}: no such lesson; allowed: {allowed}", got=repr(lesson[:40]),
                      allowed=list(lessons))
    step = view.get("step", "1") or "1"
    top = len(lessons[lesson].steps) + bool(lessons[lesson].claims) if lesson else 1
    if not step.isdigit() or not 1 <= int(step) <= top:
        raise Refusal("link key step={got}; allowed: 1..{top}", got=repr(step[:20]), top=top)
    return lesson, int(step), lang


def read(url: str, settings: ServerSettings, lessons: Mapping[str, Any] | None = None) -> Link:
    """The experiment and display of a link; ``ValueError`` naming the key when it is unusable."""
    text = url.strip()
    frag = urlsplit(text).fragment if "#" in text else text.lstrip("?")
    pairs = parse_qsl(frag, keep_blank_values=True)
    lesson, step, lang = read_view(pairs, lessons or {})
    quiet = False
    pairs = [(k, v) for k, v in pairs if k not in VIEW_KEYS]
    if lesson is not None and all(k.endswith("_hide") or k in ("hideText", *PAGE_KEYS) for k, _ in pairs):
        # the lesson and at most the view (hidden controls, regions...): the step's preset (or the last before it)
        steps = lessons[lesson].steps  # type: ignore[index]
        preset = next(s.preset for s in reversed(steps[: min(step, len(steps))]) if s.preset is not None)
        pairs = parse_qsl(preset, keep_blank_values=True) + pairs
        quiet = True  # a preset is short on purpose: the defaults it leaves out are no news to the learner
    elif not pairs and frag.strip():  # only the language (``#lang=zh``): the default setting
        return Link(RunConfig(), lang=lang)
    page = {k: v for k, v in pairs if k in PAGE_KEYS}
    link = read_link(urlencode([(k, v) for k, v in pairs if k not in PAGE_KEYS], safe=",:"))
    speed = page.get("speed", "1")
    if not speed.isdigit() or not 1 <= int(speed) <= settings.max_epochs_per_frame:
        raise Refusal("link key speed={got}; allowed: 1..{top}", got=repr(speed[:20]),
                      top=settings.max_epochs_per_frame)
    kept = {**link.page, **{f"{n}_hide": "true" for n in link.hidden}}  # a classroom link's hidden controls
    if link.ui.get("hideText"):
        kept["hideText"] = "true"
    return Link(RunConfig(**link.fields), page.get("perceptron") == "true", int(speed),
                link.ui.get("showTestData", False), link.ui.get("discretize", False), page.get("regions") == "true",
                [] if quiet else list(link.notes), kept, lesson, step, lang)


def write(lab: Any, display: Any, page: dict[str, str] | None = None, view: Mapping[str, Any] | None = None) -> str:
    """The hash (without ``#``) of a lab and its display: the playground's keys, then the page's;
    ``page``: a link's page state to keep (the other data set, hidden controls); ``view``: lesson, step, lang."""
    ui = {"showTestData": display.show_test_data, "discretize": display.discretize, **(page or {})}
    link = lab.cfg.to_playground_url("", ui)
    extra = {"regions": display.regions, "perceptron": lab.perceptron}
    link += "".join(f"&{k}=true" for k, v in extra.items() if v)
    link += f"&speed={lab.speed}" if lab.speed != 1 else ""
    view = view or {}
    if view.get("lesson"):
        link += f"&lesson={quote(view['lesson'])}&step={view.get('step', 1)}"
    if view.get("lang", "en") != "en":
        link += f"&lang={view['lang']}"
    return link.lstrip("#")
