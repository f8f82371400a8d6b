"""C13's four parts (three theorems checked numerically, one measurement) on numbers giving each verdict."""

from __future__ import annotations

from relulab.experiments import Verdict
from relulab.experiments import c13_xor as c13

H, C, F, I = Verdict.HOLDS, Verdict.CAVEATS, Verdict.FAILS, Verdict.INCONCLUSIVE


def numbers(**kw) -> dict:
    m = {"xor_min_mistakes": 1, "sep_converged": True, "sep_updates": 10, "novikoff_bound": 10.0,
         "linear_max_acc": 0.75, "relu4_solved": [40, 50]}
    m = {**m, **kw}
    return {**m, "relu4_success": m["relu4_solved"][0] / m["relu4_solved"][1]}


def _c13(**kw):
    return c13.decide(numbers(**kw))


BREAKS = (({"xor_min_mistakes": 0}, "perceptron_fails_xor", "0 mistakes"),
          ({"sep_converged": False}, "novikoff", "separable"),
          ({"sep_updates": 11}, "novikoff", "separable"),
          ({"linear_max_acc": 1.0}, "linear_mlp_fails", "linear MLP"),
          ({"relu4_solved": [18, 50]}, "mlp_solves_xor", "relu MLP"))
CASES = [(numbers(), {p.key: H for p in c13.PARTS}), *((numbers(**kw), {key: F}) for kw, key, _ in BREAKS),
         (numbers(relu4_solved=[30, 50]), {"mlp_solves_xor": I})]


def test_c13_thresholds():
    assert _c13() == (H, [])
    for kw, key, word in BREAKS:
        v, why = _c13(**kw)
        assert v is C and len(why) == 1 and why[0].startswith(key) and word in why[0], kw
    everything = {"xor_min_mistakes": 0, "sep_converged": False, "linear_max_acc": 1.0, "relu4_solved": [5, 50]}
    assert _c13(**everything)[0] is F
    kinds = {p.key: p.kind.value for p in c13.PARTS}
    assert kinds["mlp_solves_xor"] == "measured" and kinds["novikoff"] == "theorem, checked numerically"


def test_the_mlp_part_reads_the_success_rate_on_its_wilson_interval():
    """Most seeds: the 95 % Wilson interval above 50 % (43 of 50: [74 %, 93 %]); 30 of 50 ([46 %, 72 %]) cannot
    tell; 3 of 4 solved is too few seeds to tell; 18 of 50 ([24 %, 50 %)) does not hold."""
    from relulab.sweep.stats import wilson

    part = {p.key: p for p in c13.PARTS}["mlp_solves_xor"]
    for solved, want in (([43, 50], H), ([30, 50], I), ([3, 4], I), ([18, 50], F), ([50, 50], H), ([0, 20], F)):
        v, why = part.decide(numbers(relu4_solved=solved))
        low, high = wilson(*solved)
        assert v is want and (low > 0.5) == (want is H) and (high < 0.5) == (want is F), solved
        assert why == [] if want is H else f"{solved[0]} of {solved[1]} seeds" in why[0]
