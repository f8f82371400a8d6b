"""The lessons a server offers (the built-in ones and its teachers' files) and a session's place in one:
which step, and when the step's live check first held on the learner's run."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from ..i18n import Refusal
from ..lessons import LESSONS, Lesson, load_lesson, observe, parse_check
from . import links
from .settings import ServerSettings


def check_link(url: str, settings: ServerSettings) -> None:
    """What opening ``url`` in a page checks: the link, then the server's limits on what it asks for."""
    link = links.read(url, settings)
    settings.check(link.config, points=link.config.num_points(), epochs_per_frame=link.speed)


@lru_cache(maxsize=8)
def server_lessons(settings: ServerSettings) -> dict[str, Lesson]:
    """Built-in lessons, then each of ``settings.lesson_files`` (validated as the page's links are)."""
    out = {n: LESSONS.get(n) for n in LESSONS.names()}
    for path in settings.lesson_files:
        lesson = load_lesson(path, check_link=lambda u: check_link(u, settings))
        out[lesson.id] = lesson
    return out


class Place:
    """Where a session is in a lesson; ``done_at``: the epoch at which the step's check first held."""

    def __init__(self) -> None:
        self.lesson: Lesson | None = None
        self.step = 1
        self.done_at: int | None = None
        self.seen: dict[str, Any] = {}

    def go(self, lesson: Lesson | None, step: int) -> None:
        top = (len(lesson.steps) + bool(lesson.claims)) if lesson else 1
        if not 1 <= step <= top:
            raise Refusal("lesson {name} has steps 1..{top}, got step {got}", name=repr(lesson.id if lesson else None),
                          top=top, got=step)
        self.lesson, self.step, self.done_at, self.seen = lesson, step, None, {}

    def preset(self) -> str | None:
        """The preset of the current step (the verdict step has none)."""
        if self.lesson is None or self.step > len(self.lesson.steps):
            return None
        return self.lesson.steps[self.step - 1].preset

    def update(self, frame: dict[str, Any], state: dict[str, Any]) -> dict[str, Any] | None:
        """The step's check on this frame: ``{"id", "step", "done", "at", "seen"}`` (``None``: no lesson)."""
        if self.lesson is None:
            return None
        out: dict[str, Any] = {"id": self.lesson.id, "step": self.step}
        step = self.lesson.steps[self.step - 1] if self.step <= len(self.lesson.steps) else None
        if step is not None and step.check is not None:
            check = parse_check(step.check)
            seen = observe(frame, state)
            self.seen = {m: seen.get(m) for m in check.metrics()}
            if self.done_at is None and check.holds(seen):
                self.done_at = int(frame.get("epoch") or 0)
        has_check = step is not None and step.check is not None
        out.update({"done": (self.done_at is not None) if has_check else None, "at": self.done_at,
                    "seen": self.seen})
        return out
