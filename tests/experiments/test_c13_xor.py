"""C13's four parts (three theorems checked numerically, one measurement) on numbers giving each verdict."""

from __future__ import annotations

from relulab.experiments import Verdict
from relulab.experiments import c13_xor as c13

H, C, F = Verdict.HOLDS, Verdict.CAVEATS, Verdict.FAILS


def numbers(**kw) -> dict:
    m = {"xor_min_mistakes": 1, "sep_converged": True, "sep_updates": 10, "novikoff_bound": 10.0,
         "linear_max_acc": 0.75, "relu4_success": 0.8}
    return {**m, **kw}


def _c13(**kw):
    return c13.decide(numbers(**kw))


BREAKS = (({"xor_min_mistakes": 0}, "perceptron_fails_xor", "0 mistakes"),
          ({"sep_converged": False}, "novikoff", "separable"),
          ({"sep_updates": 11}, "novikoff", "separable"),
          ({"linear_max_acc": 1.0}, "linear_mlp_fails", "linear MLP"),
          ({"relu4_success": 0.79}, "mlp_solves_xor", "relu MLP"))
CASES = [(numbers(), {p.key: H for p in c13.PARTS}), *((numbers(**kw), {key: F}) for kw, key, _ in BREAKS)]


def test_c13_thresholds():
    assert _c13() == (H, [])
    for kw, key, word in BREAKS:
        v, why = _c13(**kw)
        assert v is C and len(why) == 1 and why[0].startswith(key) and word in why[0], kw
    everything = {"xor_min_mistakes": 0, "sep_converged": False, "linear_max_acc": 1.0, "relu4_success": 0.5}
    assert _c13(**everything)[0] is F
    kinds = {p.key: p.kind.value for p in c13.PARTS}
    assert kinds["mlp_solves_xor"] == "measured" and kinds["novikoff"] == "theorem, checked numerically"
