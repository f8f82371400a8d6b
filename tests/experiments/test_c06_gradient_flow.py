"""C6's parts (per activation and init) fed numbers giving each verdict, and the claim's verdict from them."""

from __future__ import annotations

import pytest

from relulab.experiments import Verdict
from relulab.experiments import c06_gradient_flow as c6

H, C, F, I = Verdict.HOLDS, Verdict.CAVEATS, Verdict.FAILS, Verdict.INCONCLUSIVE


def numbers(**over):
    """Textbook numbers: sigmoid and tanh vanish, relu keeps its gradients, under every init."""
    m = {}
    for a in ("sigmoid", "tanh", "relu"):
        for i in ("torch", "xavier", "he"):
            tiny = a != "relu"
            m[f"{a}/{i}"] = {"init": [1e-20, 1e-30] if tiny else [1.0, 0.5],
                             "train_max": [1e-18, 1e-25] if tiny else [3.0, 2.0],
                             "train_min": [1e-21, 1e-31] if tiny else [0.5, 0.2]}
            m[f"digits/{a}/{i}"] = {"init": [1e-5] if tiny else [1.0], "train_max": [3e-5] if tiny else [1.5],
                                    "train_min": [1e-5] if tiny else [1.2]}
    for k, v in over.items():
        m[k.replace("__", "/")].update(v)
    return m


def verdict(m, key):
    return next(p for p in c6.PARTS if p.key == key).judge(m).verdict


NAN = float("nan")
# numbers giving each verdict, two seeds: to a "vanishes" part (toy: < 1e-6, digits: < 1e-2) and a "keeps" part
VALUES = {"vanishes": {H: {"init": [1e-9, 1e-9], "train_max": [1e-9, 1e-9]},
                       I: {"init": [1e-9, 1.0], "train_max": [1e-9, 1e-9]},  # the seeds disagree
                       C: {"init": [1e-9, 1e-9], "train_max": [1.0, 2.0]},  # at init only
                       F: {"init": [1.0, 1.0], "train_max": [1.0, 1.0]}},
          "keeps": {H: {"init": [1.0, 0.5], "train_min": [0.5, 0.2]},
                    I: {"init": [0.099, 1.0], "train_min": [0.5, 0.2]},
                    C: {"init": [1.0, 0.5], "train_min": [NAN, NAN]},  # fine at init, diverged in training
                    F: {"init": [1e-20, 1e-19], "train_min": [1e-20, 1e-20]}}}


def _with(key: str, values: dict) -> dict:
    m = numbers()
    m[key] = {**m[key], **values}
    return m


CASES = [(_with(p.inputs[0], values), {p.key: v}) for p in c6.PARTS
         for v, values in VALUES["keeps" if "_keeps_" in p.key else "vanishes"].items()]


def test_every_activation_and_init_is_a_part_tanh_included():
    keys = [p.key for p in c6.PARTS]
    for i in ("torch", "xavier", "he"):
        assert {f"sigmoid_vanishes_{i}", f"tanh_vanishes_{i}", f"relu_keeps_{i}"} <= set(keys)
    assert c6.decide(numbers()) == (H, [])


@pytest.mark.parametrize(("values", "want"), [
    ({"init": [1e-7, 1e-9], "train_max": [9e-7, 1e-8]}, H),
    ({"init": [1e-6, 1e-9]}, I),  # one seed at the threshold: the seeds disagree
    ({"train_max": [1e-8, 2e-6]}, I),
    ({"init": [10.0, 17.0], "train_max": [9.0, 30.0]}, F),  # tanh under xavier keeps its gradients
    ({"train_max": [1.0, 2.0]}, C),  # vanishes at init, recovers in training
])
def test_tanh_vanishes_part(values, want):
    m = numbers(tanh__xavier=values)
    assert verdict(m, "tanh_vanishes_xavier") is want
    v, why = c6.decide(m)
    assert v is (H if want is H else C)
    if want is not H:
        assert why[0].startswith(f"tanh_vanishes_xavier (measured): {want.value}")


@pytest.mark.parametrize(("values", "want"), [
    ({"init": [0.1, 10.0], "train_min": [0.1, 5.0]}, H),
    ({"init": [0.099, 1.0]}, I),
    ({"init": [10.1, 12.0], "train_min": [0.01, 0.05]}, F),
    ({"train_min": [float("nan"), float("nan")]}, C),  # fine at init, diverged in training
    ({"init": [1e-20, 1e-19], "train_min": [1e-20, 1e-20]}, F),  # PyTorch's default init
])
def test_relu_keeps_part(values, want):
    assert verdict(numbers(relu__he=values), "relu_keeps_he") is want


def test_sigmoid_part_and_claim_without_any_part_holding():
    assert verdict(numbers(sigmoid__he={"init": [1e-6, 1e-6]}), "sigmoid_vanishes_he") is C
    assert verdict(numbers(sigmoid__he={"init": [1e-6, 1e-6], "train_max": [1e-6, 1.0]}), "sigmoid_vanishes_he") is F
    bad = {f"{a}__{i}": ({"init": [1.0, 1.0], "train_max": [1.0, 1.0]} if a != "relu" else
                         {"init": [1e-9, 1e-9], "train_min": [1e-9, 1e-9]})
           for a in ("sigmoid", "tanh", "relu") for i in ("torch", "xavier", "he")}
    bad |= {f"digits__{k}": v for k, v in bad.items()}
    assert c6.decide(numbers(**bad))[0] is F
    split = {f"{d}{a}__{i}": {"init": [1e-9, 1.0]} for a in ("sigmoid", "tanh", "relu")
             for i in ("torch", "xavier", "he") for d in ("", "digits__")}
    assert c6.decide(numbers(**split))[0] is I


@pytest.mark.parametrize(("key", "values", "want"), [
    ("digits__tanh__he", {"init": [0.96], "train_max": [2.9]}, F),  # measured: tanh under He keeps them
    ("digits__tanh__he", {"init": [0.005, 0.02], "train_max": [0.001, 0.002]}, I),
    ("digits__sigmoid__torch", {"train_max": [0.5]}, C),
    ("digits__relu__torch", {"init": [0.015], "train_min": [0.0165]}, F),  # measured: PyTorch's default init
    ("digits__relu__xavier", {"init": [1.02], "train_min": [float("nan")]}, C),
])
def test_digits_parts(key, values, want):
    """The same statements on a digits MLP, per init: each part can hold, fail, or say it cannot tell."""
    _, act, init = key.split("__")
    name = f"digits_{act}_{'keeps' if act == 'relu' else 'vanishes'}_{init}"
    m = numbers(**{key: values})
    assert verdict(m, name) is want
    assert all(verdict(m, p.key) is H for p in c6.PARTS if p.key != name)
    assert c6.decide(m)[0] is C
    assert {f"digits_{a}_vanishes_{i}" for a in ("sigmoid", "tanh") for i in ("torch", "xavier", "he")} <= {
        p.key for p in c6.PARTS}
