"""C7: ReLU is much cheaper to compute than sigmoid or tanh.

Every registered activation timed on one large float32 tensor, forward and forward+backward, with a
fresh output and in place, each as a multiple of a plain copy of the same tensor timed beside it
(:func:`relulab.analysis.speed.speed`). The rule reads the out-of-place forward ratios.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from ..analysis.speed import speed
from .registry import CLAIMS, register_claim
from .result import ClaimResult, Figure, Measurement, Verdict

ID = "C7"
TITLE = "ReLU is much cheaper than sigmoid or tanh"
TEXT = "ReLU is much cheaper to compute than sigmoid or tanh."
RULE = ("holds when relu's forward time (ratio to a copy) ≤ 0.5× both sigmoid's and tanh's; caveat when ≤ 0.5× "
        "only one of them; does not hold when neither")
SIZE = {True: (2**22, 3), False: (2**24, 5)}  # (elements, repeats)


def decide(m: dict) -> tuple[Verdict, list[str]]:
    """``m``: ``forward`` {activation: forward time / copy time} with relu, sigmoid and tanh."""
    f = m["forward"]
    cheaper = [a for a in ("sigmoid", "tanh") if f["relu"] <= 0.5 * f[a]]
    costly = [a for a in ("sigmoid", "tanh") if a not in cheaper]
    said = ", ".join(f"{a} {f[a]:.2f}" for a in ("sigmoid", "tanh"))
    if len(cheaper) == 2:
        return Verdict.HOLDS, []
    if cheaper:
        return Verdict.CAVEATS, [f"relu ({f['relu']:.2f}× a copy) is at most half of {cheaper[0]} but not of "
                                 f"{costly[0]} ({said}× a copy): {costly[0]} is about as cheap (memory-bound)"]
    return Verdict.FAILS, [f"relu ({f['relu']:.2f}× a copy) is not at most half of sigmoid or tanh ({said}× a copy): "
                           "all three cost about what moving the tensor through memory costs"]


@register_claim(ID, TITLE, TEXT, RULE, decide)
def run(quick: bool = False, seed: int = 0, device: str = "cpu",
        progress: Callable[[float], None] | None = None) -> ClaimResult:
    from ..viz.speed import plot_speed  # matplotlib: only when a claim runs

    numel, repeats = SIZE[quick]
    threads = 1 if torch.device(device).type == "cpu" else None  # one core: the others' load disturbs it least
    s = speed(numel=numel, repeats=repeats, device=device, threads=threads, seed=seed, progress=progress)
    ratios = s.ratios()
    m = {"forward": {a: r["forward"] for a, r in ratios.items()}}

    def rounded(kind: str) -> dict:
        return {a: (None if r[kind] is None else round(r[kind], 3)) for a, r in ratios.items()}

    where = f"{numel:,} float32 values on {s.device}, {s.threads} thread(s), best of {repeats}"
    meas = [Measurement("forward time / copy, fresh output", rounded("forward"), "x copy", where),
            Measurement("forward+backward time / copy", rounded("forward_backward"), "x copy", where),
            Measurement("in-place forward time / copy into a preallocated tensor", rounded("inplace"), "x copy",
                        "None: PyTorch has no in-place form"),
            Measurement("copy time (x.clone())", round(s.copy * 1e3, 4), "ms"),
            Measurement("copy time into a preallocated tensor", round(s.copy_into * 1e3, 4), "ms"),
            Measurement("torch threads", s.threads)]
    fig = Figure.from_matplotlib(plot_speed(s), "c07_speed",
                                 f"Time of each activation as a multiple of a copy of the same tensor ({where}).")
    cfg = {"numel": numel, "repeats": repeats, "dtype": "float32", "device": s.device, "threads": s.threads}
    return CLAIMS.get(ID).result(m, meas, figures=[fig], configs=[cfg], seeds=[seed], quick=quick)
