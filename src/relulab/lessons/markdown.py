"""A lesson as a Markdown page (for the documentation): the same text as the playground's steps, each with
the link that opens its preset, what to do, the live check and what the learner sees, then the measured
verdict of the shipped full run.

>>> from relulab.lessons import get_lesson
>>> page = lesson_markdown(get_lesson("C13"), base="http://127.0.0.1:8000/")
>>> page.splitlines()[0]
'# C13: A perceptron cannot solve XOR'
>>> "http://127.0.0.1:8000/#lesson=C13&step=2" in page
True
"""

from __future__ import annotations

from functools import cache

from ..i18n import tr, translate_text
from .checks import METRICS, parse_check
from .model import Lesson
from .verdicts import measured

HEAD = {"step": "Step {i}", "do": "Do:", "check": "Live check:", "see": "You see:", "open": "Open this step",
        "verdict": "Measured verdict", "run": "Run it yourself:"}


def lesson_markdown(lesson: Lesson, lang: str = "en", base: str = "http://127.0.0.1:8000/") -> str:
    """The lesson in ``lang`` as Markdown; ``base``: the playground the step links open (``relulab playground``)."""
    def t(key: str, **values: object) -> str:
        return tr(HEAD[key], lang, **values)

    q = "" if lang == "en" else f"&lang={lang}"
    out = [f"# {lesson.id}: {tr(lesson.title, lang)}", ""]
    if lesson.summary:
        out += [tr(lesson.summary, lang), ""]
    for i, s in enumerate(lesson.steps, 1):
        out += [f"## {t('step', i=i)}", "", tr(s.text, lang), "",
                f"[{t('open')}]({base}#lesson={lesson.id}&step={i}{q})", ""]
        if s.do:
            out += [f"**{t('do')}** {tr(s.do, lang)}", ""]
        if s.check:
            terms = ", ".join(tr(METRICS[m], lang) for m in parse_check(s.check).metrics())
            out += [f"**{t('check')}** `{s.check}` ({terms})", ""]
        if s.see:
            out += [f"**{t('see')}** {tr(s.see, lang)}", ""]
    for cid in lesson.claims:
        m = measured(cid)
        out += [f"## {t('verdict')}: {cid}", ""]
        if m is None:
            out += [f"`relulab claim {cid}`", ""]
            continue
        out += [f"**{tr(m['verdict'], lang)}** — `{m['key']}`", ""]
        out += [f"- {translate_text(p['statement'], lang)}: {tr(p['verdict'], lang)}" for p in m["parts"]]
        out += ["", f"{tr('full run', lang)}: {m['generated']}, {m['machine']}. {t('run')} `{m['command']}`", ""]
    return "\n".join(out).rstrip() + "\n"


@cache
def _quick_figure(claim: str) -> tuple[str, str] | None:
    from ..experiments import run_claim

    figures = run_claim(claim, quick=True).figures
    return (figures[0].data_uri(), figures[0].caption) if figures else None


def claim_figure_markdown(claim: str, lang: str = "en") -> str:
    """The first figure of ``claim``'s quick run as Markdown (an embedded PNG), for the lesson's docs page;
    the run is made once per process (the docs build both languages in one)."""
    fig = _quick_figure(claim)
    if fig is None:
        return ""
    note = tr("the quick run of the claim, made when this page was built", lang)
    return f"![{fig[1]}]({fig[0]})\n\n*{fig[1]}* ({note})\n"
