"""C7: ReLU is much cheaper to compute than sigmoid or tanh.

Interleaved rounds on float32 tensors of 2^16 .. 2^26 values (:func:`relulab.analysis.speed_noise.speed_curve`):
in every round a plain copy is timed twice and each activation's forward once, in a rotated order, so the
ratio relu / sigmoid is taken within a round and the copy timed against itself measures, in the same run,
how far identical work varies. A part is *inconclusive* where the ratio is within that noise of its
threshold. The full run adds every registered activation's forward, in-place and forward+backward time as
a multiple of a copy (:func:`relulab.analysis.speed.speed`); on a machine with a GPU, the GPU's curve too.
"""

from __future__ import annotations

import torch

from ..analysis.speed import speed
from ..analysis.speed_noise import SIZES, speed_curve
from .parts import PartRule, decide_parts
from .registry import CLAIMS, Progress, register_claim
from .result import ClaimResult, Figure, Measurement, Verdict

ID = "C7"
TITLE = "ReLU is much cheaper than sigmoid or tanh"
TEXT = "ReLU is much cheaper to compute than sigmoid or tanh."
CHEAP = 0.5  # "much cheaper": relu's time at most half of the other's
RULE_SIZE = 2**22  # the size the rule reads (in the quick and the full run alike)
CURVE = {True: (SIZES[:4], 5), False: (SIZES, 7)}  # (sizes, rounds): 2^16..2^22 quick, ..2^26 full


def _cheaper(other: str) -> PartRule:
    def decide(m: dict) -> tuple[Verdict, list[str]]:
        r, noise = m[f"relu/{other}"], m["copy_noise"]
        said = f"relu / {other} = {r:.3g} (median over rounds), the copy's own spread {noise:.3g}×"
        if r * noise <= CHEAP:
            return Verdict.HOLDS, []
        if r / noise > CHEAP:
            return Verdict.FAILS, [f"{said}: relu is not at most half of {other} even allowing for that spread "
                                   "(both cost about what moving the tensor through memory costs)"]
        return Verdict.INCONCLUSIVE, [f"{said}: the difference from {CHEAP} is within the run's own noise"]

    return PartRule(f"cheaper_than_{other}", f"relu is much cheaper than {other}",
                    f"at 2^{RULE_SIZE.bit_length() - 1} values, relu / {other} forward time (median over interleaved "
                    f"rounds) × the copy's own spread (max/min of copy/copy over the rounds) ≤ {CHEAP}; "
                    f"÷ that spread > {CHEAP}: does not hold; otherwise inconclusive",
                    decide, (f"relu/{other}", "copy_noise"))


PARTS = [_cheaper("sigmoid"), _cheaper("tanh")]
decide = decide_parts(PARTS)


@register_claim(ID, TITLE, TEXT, parts=PARTS)
def run(quick: bool = False, seed: int = 0, device: str = "cpu", progress: Progress | None = None) -> ClaimResult:
    from ..viz.speed import plot_speed, plot_speed_curve  # matplotlib: only when a claim runs

    sizes, rounds = CURVE[quick]
    threads = 1 if torch.device(device).type == "cpu" else None  # one core: the others' load disturbs it least
    share = 1.0 if quick else 0.6
    c = speed_curve(("relu", "sigmoid", "tanh"), sizes=sizes, rounds=rounds, device=device, threads=threads,
                    seed=seed, progress=(lambda f: progress(share * f)) if progress else None)
    m = {"relu/sigmoid": round(c.median_ratio(RULE_SIZE, "relu", "sigmoid"), 4),
         "relu/tanh": round(c.median_ratio(RULE_SIZE, "relu", "tanh"), 4), "copy_noise": round(c.noise(RULE_SIZE), 4)}
    where = f"float32 on {c.device}, {c.threads} thread(s), {rounds} interleaved rounds"
    meas = [Measurement("relu / sigmoid forward time per size (median over rounds)", _curve(c, "relu", "sigmoid"),
                        note=where),
            Measurement("relu / tanh forward time per size", _curve(c, "relu", "tanh"), note=where),
            Measurement("the copy's own spread per size (max/min of copy/copy over the rounds)",
                        {f"2^{s.bit_length() - 1}": round(c.noise(s), 3) for s in c.times}, "x"),
            Measurement("relu / copy forward time per size", _curve(c, "relu", "copy"))]
    figs = [Figure.from_matplotlib(plot_speed_curve(c, CHEAP), "c07_speed_curve",
                                   f"relu's forward time over sigmoid's and tanh's vs tensor size ({where}); the band "
                                   "is the copy timed against itself: ratios inside it cannot be told from noise.")]
    cfg = {"sizes": list(sizes), "rounds": rounds, "dtype": "float32", "device": c.device, "threads": c.threads,
           "rule_size": RULE_SIZE}
    if torch.device(device).type == "cpu" and torch.cuda.is_available():  # the GPU's figures where one is present
        g = speed_curve(("relu", "sigmoid", "tanh"), sizes=sizes, rounds=rounds, device="cuda", seed=seed)
        meas += [Measurement("GPU: relu / sigmoid per size", _curve(g, "relu", "sigmoid"), note=g.device),
                 Measurement("GPU: relu / tanh per size", _curve(g, "relu", "tanh"), note=g.device),
                 Measurement("GPU: the copy's own spread per size",
                             {f"2^{s.bit_length() - 1}": round(g.noise(s), 3) for s in g.times}, "x")]
        figs.append(Figure.from_matplotlib(plot_speed_curve(g, CHEAP), "c07_speed_curve_gpu",
                                           f"The same curve on the GPU ({g.device}, {rounds} interleaved rounds); "
                                           "the verdict reads the CPU's numbers."))
        cfg["gpu"] = g.device
    if not quick:
        s = speed(numel=2**24, repeats=5, device=device, threads=threads, seed=seed,
                  progress=(lambda f: progress(0.6 + 0.4 * f)) if progress else None)
        ratios = s.ratios()
        for kind, label in (("forward", "forward time / copy, fresh output"),
                            ("forward_backward", "forward+backward time / copy"),
                            ("inplace", "in-place forward time / copy into a preallocated tensor")):
            meas.append(Measurement(f"every activation, 2^24 values: {label}",
                                    {a: (None if r[kind] is None else round(r[kind], 3)) for a, r in ratios.items()},
                                    "x copy"))
        figs.append(Figure.from_matplotlib(plot_speed(s), "c07_speed", "Time of each activation as a multiple of a "
                                           f"copy of the same tensor (2^24 float32 values on {s.device})."))
    return CLAIMS.get(ID).result(m, meas, figures=figs, configs=[cfg], seeds=[seed], quick=quick,
                                 key=f"at 2^{RULE_SIZE.bit_length() - 1}: relu / sigmoid {m['relu/sigmoid']:.2f}, "
                                     f"relu / tanh {m['relu/tanh']:.2f}, copy's own spread {m['copy_noise']:.2f}×")


def _curve(c, a: str, b: str) -> dict:
    return {f"2^{s.bit_length() - 1}": round(c.median_ratio(s, a, b), 3) for s in c.times}
