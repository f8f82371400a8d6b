"""``analysis.layers``: a model read once from the activation registry; a new activation registered as
one entry (its own module class and functional form) is found by every analysis, the fused trainer
and the playground's menu with no other edit."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
import torch
from fastapi.testclient import TestClient
from torch import nn

import relulab as rl
from relulab.activations import ACTIVATIONS, Activation, register
from relulab.analysis.layers import IDENTITY, call_activation, function_table, model_layers, module_activation
from relulab.config import RunConfig
from relulab.server import ServerSettings, create_app
from relulab.training import Trainer


# ---- a user's own piecewise-linear activation: slopes 0, 1, 1/2 with kinks at 0 and `knee` ----------
@torch.overrides.wrap_torch_function(lambda x, knee=1.0: (x,))  # dispatches like torch's own F.relu
def bent(x: torch.Tensor, knee: float = 1.0) -> torch.Tensor:
    return torch.relu(x) - 0.5 * torch.relu(x - knee)


class Bent(nn.Module):
    def __init__(self, knee: float = 1.0) -> None:
        super().__init__()
        self.knee = knee

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return bent(x, self.knee)


BENT = Activation(
    "bent", bent, r"\max(0, x) - \tfrac12 \max(0, x - k)", params={"knee": 1.0}, piecewise_linear=True,
    breakpoints=lambda knee: (0.0, knee), range=(0.0, float("inf")),
    derivative=lambda x, knee: (x > 0).to(x.dtype) - 0.5 * (x > knee).to(x.dtype),
    torch_module=Bent, torch_functions=(bent,))


@contextmanager
def registered(act: Activation):
    register(act)
    try:
        yield act
    finally:
        ACTIVATIONS.unregister(act.name)


class Functional(nn.Module):
    """The same network with the activation called in ``forward`` (no activation module)."""

    def __init__(self, first: nn.Linear, last: nn.Linear, knee: float) -> None:
        super().__init__()
        self.first, self.last, self.knee = first, last, knee

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.last(bent(self.first(x), knee=self.knee))


def _nets(generator, knee=0.5, d=2):
    first, last = nn.Linear(d, 6).double(), nn.Linear(6, 1).double()
    with torch.no_grad():
        for p in (*first.parameters(), *last.parameters()):
            p.copy_(torch.randn(p.shape, generator=generator, dtype=torch.float64))
    return nn.Sequential(first, Bent(knee), last), Functional(first, last, knee)


def test_a_new_activation_is_one_registry_entry_for_every_tool(generator):
    with registered(BENT):
        mod, fun = _nets(generator)
        x = torch.randn(300, 2, generator=generator, dtype=torch.float64) * 2
        # rl.inspect: the module and the functional call, with the registry's derivative
        a, b = rl.inspect(mod, x).sites, rl.inspect(fun, x).sites
        assert [(s.name, s.activation) for s in a] == [("1", "bent")]
        assert [(s.name, s.activation) for s in b] == [("forward:bent#1", "bent")]
        pre = mod[0](x).detach()
        active = (BENT.derivative(pre, knee=0.5) != 0).double().mean(0)
        torch.testing.assert_close(a[0].active, active)
        for key in ("active", "sparsity", "saturation", "pre_mean", "pre_std"):
            torch.testing.assert_close(getattr(a[0], key), getattr(b[0], key), rtol=0, atol=0)
        # rl.regions: both kinks of every unit are region boundaries; each region's map is the forward pass
        r = rl.regions(mod, (-3, 3))
        for region in list(r)[:: max(1, len(r) // 25)]:
            p = region.interior_point()
            torch.testing.assert_close(mod(p), region(p))
        line = nn.Sequential(nn.Linear(1, 1), Bent(0.5), nn.Linear(1, 1)).double()
        with torch.no_grad():
            for p in line.parameters():
                p.fill_(1.0 if p.dim() == 2 else 0.0)
        assert rl.regions(line, (-2, 2)).kinks().tolist() == [0.0, 0.5]
        # rl.collapse: names the layer (module and call) that breaks linearity
        c = rl.collapse(mod)
        assert not c.linear and (c.breaking_layer, c.breaking_type) == ("1", "Bent")
        c = rl.collapse(fun, input_shape=(2,))
        assert not c.linear and (c.breaking_layer, c.breaking_type) == ("forward:bent#1", "bent")
        # the fused trainer takes the registry's derivative, and agrees with autograd
        cfg = RunConfig(dataset="xor", hidden=(4, 3), activation="bent", activation_params={"knee": 0.5},
                        init="he", lr=0.05, epochs=5)
        fused, auto = Trainer(cfg), Trainer(cfg.model_copy(update={"engine": "autograd"}))
        assert fused.engine == "fused" and auto.engine == "autograd"
        assert isinstance(fused.model[1], Bent) and fused.model[1].knee == 0.5
        for _ in range(5):
            s, t = fused.step_epoch(), auto.step_epoch()
            assert s.train_loss == pytest.approx(t.train_loss, rel=1e-10)
        # the playground's activation menu is the registry
        with TestClient(create_app(ServerSettings(port=0)), base_url="http://127.0.0.1") as client:
            menu = {a["name"]: a for a in client.get("/api/registries").json()["activations"]}
        assert menu["bent"]["kinks"] == [0.0, 1.0] and menu["bent"]["params"] == {"knee": 1.0}
    assert "bent" not in ACTIVATIONS and bent not in function_table()  # unregistered: gone everywhere


def test_without_the_entry_the_tools_do_not_know_it(generator):
    mod, _ = _nets(generator)
    assert module_activation(mod[1]) is None
    with pytest.raises(ValueError, match="got 'Bent'"):
        rl.regions(mod, (-1, 1))


def test_the_reading_follows_the_registry_as_it_changes(generator):
    # module_activation caches its class table and uses per registry version: both must follow changes
    mod, _ = _nets(generator)
    assert module_activation(mod[1]) is None
    with registered(BENT):
        use = module_activation(mod[1])
        assert use is not None and use.name == "bent" and use.params == {"knee": mod[1].knee}
    assert module_activation(mod[1]) is None


@pytest.mark.parametrize("name", ["abs", "step", "relu", "identity"])
def test_collapse_works_on_every_builtin_activation_net(name):
    # abs and step are relulab's own modules (Elementwise): collapse deep-copies the model
    net = rl.MLP(2, (3, 3), 1, name, generator=torch.Generator().manual_seed(0))
    r = rl.collapse(net)
    assert r.linear == (name == "identity")
    if not r.linear:
        assert r.breaking_layer == "1"


def test_model_layers_reads_each_leaf():
    net = nn.Sequential(nn.Flatten(), nn.Linear(4, 3), nn.BatchNorm1d(3), nn.Sequential(nn.ReLU(), nn.Identity()),
                        nn.Dropout(0.3), nn.Conv1d(1, 1, 1)).double().eval()
    layers = model_layers(net)
    assert [(lay.path, lay.kind) for lay in layers] == [
        ("0", "affine"), ("1", "affine"), ("2", "affine"), ("3.0", "activation"), ("3.1", "activation"),
        ("4", "affine"), ("5", "other")]
    assert layers[0].affine == IDENTITY and layers[3].affine is None
    assert layers[4].affine == layers[5].affine == IDENTITY
    W, b = layers[2].affine  # batch norm in eval mode, against the module itself
    x = torch.randn(5, 3, dtype=torch.float64)
    torch.testing.assert_close(x @ W.T + b, net[2](x))
    net.train()
    assert model_layers(net)[2].kind == "other" and "eval mode" in model_layers(net)[2].why
    assert model_layers(net)[5].kind == "other" and "training mode" in model_layers(net)[5].why


@pytest.mark.parametrize("module, name, params", [
    (nn.LeakyReLU(0.2), "leaky_relu", {"negative_slope": 0.2}),
    (nn.Hardtanh(-0.5, 2.0), "hardtanh", {"min_val": -0.5, "max_val": 2.0}),
    (nn.ReLU6(), "relu6", {}),  # a Hardtanh subclass with its own entry
    (nn.GELU(approximate="tanh"), "gelu_tanh", {}),  # not the registry's exact gelu
    (nn.Hardswish(), "hardswish", {}),  # torch's own, the registry has no entry
    (nn.PReLU(3, init=0.3), "prelu", {}),  # learned slopes: the module's own function
])
def test_module_activation_reads_the_parameters(module, name, params):
    use = module_activation(module)
    assert use.name == name and dict(use.params) == params
    x = torch.linspace(-4, 4, 33).reshape(11, 3)
    torch.testing.assert_close(use.fn(x), module(x))


def test_call_activation_binds_positional_and_keyword_parameters():
    import torch.nn.functional as F

    table = function_table()
    use = call_activation(F.hardtanh, table[F.hardtanh], (torch.zeros(2), -0.5), {"max_val": 2.0})
    assert use.name == "hardtanh" and dict(use.params) == {"min_val": -0.5, "max_val": 2.0}
    use = call_activation(F.softplus, table[F.softplus], (torch.zeros(2), 3.0), {})  # a builtin
    assert use.name == "softplus" and dict(use.params) == {"beta": 3.0}
    assert call_activation(F.gelu, table[F.gelu], (torch.zeros(2),), {"approximate": "tanh"}).name == "gelu_tanh"
