"""The one engine choice, and the registry-wide check of the compiled kernel table: every activation and
loss the compiled engine claims gives the registry's f, f' and loss (and its gradient) to 1e-12; every
one it does not claim goes to a torch engine, with the reason."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from relulab.activations import activation_names, get_activation
from relulab.config import RunConfig
from relulab.objectives import LOSSES
from relulab.training import train
from relulab.training.compiled import kernels as K
from relulab.training.engines import choose_engine

PARAMS = {"negative_slope": 0.2, "alpha": 0.7, "beta": 1.5, "min_val": -0.5, "max_val": 0.8}
TOL = dict(atol=1e-12, rtol=1e-12)


def points() -> np.ndarray:
    z = np.concatenate([np.linspace(-30.0, 30.0, 6001), [0.0, -0.0, 3.0, -3.0, 6.0, -0.5, 0.8, 1e-300, -1e-300]])
    return np.concatenate([z, np.random.default_rng(0).normal(0, 4, 4000)])


def test_the_table_names_registry_entries_only():
    assert set(K.ACTIVATIONS) <= set(activation_names())
    assert {n for n, _ in K.LOSSES} <= set(LOSSES.names())
    for name, pnames in K.ACTIVATIONS.items():
        assert set(pnames) == set(get_activation(name).params), name  # the kernel reads every parameter


@pytest.mark.parametrize("name", activation_names())
def test_every_activation_is_the_registrys_or_goes_to_torch_with_the_reason(name):
    spec = get_activation(name)
    p = spec.resolve(**{k: v for k, v in PARAMS.items() if k in spec.params})
    cfg = RunConfig(dataset="circle", hidden=(3,), activation=name, activation_params=p, n_points=20)
    if name not in K.ACTIVATIONS:
        choice = choose_engine([cfg])
        assert choice.name in ("fused", "autograd") and name in choice.reason, choice
        with pytest.raises(ValueError, match=f"engine 'compiled' cannot train this run: .*{name}"):
            choose_engine([cfg.model_copy(update={"engine": "compiled"})])
        return
    from relulab.training.compiled.lane_ops import act_rows, dact_mul

    assert choose_engine([cfg]).name == "compiled"
    z = points()
    h, g = np.empty_like(z), np.ones_like(z)
    extra = [p[k] for k in K.ACTIVATIONS[name]] + [0.0, 0.0]
    act_rows(K.ACTIVATION_IDS[name], z, h, len(z), extra[0], extra[1])
    dact_mul(K.ACTIVATION_IDS[name], z, h, g, len(z), extra[0], extra[1])
    zt = torch.from_numpy(z)
    torch.testing.assert_close(torch.from_numpy(h), spec.fn(zt, **p), **TOL)
    torch.testing.assert_close(torch.from_numpy(g), spec.grad(zt, **p).to(torch.float64), **TOL)


@pytest.mark.parametrize(("name", "problem"), [(n, p) for n, loss in LOSSES.items() for p in loss.problems])
def test_every_loss_is_the_registrys_or_goes_to_torch_with_the_reason(name, problem):
    loss, classification = LOSSES.get(name), problem == "classification"
    dataset = {"regression": "reg-plane", "classification": "spiral3" if name == "cross_entropy" else "circle"}
    cfg = RunConfig(dataset=dataset[problem], hidden=(3,), activation="tanh", loss=name, n_points=20)
    if (name, classification) not in K.LOSSES:
        choice = choose_engine([cfg])
        assert choice.name != "compiled" and name in choice.reason, choice
        return
    from relulab.training.compiled.lane_ops import loss_grad_rows, loss_rows

    gen = torch.Generator().manual_seed(1)
    k = 3 if name == "cross_entropy" else 2 if classification else 0
    n, m = 500, loss.out_dim(k)
    z = torch.randn(n, m, generator=gen, dtype=torch.float64) * 5
    y = (torch.randint(0, k, (n,), generator=gen) if name == "cross_entropy"
         else torch.randint(0, 2, (n,), generator=gen) * 2.0 - 1 if classification
         else torch.randn(n, generator=gen, dtype=torch.float64))
    t = loss.targets(y.to(torch.float64) if y.is_floating_point() else y, k)
    zr, tr = np.ascontiguousarray(z.T.numpy()), np.ascontiguousarray(t.reshape(n, -1).to(torch.float64).T.numpy())
    v, tmp, dz = np.empty(n), np.empty((4, n)), np.empty((m, n))
    loss_rows(K.LOSS_IDS[(name, classification)], zr, tr, 0, m, n, v, tmp)
    loss_grad_rows(K.LOSS_IDS[(name, classification)], zr, tr, 0, m, n, dz, tmp)
    torch.testing.assert_close(torch.from_numpy(v), loss.value(z, t, classification), **TOL)
    torch.testing.assert_close(torch.from_numpy(dz.T), loss.grad(z, t, classification), **TOL)


@pytest.mark.parametrize(("kw", "engine", "words"), [
    (dict(), "compiled", "small plain MLP"),
    (dict(optimizer="adam"), "fused", "not compiled: it has optimizers"),
    (dict(dtype="float32"), "fused", "float64"),
    (dict(hidden=(256, 256)), "fused", "more than 20000 parameters"),
    (dict(activation="prelu"), "autograd", "prelu"),
    (dict(engine="autograd"), "autograd", "asked for"),
])
def test_a_run_says_which_engine_trained_it_and_why(kw, engine, words, tmp_path):
    import json

    from relulab.training import load_run, load_run_json, save_run_json

    run = train(RunConfig(**{"dataset": "circle", "hidden": (3,), "activation": "relu", "epochs": 2,
                             "n_points": 30, **kw}))
    assert run.engine == engine and words in run.engine_reason, (run.engine, run.engine_reason)
    saved = json.loads((run.save(tmp_path / "run") / "history.json").read_text())
    assert (saved["engine"], saved["engine_reason"]) == (run.engine, run.engine_reason)
    for back in (load_run(tmp_path / "run"), load_run_json(save_run_json(run, tmp_path / "run.json"))):
        assert (back.engine, back.engine_reason) == (run.engine, run.engine_reason)


def test_groups_choose_lanes_a_stack_layout_or_one_after_another():
    base = RunConfig(dataset="circle", hidden=(3,), activation="relu", epochs=2, n_points=30)
    seeds = [base.model_copy(update={"weight_seed": s}) for s in range(3)]
    assert choose_engine(seeds).name == "compiled-lanes"
    adam = [c.model_copy(update={"optimizer": "adam"}) for c in seeds]
    assert choose_engine(adam) == ("stack-narrow", "not compiled lanes: it has optimizers ['sgd', 'momentum'], "
                                                   "got 'adam'")
    assert choose_engine([c.model_copy(update={"hidden": (16,)}) for c in adam]).name == "stack-batched"
    assert choose_engine([c.model_copy(update={"activation": "gelu"}) for c in adam]).name == "stack-learned"
    early = [c.model_copy(update={"target_loss": 0.1}) for c in adam]
    assert choose_engine(early).name == "sequential" and "stop early" in choose_engine(early).reason


def test_progress_comes_per_chunk_and_adds_up_to_the_epochs():
    seen = []
    cfg = RunConfig(dataset="circle", hidden=(3,), activation="relu", epochs=300, n_points=30)
    run = train(cfg, on_progress=lambda k, s: seen.append((k, s.epoch)))
    assert sum(k for k, _ in seen) == 300 and seen[-1][1] == 300
    assert len(seen) < 300  # whole chunks of epochs per kernel call, not one call per epoch
    assert run.history.train_loss == train(cfg).history.train_loss
