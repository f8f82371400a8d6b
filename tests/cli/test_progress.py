"""Progress on a terminal: the bar with its losses fits 80 columns; nothing without a terminal."""

from __future__ import annotations

import io
import re

from rich.console import Console

from relulab.cli import progress
from relulab.training import EpochStats


def _terminal(monkeypatch, width: int = 80) -> io.StringIO:
    out = io.StringIO()
    monkeypatch.setattr(progress, "_console", Console(file=out, width=width, force_terminal=True,
                                                      color_system=None))
    return out


def _visible_lines(text: str) -> list[str]:
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)
    return [ln for ln in re.split(r"[\r\n]", plain) if ln.strip()]


def test_the_bar_and_its_losses_fit_80_columns(monkeypatch):
    out = _terminal(monkeypatch)
    with progress.progress_bar(10_000, "training checkerboard", enabled=True) as bar:
        step = progress.epoch_callback(bar)
        for e in range(1, 4):
            step(1, EpochStats(e, 0.123456789, 0.98765, 0.5, 0.987654))
        bar.refresh()
    lines = _visible_lines(out.getvalue())
    assert any("loss 0.123/0.988 acc 0.99" in ln and "3/10000" in ln for ln in lines), lines
    assert max(len(ln) for ln in lines) <= 80


def test_nothing_without_a_terminal_or_when_disabled(monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(progress, "_console", Console(file=out, width=80))  # not a terminal
    with progress.progress_bar(5, "training", enabled=True) as bar:
        progress.epoch_callback(bar)(1, EpochStats(1, 0.1, 0.2))
    with progress.step("analysing", enabled=True):
        pass
    out2 = _terminal(monkeypatch)
    with progress.progress_bar(5, "training", enabled=False) as bar:  # --json
        progress.epoch_callback(bar)(1, EpochStats(1, 0.1, 0.2))
    with progress.step("analysing", enabled=False):
        pass
    assert out.getvalue() == "" and out2.getvalue() == ""


def test_the_analysis_step_shows_a_spinner_on_a_terminal(monkeypatch):
    out = _terminal(monkeypatch)
    with progress.step("analysing the exact linear regions...", enabled=True) as status:
        status.update("analysing the exact linear regions...")
        progress.console().file.flush()
    assert "analysing the exact linear regions" in out.getvalue()
