"""Lessons: each claim taught as a few live steps in the playground, defined once (``builtin.yaml``) and
read by the playground, the docs and the notebook widget.

>>> lesson = get_lesson("C3")
>>> lesson.claims, len(lesson.steps) >= 3
(('C3',), True)
>>> get_lesson("C99")
Traceback (most recent call last):
...
ValueError: unknown lesson 'C99'; choose one of ['C1', 'C2', 'C3', 'C4', 'C6', 'C8', 'C9', 'C12', 'C13', 'C14']

A teacher's own lesson is a YAML file of the same format (one lesson): :func:`load_lesson`. The format is
documented in ``docs/lesson-format.md``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..i18n import tr
from ..registry import Registry
from .checks import METRICS, Check, observe, parse_check
from .markdown import lesson_markdown
from .model import ACTIONS, PANELS, Lesson, Step, lesson_from
from .verdicts import measured

__all__ = ["ACTIONS", "GLOSSARY", "LESSONS", "METRICS", "PANELS", "Check", "Lesson", "Step", "get_lesson",
           "lesson_json", "lesson_ids", "lesson_markdown", "load_lesson", "measured", "observe", "parse_check"]

BUILTIN = Path(__file__).with_name("builtin.yaml")
# one line for each term the panels use (the page shows it beside the term)
GLOSSARY: dict[str, str] = {
    "dead unit": "A unit that is never active on the training data: its output and its gradient are 0 on "
                 "every point, so training cannot revive it.",
    "sparsity": "The fraction of hidden activations that are exactly zero on the training data.",
    "gradient norm": "The size of the loss's gradient at a layer; tiny values at the first layers mean "
                     "vanishing gradients.",
    "linear regions": "The pieces of the input on which a piecewise-linear network is one linear map.",
    "Zaslavsky": "Zaslavsky's bound: the most regions that the lines (hyperplanes) of one layer can cut the "
                 "input into.",
    "Montúfar": "Montúfar's lower bound: a number of regions that a deep ReLU network of this shape can reach.",
    "Serra": "Serra's upper bound: no ReLU network of this shape can have more regions than this.",
    "local complexity": "The number of linear regions near each training point (within a small radius), averaged: "
                        "how finely the network is cut where the data is.",
    "sides": "The number of straight sides of the closed region of one class: its boundary polygon.",
    "linear collapse": "A network whose activations are all linear equals one affine map W'x + b'.",
}
LESSONS: Registry[Lesson] = Registry("lesson")
MAX_FILE_BYTES = 200_000


def _builtin() -> None:
    for i, data in enumerate(yaml.safe_load(BUILTIN.read_text(encoding="utf-8"))):
        LESSONS.register(data["id"], lesson_from(data, f"{BUILTIN.name} lesson {i + 1}"))


_builtin()


def lesson_ids() -> list[str]:
    return LESSONS.names()


def get_lesson(lesson_id: str) -> Lesson:
    return LESSONS.get(lesson_id)


def load_lesson(path: str | Path, check_link: Any = None) -> Lesson:
    """A teacher's lesson file (YAML, one lesson), validated like a built-in one; ``check_link``: the
    server's link reader, so a preset is refused exactly where a pasted link would be."""
    p = Path(path)
    if not p.is_file():
        raise ValueError(f"lesson file {str(p)!r} does not exist (or is not a file); give a .yaml lesson or one "
                         f"of {lesson_ids()}")
    if p.stat().st_size > MAX_FILE_BYTES:
        raise ValueError(f"lesson file {str(p)!r} is {p.stat().st_size} bytes; allowed: at most {MAX_FILE_BYTES}")
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        first = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise ValueError(f"lesson file {str(p)!r} is not readable YAML: {first}") from None
    return lesson_from(data, f"lesson file {str(p)!r}", check_link)


def lesson_json(lesson: Lesson, lang: str = "en") -> dict[str, Any]:
    """What the page shows of a lesson, in ``lang``: its steps, then one verdict step per lesson with claims."""
    steps = [{"text": tr(s.text, lang), "preset": s.preset, "panels": list(s.panels), "do": tr(s.do, lang),
              "actions": list(s.actions), "check": s.check, "see": tr(s.see, lang),
              "metrics": {m: tr(METRICS[m], lang) for m in (parse_check(s.check).metrics() if s.check else [])}}
             for s in lesson.steps]
    if lesson.claims:
        steps.append({"verdict": [measured(c) or {"id": c} for c in lesson.claims],
                      "text": tr("What the full run of relulab claim measured for this claim, and its verdict. "
                                 "Run the quick version of the claim here to see it again.", lang)})
    return {"id": lesson.id, "title": tr(lesson.title, lang), "summary": tr(lesson.summary, lang),
            "claims": list(lesson.claims), "steps": steps}
