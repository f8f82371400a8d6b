r"""Activation *sites* of any ``nn.Module``: where an elementwise nonlinearity is applied in ``forward``.

Two kinds are found while the model runs:

* **modules** -- instances of PyTorch's activation classes (``nn.ReLU``, ``nn.Tanh``, ``nn.PReLU``,
  ``nn.GELU``, ...) or of :class:`relulab.activations.Elementwise`, seen through forward hooks and
  named by their module path (``"layers.2"``; the k-th call of a module reused in one forward
  pass is ``"layers.2#k"``);
* **functions** -- calls such as ``F.relu(h)``, ``torch.tanh(h)`` or ``h.sigmoid()`` made inside
  ``forward``, seen through a :class:`torch.overrides.TorchFunctionMode` and named by the module
  whose code made the call, the calling function and a counter, e.g. ``"forward:F.relu#1"`` or
  ``"block.forward:torch.tanh#2"``; ``Site.location`` keeps ``file.py:line`` of the call.

Calls made *inside* an activation module (``nn.ReLU.forward`` calls ``F.relu``) are not counted
twice. Each site carries its function ``fn`` and local derivative ``f'`` with the parameters bound
(from the activation registry where it knows the function, by autograd otherwise). What counts as
an activation comes from the registry, read by :mod:`relulab.analysis.layers`. Not seen:
nonlinearities fused inside C++ kernels (``nn.LSTM``, fused attention) and ones that are no
registry entry's module or function (``torch.clamp``, ``x * x``).

>>> net = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
>>> seen = []
>>> class Names:
...     def before(self, site, x): seen.append((site.name, site.activation, tuple(x.shape)))
...     def after(self, site, y): pass
>>> with ActivationSites(net, Names()):
...     _ = net(torch.zeros(4, 2))
>>> seen
[('1', 'relu', (4, 3))]
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import torch
from torch import Tensor, nn
from torch.overrides import TorchFunctionMode

from . import layers
from .layers import FAST_DERIVATIVES as FAST_DERIVATIVES

Fn = Callable[[Tensor], Tensor]


@dataclass(frozen=True)
class Site:
    """One place in ``forward`` where an elementwise activation is applied."""

    name: str  # "layers.2", "layers.2#2" or "block.forward:F.relu#1"
    kind: Literal["module", "function"]
    activation: str  # registry name ("relu", "leaky_relu", ...) or torch's own ("hardswish")
    location: str  # module path, or "file.py:line" of the call
    fn: Fn  # the site's function with its parameters bound; pure (never in place)
    derivative: Fn  # f'(x) elementwise


class SiteVisitor(Protocol):
    def before(self, site: Site, x: Tensor) -> None: ...  # x: the pre-activation (before any in-place op)
    def after(self, site: Site, y: Tensor) -> None: ...  # y: the site's output


_SKIP_DIRS = (os.path.dirname(torch.__file__) + os.sep,)


def module_activation(m: nn.Module) -> tuple[str, Fn, Fn] | None:
    """(name, fn, derivative) if ``m`` is an activation module, else ``None``."""
    use = layers.module_activation(m)
    return None if use is None else (use.name, use.fn, use.derivative)


class ActivationSites(TorchFunctionMode):
    """Context manager: while active, every activation applied by ``model`` is shown to ``visitor``."""

    def __init__(self, model: nn.Module, visitor: SiteVisitor) -> None:
        super().__init__()
        self.model, self.visitor = model, visitor
        self._paths = {id(m): p for p, m in model.named_modules()}
        self._handles: list[Any] = []
        self._calls: Counter[str] = Counter()
        self._busy = 0  # > 0 inside an activation module or a visitor: functional calls are not sites
        self._functions: dict[Callable, Any] = {}
        self._open: list[Site | None] = []  # module sites whose forward is running (a stack)

    def __enter__(self) -> ActivationSites:
        self._functions = layers.function_table()  # read from the registry now: it may have grown
        for path, m in self.model.named_modules():
            resolved = module_activation(m)
            if resolved is not None:
                self._handles.append(m.register_forward_pre_hook(self._pre_hook(path or type(m).__name__,
                                                                                 resolved)))
                self._handles.append(m.register_forward_hook(self._post_hook))
        self._calls.clear()
        self._busy, self._open[:] = 0, []
        return super().__enter__()

    def __exit__(self, *exc: Any) -> None:
        for h in self._handles:
            h.remove()
        self._handles.clear()
        super().__exit__(*exc)

    def _name(self, key: str, numbered: bool) -> str:
        self._calls[key] += 1
        k = self._calls[key]
        return f"{key}#{k}" if numbered or k > 1 else key

    def _pre_hook(self, path: str, resolved: tuple[str, Fn, Fn]) -> Callable:
        def hook(module: nn.Module, args: tuple) -> None:
            self._busy += 1
            if args and isinstance(args[0], Tensor):
                site = Site(self._name(path, False), "module", resolved[0], path, resolved[1], resolved[2])
                self._open.append(site)
                self.visitor.before(site, args[0])
            else:
                self._open.append(None)
        return hook

    def _post_hook(self, module: nn.Module, args: tuple, output: Any) -> None:
        site = self._open.pop() if self._open else None
        if site is not None and isinstance(output, Tensor):
            self.visitor.after(site, output)
        self._busy -= 1

    def __torch_function__(self, func, types, args=(), kwargs=None):  # noqa: ANN001
        kwargs = kwargs or {}
        known = self._busy == 0 and func in self._functions
        x = args[0] if args else kwargs.get("input")
        if not known or not isinstance(x, Tensor):
            return func(*args, **kwargs)
        label = layers.function_label(func)
        self._busy += 1
        try:
            try:
                use = layers.call_activation(func, self._functions[func], args, kwargs)
            except (ValueError, TypeError, KeyError, IndexError):  # arguments the registry does not know
                rest = {k: v for k, v in kwargs.items() if k not in ("inplace", "out")}
                use = layers.ActivationUse(label, None, {}, fn := (lambda t: func(t, *args[1:], **rest)),
                                           layers.autograd_derivative(fn))
            key, location = self._caller(label)
            site = Site(self._name(key, True), "function", use.name, location, use.fn, use.derivative)
            self.visitor.before(site, x)
            out = func(*args, **kwargs)
            if isinstance(out, Tensor):
                self.visitor.after(site, out)
            return out
        finally:
            self._busy -= 1

    def _caller(self, label: str) -> tuple[str, str]:
        """Site key ``[path.]function:label`` and ``file.py:line`` of the user code that made the call."""
        f = sys._getframe(2)
        while f is not None and (f.f_code.co_filename.startswith(_SKIP_DIRS) or f.f_code.co_filename == __file__):
            f = f.f_back
        if f is None:  # pragma: no cover - called from torch itself
            return label, "?"
        owner = f.f_locals.get("self")
        path = self._paths.get(id(owner)) if isinstance(owner, nn.Module) else None
        prefix = f"{path}." if path else ""
        return f"{prefix}{f.f_code.co_name}:{label}", f"{os.path.basename(f.f_code.co_filename)}:{f.f_lineno}"
