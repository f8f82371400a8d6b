"""Say on the terminal (stderr, only a TTY: ``--json`` stays clean) when relulab's numba kernels compile
(the first run on a machine; then cached): importing this module registers the one listener."""

from __future__ import annotations

import sys
from typing import Any

from numba.core import event


class CompileNotice(event.Listener):
    """Says on the terminal (stderr, only a TTY) when relulab's kernels compile: once per machine."""

    def __init__(self, stream: Any = None) -> None:
        self.stream, self.shown = stream, False

    def on_start(self, ev: event.Event) -> None:
        disp = (ev.data or {}).get("dispatcher")
        module = getattr(getattr(disp, "py_func", None), "__module__", "") or ""
        out = self.stream if self.stream is not None else sys.stderr
        if self.shown or not module.startswith("relulab.") or not (self.stream is not None or out.isatty()):
            return
        self.shown = True
        print("relulab: compiling its numba kernels (once per machine, about a minute)...", file=out, flush=True)

    def on_end(self, ev: event.Event) -> None:
        pass


event.register("numba:compile", CompileNotice())
