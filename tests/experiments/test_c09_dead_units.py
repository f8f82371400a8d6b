"""C9's four parts fed numbers giving each of their verdicts; perturbing the measurements changes the claim's."""

from __future__ import annotations

import copy

import pytest

from relulab.experiments import Verdict
from relulab.experiments import c09_dead_units as c9

H, C, F, I = Verdict.HOLDS, Verdict.CAVEATS, Verdict.FAILS, Verdict.INCONCLUSIVE
VARIANTS = ("leaky_relu", "prelu", "elu")


def row(low, high):
    return {"diff": (low + high) / 2, "low": low, "high": high, "level": 0.98, "n": 10}


def both(d: dict) -> dict:
    """The toy numbers ``d`` with the same numbers as the digits parts' (``digits_*``)."""
    keys = {"relu_dead": "digits_relu_dead", "relu_revival": "digits_relu_revival", "avoid": "digits_avoid",
            "train": "digits_train", "relu_trained": "digits_relu_trained"}
    return {**d, **{keys[k]: copy.deepcopy(v) for k, v in d.items() if k in keys}}


def m(relu_dead=(0.5, 0.2, 0.0), revival=None, avoid=(0.1, 0.4), train=(-0.02, 0.3)):
    return both({"relu_dead": list(relu_dead), "relu_revival": revival or {"1": [40, 20, 0], "3": [40, 30, 1]},
                 "avoid": {v: row(*avoid) for v in VARIANTS}, "train": {v: row(*train) for v in VARIANTS},
                 "relu_trained": "5 of 10"})


def part(d, key):
    return next(p for p in c9.PARTS if p.key == key).judge(d)


TOY = {"relu_dies": [({}, H), ({"relu_dead": (0.1, 0.1, 0.5)}, F)],
       "never_recovers": [({}, H), ({"revival": {"1": [40, 20, 0], "3": [40, 30, 2]}}, F),
                          ({"revival": {"1": [40, 9, 5], "3": [40, 3, 3]}}, I)],
       "variants_avoid": [({}, H), ({"avoid": (-0.3, 0.049)}, F), ({"avoid": (-0.1, 0.3)}, I)],
       "variants_train": [({}, H), ({"train": (-0.4, -0.06)}, F), ({"train": (-0.05, 0.2)}, I)]}
DIGITS = {"digits_relu_dies": [({"digits_relu_dead": [0.0, 0.05, 0.3]}, F)],
          "digits_never_recovers": [({"digits_relu_revival": {"mlp 1": [64, 30, 12]}}, F),
                                    ({"digits_relu_revival": {"mlp 1": [64, 3, 0]}}, I)],
          "digits_variants_avoid": [({"digits_avoid": {v: row(-0.2, 0.01) for v in VARIANTS}}, F),
                                    ({"digits_avoid": {v: row(-0.2, 0.3) for v in VARIANTS}}, I)],
          "digits_variants_train": [({"digits_train": {v: row(-0.5, -0.1) for v in VARIANTS}}, F),
                                    ({"digits_train": {v: row(-0.3, 0.2) for v in VARIANTS}}, I)]}
CASES = [*((m(**kw), {key: v}) for key, rows in TOY.items() for kw, v in rows),
         (m(), {key: H for key in DIGITS}),
         *(({**m(), **change}, {key: v}) for key, rows in DIGITS.items() for change, v in rows)]


def test_textbook_numbers_hold():
    assert c9.decide(m()) == (H, [])


def test_relu_dies_in_most_runs():
    assert part(m(relu_dead=(0.11, 0.1, 0.0, 0.5)), "relu_dies").verdict is F  # 2 of 4 is not most
    assert part(m(relu_dead=(0.11, 0.1, 0.5)), "relu_dies").verdict is H
    assert part(m(relu_dead=(0.1, 0.1, 0.5)), "relu_dies").verdict is F  # 10 % is not > 10 %


@pytest.mark.parametrize(("revival", "want"), [
    ({"1": [40, 20, 0], "3": [40, 30, 1]}, H),
    ({"1": [40, 20, 0], "3": [40, 30, 2]}, F),  # 2 of 30 revive: 6.7 % >= 5 %
    ({"1": [40, 10, 0], "3": [40, 40, 1]}, H),
    ({"1": [40, 9, 5], "3": [40, 3, 3]}, I),  # no layer had 10 units ever dead
])
def test_never_recovers_is_judged_layer_by_layer(revival, want):
    p = part(m(revival=revival), "never_recovers")
    assert p.verdict is want
    if want is F:
        assert "layer 3: 2 of 30" in p.reasons[0]


@pytest.mark.parametrize(("avoid", "want"), [((0.01, 0.3), H), ((-0.1, 0.3), I), ((0.0, 0.3), I),
                                             ((-0.3, 0.049), F), ((-0.02, 0.02), F)])
def test_variants_avoid_dying(avoid, want):
    assert part(m(avoid=avoid), "variants_avoid").verdict is want


@pytest.mark.parametrize(("train", "want"), [((-0.049, 0.2), H), ((-0.05, 0.2), I), ((-0.4, -0.06), F),
                                             ((-0.4, -0.01), I),  # below 0, straddling the margin: cannot tell
                                             ((0.1, 0.5), H)])
def test_variants_still_train(train, want):
    assert part(m(train=train), "variants_train").verdict is want


def test_one_variant_decides_the_part():
    d = m()
    d["avoid"]["prelu"] = row(-0.3, 0.01)
    p = part(d, "variants_avoid")
    assert p.verdict is F and p.reasons[0].startswith("prelu end as near-dead as relu")


def test_perturbing_the_measurements_changes_the_verdict():
    """A measured result (quick run, seed 0: relu dies, revives in layer 3, the comparisons inconclusive):
    the claim holds with caveats; with no unit reviving and every interval clear of its margin it holds; with
    no relu unit dying and the variants as dead as relu it does not hold."""
    measured = {"relu_dead": [0, 0.1875, 0.0625, 0.6875, 0.25, 0.625], "relu_revival": {"1": [96, 10, 0],
                "3": [96, 26, 10]}, "avoid": {"leaky_relu": row(0.0, 0.2917), "prelu": row(0.0833, 0.5521),
                                              "elu": row(0.0938, 0.4896)},
                "train": {"leaky_relu": row(-0.2524, 0.7115), "prelu": row(-0.8495, 0.1007),
                          "elu": row(-0.2853, 0.2853)},
                "relu_trained": "3 of 6"}
    measured = both(measured)
    assert c9.decide(measured)[0] is C
    better = copy.deepcopy(measured)
    better["relu_revival"]["3"][2] = 0
    for v in VARIANTS:
        better["avoid"][v] = row(0.05, 0.5)
        better["train"][v] = row(-0.01, 0.5)
    better = both(better)
    assert c9.decide(better) == (H, [])
    worse = copy.deepcopy(measured)
    worse["relu_dead"] = [0.0] * 6
    for v in VARIANTS:
        worse["avoid"][v] = row(-0.1, 0.0)
        worse["train"][v] = row(-0.6, -0.2)
    assert c9.decide(both(worse))[0] is F


@pytest.mark.parametrize(("change", "key", "want"), [
    ({"digits_relu_dead": [0.0, 0.05, 0.3]}, "digits_relu_dies", F),
    ({"digits_relu_revival": {"mlp 1": [64, 30, 12]}}, "digits_never_recovers", F),
    ({"digits_relu_revival": {"mlp 1": [64, 3, 0]}}, "digits_never_recovers", I),
    ({"digits_avoid": {v: row(-0.2, 0.3) for v in VARIANTS}}, "digits_variants_avoid", I),
    ({"digits_avoid": {v: row(-0.2, 0.01) for v in VARIANTS}}, "digits_variants_avoid", F),
    ({"digits_train": {v: row(-0.5, -0.1) for v in VARIANTS}}, "digits_variants_train", F),
    ({"digits_train": {v: row(-0.3, 0.2) for v in VARIANTS}}, "digits_variants_train", I),
])
def test_digits_parts_are_judged_on_the_digits_numbers(change, key, want):
    """The toy holds; a change in the digits' numbers alone moves its digits part and makes the claim hold
    with caveats (the toy parts untouched)."""
    d = {**m(), **change}
    assert part(d, key).verdict is want
    assert all(part(d, p.key).verdict is H for p in c9.PARTS if not p.key.startswith("digits_"))
    assert c9.decide(d)[0] is C


def test_quick_run_follows_its_own_rule():
    r = c9.run(quick=True, seed=3)
    assert r.seeds == [3, 4, 5] and r.playground_url and r.figures
    assert (r.verdict, r.caveats) == c9.decide(r.rule_inputs)
    assert [p.key for p in r.parts] == ["relu_dies", "never_recovers", "variants_avoid", "variants_train",
                                        "digits_relu_dies", "digits_never_recovers", "digits_variants_avoid",
                                        "digits_variants_train"]
    assert r.rule_inputs["digits_avoid"]["elu"]["n"] == 2  # MLP and CNN at the high rate, one seed
    assert set(r.rule_inputs["avoid"]) == set(VARIANTS) and r.rule_inputs["avoid"]["elu"]["n"] == 6
