"""The lanes kernel (many models, the model axis vectorised) gives each model the numbers of its run
alone -- ``train(cfg)`` on the scalar compiled engine and on the fused torch engine -- to 1e-12."""

from __future__ import annotations

import re

import pytest

from relulab.config import RunConfig
from relulab.training import train
from relulab.training.build import make_dataset
from relulab.training.compiled import engine as many_module
from relulab.training.compiled.engine import _lanes
from relulab.training.compiled.kernels import ACTIVATIONS as ACTIVATION_KERNELS
from relulab.training.stacked import train_models
from tests.training.runs_alike import assert_same_run

BASE = dict(dataset="circle", hidden=(3, 4), n_points=46, batch_size=7, epochs=6, lr=0.05)


def assert_each_alone(cfgs, runs, engines=("compiled", "fused"), datas=None):
    for i, (cfg, run) in enumerate(zip(cfgs, runs, strict=True)):
        for engine in engines:
            alone = train(cfg.model_copy(update={"engine": engine}), data=None if datas is None else datas[i])
            assert_same_run(run, alone)


def group(n, **kw):
    """``n`` runs that differ in weight seed, learning rate, momentum and regularization rate."""
    base = RunConfig(**{**BASE, **kw})
    return [base.model_copy(update={"weight_seed": s, "lr": base.lr * (1 + 0.3 * s), "momentum": 0.5 + 0.1 * s,
                                    "reg_rate": base.reg_rate * (1 + s)}) for s in range(n)]


@pytest.mark.parametrize("name", sorted(ACTIVATION_KERNELS))
def test_every_activation_equals_its_runs_alone(name):
    params = {"negative_slope": 0.2, "alpha": 0.7, "beta": 1.5, "min_val": -0.5, "max_val": 0.8}
    cfgs = group(3, activation=name, activation_params=params, init="he", regularization="l2", reg_rate=0.01)
    assert_each_alone(cfgs, train_models(cfgs))


@pytest.mark.parametrize("optimizer", ["sgd", "momentum"])
@pytest.mark.parametrize("regularization", ["none", "l1", "l2"])
@pytest.mark.parametrize("loss", ["mse", "bce", "cross_entropy"])
def test_optimizers_penalties_and_losses_equal_their_runs_alone(optimizer, regularization, loss):
    cfgs = group(3, activation="tanh", optimizer=optimizer, regularization=regularization, reg_rate=0.03, loss=loss)
    assert_each_alone(cfgs, train_models(cfgs))


@pytest.mark.parametrize("kw", [
    dict(dataset="spiral3", loss="cross_entropy", activation="relu"),          # k classes, argmax labels
    dict(dataset="reg-plane", activation="tanh", hidden=(5,)),                  # regression: no accuracy
    dict(dataset="sin", activation="elu", hidden=()),                           # a linear model, 1-D input
    dict(dataset="xor4", hidden=(2,), activation="sigmoid"),                    # no test points
    dict(activation="softplus", batch_size=1000),                               # one batch (full batch)
    dict(activation="relu", features=("x1", "x2", "x1sq", "x2sq", "x1x2"), hidden=(6, 6, 2)),
])
def test_data_shapes_batches_and_problems_equal_their_runs_alone(kw):
    cfgs = group(3, **kw)
    assert_each_alone(cfgs, train_models(cfgs))


def test_l1_kills_the_same_links_and_keeps_them_dead():
    cfgs = group(3, activation="relu", regularization="l1", reg_rate=0.3, epochs=12)
    runs = train_models(cfgs)
    assert sum(int((lin.weight == 0).sum()) for r in runs for lin in r.model.linears) > 0, "some links died"
    assert_each_alone(cfgs, runs)


def test_a_mixed_group_of_many_blocks_equals_its_runs_alone():
    """Batch sizes, optimizer paths, penalties, data sets of different sizes (separate partitions),
    per-model targets, divergence: 75 models, so blocks, padding lanes and both cores."""
    base = RunConfig(**{**BASE, "activation": "tanh", "regularization": "l2", "reg_rate": 0.002, "epochs": 12})
    variants = [{}, {"lr": 0.3}, {"optimizer": "momentum", "momentum": 0.7}, {"regularization": "l1", "reg_rate": 0.05},
                {"batch_size": 3}, {"data_seed": "7", "init": "xavier"}, {"target_loss": 0.9},
                {"n_points": 60, "data_seed": "3"}, {"lr": 60.0, "init": "he", "target_loss": 0.1}]
    cfgs = [base.model_copy(update={**variants[s % len(variants)], "weight_seed": s}) for s in range(75)]
    runs = train_models(cfgs)
    assert {r.status for r in runs} >= {"completed", "target_loss"}
    assert_each_alone(cfgs, runs, engines=("compiled",))
    assert_each_alone(cfgs[:9], runs[:9], engines=("fused",))


def test_diverging_models_stop_with_their_weights_and_the_torch_message():
    cfgs = group(4, dataset="reg-plane", activation="relu", init="he", lr=30.0, epochs=40, hidden=(8, 8), n_points=100)
    cfgs[0] = cfgs[0].model_copy(update={"lr": 0.001})  # one that does not diverge, in the same block
    runs = train_models(cfgs)
    assert [r.status for r in runs].count("diverged") >= 2 and runs[0].status == "completed"
    assert all(r.message.startswith("training diverged at epoch") for r in runs[1:] if r.status == "diverged")
    assert_each_alone(cfgs, runs)


def test_per_model_data_sets_and_progress_in_small_kernel_calls(monkeypatch):
    base = RunConfig(**{**BASE, "activation": "relu", "epochs": 7})
    cfgs = [base.model_copy(update={"weight_seed": s, "data_seed": str(s % 3), "n_points": 40 + 10 * (s % 2)})
            for s in range(6)]
    datas = [make_dataset(c) for c in cfgs]
    whole = train_models(cfgs, datas)
    monkeypatch.setattr(many_module, "LANE_WORK_PER_CALL", 1.0)  # one epoch per kernel call
    seen = []
    runs = train_models(cfgs, datas, on_epoch=seen.append)
    assert seen == [1] * base.epochs
    for run, one, data in zip(runs, whole, datas, strict=True):
        assert run.data is data
        assert_same_run(run, one, tol=0.0)
    assert_each_alone(cfgs, runs, datas=datas)


@pytest.mark.parametrize(("count", "lanes"), [(1, 1), (4, 2), (20, 10), (64, 32), (100, 25), (1000, 32)])
def test_blocks_are_even_and_give_every_core_work(monkeypatch, count, lanes):
    monkeypatch.setattr(many_module.numba, "get_num_threads", lambda: 2)
    monkeypatch.setattr(many_module, "LANES", 32)
    assert _lanes(count) == lanes


def test_the_kernel_is_vectorised_over_the_models():
    """The lane loops compile to vector instructions (compiled afresh here: numba keeps no IR of cached
    code): a layer's multiply-adds, and tanh with no libm call."""
    from numba import njit

    from relulab.training.compiled import lane_ops, lanes

    fresh = {f.__name__: njit(error_model="numpy")(f.py_func) for f in (lanes.forward, lane_ops.act_rows)}
    sigs = {"forward": "(f8[:, ::1], i8[::1], i8[::1], i8[::1], i8[::1], f8[:, ::1], f8[:, ::1], i8, i8, "
                       "f8[:, :, ::1], f8[:, :, ::1])",
            "act_rows": "(i8, f8[::1], f8[::1], i8, f8, f8)"}
    for name, fn in fresh.items():
        fn.compile(sigs[name])
        ir = fn.inspect_llvm(fn.signatures[0])
        assert re.search(r"fmul <\d+ x double>", ir), f"{name}: multiplications over vectors of lanes"
        assert not re.search(r"call [^\n]*@(tanh|exp|expm1|log1p)\(", ir), f"{name}: no libm calls"
