"""C6: sigmoid and tanh saturate, so gradients vanish in deep networks; ReLU's derivative is 1 for x > 0.

Fresh MLPs of depth 2..50 per activation and initialisation: how the gradient norm of the first layer
compares with the last (:func:`relulab.analysis.gradflow.gradient_flow`); and depth-50 MLPs trained for
their first epochs, every layer's gradient norm after each epoch (:func:`~relulab.analysis.gradflow.training_flow`).
Judged in parts, one per activation and initialisation (PyTorch default, Xavier, He): sigmoid vanishes,
tanh vanishes, relu keeps its gradients -- each at initialisation and during training, seed by seed.
"""

from __future__ import annotations

import math

from ..analysis.gradflow import ACTIVATIONS, DEPTHS, INIT_NAMES, gradient_flow, max_derivative, training_flow
from .parts import PartRule, decide_parts
from .registry import CLAIMS, Progress, register_claim
from .result import ClaimResult, Figure, Measurement, Verdict

ID = "C6"
TITLE = "Sigmoid gradients vanish with depth; ReLU's do not"
TEXT = ("Sigmoid and tanh saturate: their derivative goes to 0 for large inputs, so gradients vanish in deep "
        "networks; ReLU's derivative is exactly 1 for positive inputs.")
SEEDS = {True: 2, False: 5}
TRAIN = {True: (2, 5), False: (3, 10)}  # (seeds, epochs) of the training measurement
QUICK_DEPTHS = (2, 5, 10, 20, 50)  # the rule reads depth 50 only; the full run draws every depth
WIDTH, N, DEPTH, LR = 32, 128, 50, 0.01
VANISHED, BAND = 1e-6, (0.1, 10.0)


def _judge(at_init: list[bool], in_training: list[bool], what: str) -> tuple[Verdict, list[str]]:
    """Seed by seed: holds when every seed shows it at init and in training; inconclusive when the seeds
    disagree; holds with caveats when it shows at one stage only; otherwise does not hold."""
    a, t = sum(at_init), sum(in_training)
    said = f"{a} of {len(at_init)} seeds at init, {t} of {len(in_training)} during training"
    if a == len(at_init) and t == len(in_training):
        return Verdict.HOLDS, []
    if 0 < a < len(at_init) or 0 < t < len(in_training):
        return Verdict.INCONCLUSIVE, [f"the seeds disagree whether {what}: {said}"]
    if a or t:
        return Verdict.CAVEATS, [f"{what} only {'at init' if a else 'during training'} ({said})"]
    return Verdict.FAILS, [f"{what}: {said}"]


def _vanishes(key: str) -> PartRule:
    act, init = key.split("/")

    def decide(m: dict) -> tuple[Verdict, list[str]]:
        v = m[key]
        return _judge([r < VANISHED for r in v["init"]], [r < VANISHED for r in v["train_max"]],
                      f"{act}'s gradients vanish under {init} init")

    return PartRule(f"{act}_vanishes_{init}", f"{act}'s gradients vanish in a deep net ({init} init)",
                    f"first/last gradient-norm ratio at depth {DEPTH} < {VANISHED:g} at init and after every one of "
                    "the first epochs of training, on every seed (seeds disagreeing: inconclusive)", decide, (key,))


def _keeps(key: str) -> PartRule:
    act, init = key.split("/")

    def decide(m: dict) -> tuple[Verdict, list[str]]:
        v = m[key]
        return _judge([BAND[0] <= r <= BAND[1] for r in v["init"]],
                      [math.isfinite(r) and r >= BAND[0] for r in v["train_min"]], f"{act} keeps its gradients "
                      f"under {init} init")

    return PartRule(f"{act}_keeps_{init}", f"{act} keeps its gradients in a deep net ({init} init)",
                    f"first/last gradient-norm ratio at depth {DEPTH} within [{BAND[0]:g}, {BAND[1]:g}] at init and "
                    f"≥ {BAND[0]:g} (finite) after every one of the first epochs of training, on every seed",
                    decide, (key,))


PARTS = [*(_vanishes(f"{a}/{i}") for a in ("sigmoid", "tanh") for i in INIT_NAMES),
         *(_keeps(f"relu/{i}") for i in INIT_NAMES)]


# The same parts on real data: MLPs of DIGITS_DEPTH hidden layers (width 64) on the digits (:mod:`.realdata`).
DIGITS_DEPTH, DIGITS_VANISHED = 8, 1e-2  # 9 weight layers: sigmoid's 8 factors of at most 1/4 give 1.5e-5
DIGITS_SIZE = {True: (1, 2, 600), False: (2, 5, None)}  # (seeds, epochs, images)


def _digits_part(act: str, init: str) -> PartRule:
    key = f"digits/{act}/{init}"
    if act == "relu":
        def decide(m: dict) -> tuple[Verdict, list[str]]:
            v = m[key]
            return _judge([BAND[0] <= r <= BAND[1] for r in v["init"]],
                          [math.isfinite(r) and r >= BAND[0] for r in v["train_min"]],
                          f"on the digits relu keeps its gradients under {init} init")

        return PartRule(f"digits_relu_keeps_{init}", f"on real digits, relu keeps its gradients ({init} init)",
                        f"digits MLP of {DIGITS_DEPTH} hidden layers: first/last gradient-norm ratio within "
                        f"[{BAND[0]:g}, {BAND[1]:g}] at init and ≥ {BAND[0]:g} (finite) after every one of the first "
                        "epochs, on every seed", decide, (key,))

    def decide(m: dict) -> tuple[Verdict, list[str]]:
        v = m[key]
        return _judge([r < DIGITS_VANISHED for r in v["init"]], [r < DIGITS_VANISHED for r in v["train_max"]],
                      f"on the digits {act}'s gradients vanish under {init} init")

    return PartRule(f"digits_{act}_vanishes_{init}", f"on real digits, {act}'s gradients vanish ({init} init)",
                    f"digits MLP of {DIGITS_DEPTH} hidden layers: first/last gradient-norm ratio < {DIGITS_VANISHED:g} "
                    "at init and after every one of the first epochs, on every seed (seeds disagreeing: "
                    "inconclusive)", decide, (key,))


PARTS += [_digits_part(a, i) for a in ("sigmoid", "tanh", "relu") for i in INIT_NAMES]
decide = decide_parts(PARTS)


def _digits(quick: bool, seed: int) -> tuple[dict, Measurement]:
    """Per activation and init, the digits MLP's first/last ratio at init and after each epoch, per seed."""
    from .realdata import DigitsRun, train_digits

    n_seeds, epochs, n = DIGITS_SIZE[quick]
    m, shown = {}, {}
    for a in ("sigmoid", "tanh", "relu"):
        for i in INIT_NAMES:
            runs = [train_digits(DigitsRun("mlp", a, depth=DIGITS_DEPTH, width=64, init=i, lr=0.1, epochs=epochs,
                                           batch_size=64, weight_seed=s, data_seed=str(s), n=n, units=False))
                    for s in range(seed, seed + n_seeds)]
            ratios = [[r.first_last(e) for e in range(epochs + 1)] for r in runs]
            m[f"digits/{a}/{i}"] = {"init": [float(f"{x[0]:.3g}") for x in ratios],
                                    "train_max": [float(f"{max(x[1:]):.3g}") for x in ratios],
                                    "train_min": [float(f"{min(x[1:]):.3g}") for x in ratios]}
            shown[f"{a}, {i}"] = [float(f"{v:.3g}") for v in ratios[0]]
    return m, Measurement(f"digits MLP, {DIGITS_DEPTH} hidden layers of 64, SGD lr 0.1, {n or 'all 1,797'} images: "
                          f"first/last ratio at init and after each of {epochs} epochs (seed {seed})", shown)


@register_claim(ID, TITLE, TEXT, parts=PARTS)
def run(quick: bool = False, seed: int = 0, device: str = "cpu", progress: Progress | None = None) -> ClaimResult:
    from ..viz.gradflow import plot_gradient_flow, plot_training_flow  # matplotlib: only when a claim runs

    # width-32 nets: CPU whatever ``device`` says
    seeds = list(range(seed, seed + SEEDS[quick]))
    depths = QUICK_DEPTHS if quick else DEPTHS
    r = gradient_flow(ACTIVATIONS, INIT_NAMES, depths, seeds, width=WIDTH, n=N,
                      progress=(lambda f: progress(0.4 * f)) if progress else None)
    n_train, epochs = TRAIN[quick]
    tr = training_flow(("sigmoid", "tanh", "relu"), INIT_NAMES, seeds[:n_train], depth=DEPTH, width=WIDTH, n=N,
                       epochs=epochs, lr=LR, progress=(lambda f: progress(0.4 + 0.6 * f)) if progress else None)
    d = max(r.depths)
    m = {}
    for a in ("sigmoid", "tanh", "relu"):
        for i in INIT_NAMES:
            runs = tr.ratios(a, i)
            m[f"{a}/{i}"] = {"init": [float(f"{v:.3g}") for v in r.ratios[a][i][d]],
                             "train_max": [float(f"{max(x[1:]):.3g}") for x in runs],
                             "train_min": [float(f"{min(x[1:]):.3g}") for x in runs]}
    digits, digits_meas = _digits(quick, seed)
    m.update(digits)
    meas = [Measurement(f"depth {d}: first/last gradient ratio at init, median over {len(seeds)} seeds",
                        {f"{a}, {i}": float(f"{r.at(a, i, d):.3g}") for a in r.activations for i in r.inits}),
            Measurement(f"depth {DEPTH}, first {epochs} epochs of SGD (lr {LR:g}): first/last ratio per epoch, "
                        "median over seeds",
                        {f"{a}, {i}": [float(f"{_median(col):.3g}") for col in zip(*tr.ratios(a, i), strict=True)]
                         for a in tr.norms for i in INIT_NAMES}),
            Measurement("max sigmoid'(x)", round(max_derivative("sigmoid"), 6), note="at x = 0; tanh': "
                        f"{max_derivative('tanh'):.3g}, relu': {max_derivative('relu'):.3g}"),
            Measurement("(1/4)^(depth - 1) at depth 50", float(f"{0.25 ** (d - 1):.3g}"),
                        note="the derivative factors alone, if the weights kept norms near 1"), digits_meas]
    for a in ("sigmoid", "tanh", "relu"):
        for i in r.inits:
            meas.append(Measurement(f"{a}, {i}: ratio at init vs depth {r.depths}",
                                    [float(f"{v:.3g}") for v in r.median(a, i)]))
    figs = [Figure.from_matplotlib(plot_gradient_flow(r), "c06_gradient_flow",
                                   f"First/last gradient-norm ratio of fresh MLPs (width {WIDTH}) vs depth, per "
                                   "activation (colour) and init (line style); the grey band is [0.1, 10]. "
                                   "Right: the derivatives, sigmoid's at most 1/4."),
            Figure.from_matplotlib(plot_training_flow(tr), "c06_training_flow",
                                   f"Every layer's gradient norm in depth-{DEPTH} MLPs at init (solid) and after "
                                   f"{epochs} epochs of SGD (dashed), median over {n_train} seeds; one panel per "
                                   "init.")]
    cfg = {"width": WIDTH, "n": N, "depths": list(depths), "activations": list(ACTIVATIONS),
           "inits": list(INIT_NAMES), "loss": "mse", "inputs": "N(0, 1)", "dtype": "float64",
           "training": {"depth": DEPTH, "epochs": epochs, "optimizer": "sgd, full batch", "lr": LR,
                        "target": "sin(2 x·v)", "seeds": seeds[:n_train]}}
    notes = ["PyTorch's default init draws weights with variance 1/(3 fan_in), not relu's 2/fan_in (He): under it "
             "relu's gradients shrink with depth too; ReLU keeps gradients alive only with an init that matches it"]
    return CLAIMS.get(ID).result(m, meas, figures=figs, configs=[cfg], seeds=seeds, quick=quick, notes=notes,
                                 key=f"depth {d} ratio at init, He: sigmoid {r.at('sigmoid', 'he', d):.2g}, "
                                     f"tanh {r.at('tanh', 'he', d):.2g}, relu {r.at('relu', 'he', d):.2g}")


def _median(values: tuple[float, ...]) -> float:
    finite = sorted(v for v in values if math.isfinite(v))
    return finite[len(finite) // 2] if finite else float("nan")
