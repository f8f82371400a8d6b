"""The playground in a notebook: ``relulab.notebook.Playground`` (also ``rl.Playground``), an anywidget
showing the web page's own modules over the widget's channel, its session in the kernel.

Needs the optional extra: ``pip install "relulab[notebook]"``. Nothing here is imported by ``import
relulab``; ``Playground`` (and with it anywidget) loads on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .widget import Playground as Playground

__all__ = ["Playground"]


def __getattr__(name: str) -> Any:
    if name == "Playground":
        try:
            from .widget import Playground
        except ModuleNotFoundError as e:
            if e.name not in ("anywidget", "traitlets", "ipywidgets"):
                raise
            raise ModuleNotFoundError(f"rl.Playground needs the notebook extra ({e.name} is missing): "
                                      'pip install "relulab[notebook]"', name=e.name) from None
        return Playground
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
