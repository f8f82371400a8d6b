from __future__ import annotations

from relulab.experiments import Verdict
from relulab.experiments import c09_dead_units as c9


def m(relu_dead=(0.5, 0.2, 0.0), variant=0.0, ever=100, revived=4, failed=0):
    return {"relu_dead": list(relu_dead), "variant_dead": {"leaky_relu": 0.0, "prelu": variant, "elu": 0.0},
            "ever_dead": ever, "revived": revived, "variant_failed": {"leaky_relu": 0, "prelu": 0, "elu": failed}}


def test_most_seeds_over_ten_percent():
    assert c9.decide(m())[0] is Verdict.HOLDS
    assert c9.decide(m(relu_dead=(0.11, 0.1, 0.0, 0.5)))[0] is Verdict.FAILS  # 2 of 4 is not most
    assert c9.decide(m(relu_dead=(0.11, 0.1, 0.5)))[0] is Verdict.HOLDS
    assert c9.decide(m(relu_dead=(0.1, 0.1, 0.5)))[0] is Verdict.FAILS  # 10 % is not > 10 %


def test_variants_must_not_die():
    v, why = c9.decide(m(variant=0.125))
    assert v is Verdict.FAILS and "prelu" in why[0]


def test_revive_share():
    assert c9.decide(m(revived=4))[0] is Verdict.HOLDS
    v, why = c9.decide(m(revived=5))
    assert v is Verdict.CAVEATS and "5 of 100" in why[0]
    assert c9.decide(m(ever=0, revived=0))[0] is Verdict.HOLDS


def test_variant_that_fails_to_train_is_a_caveat():
    v, why = c9.decide(m(failed=2))
    assert v is Verdict.CAVEATS and "elu in 2 runs" in why[0]


def test_quick_run_with_another_seed_follows_its_counts():
    r = c9.run(quick=True, seed=3)
    assert r.seeds == [3, 4] and r.playground_url and r.figures
    ever, revived = next(x.value for x in r.measurements if x.name.startswith("relu units ever dead"))
    assert (r.rule_inputs["ever_dead"], r.rule_inputs["revived"]) == (ever, revived)
    assert (r.verdict, r.caveats) == c9.decide(r.rule_inputs)
