"""C7's parts: much cheaper, not, or within the run's own noise (inconclusive); the quick run follows its rule."""

from __future__ import annotations

import pytest

from relulab.experiments import Verdict
from relulab.experiments import c07_speed as c7

H, C, F, I = Verdict.HOLDS, Verdict.CAVEATS, Verdict.FAILS, Verdict.INCONCLUSIVE


def m(sigmoid=0.2, tanh=0.1, noise=1.1):
    return {"relu/sigmoid": sigmoid, "relu/tanh": tanh, "copy_noise": noise}


ROWS = [(0.45, 1.1, H), (0.5, 1.0, H), (0.46, 1.1, I), (0.56, 1.1, F), (0.55, 1.1, I), (0.3, 2.0, I), (2.0, 3.0, F)]
CASES = [*((m(sigmoid=r, noise=n), {"cheaper_than_sigmoid": v}) for r, n, v in ROWS),
         *((m(tanh=r, noise=n), {"cheaper_than_tanh": v}) for r, n, v in ROWS)]


@pytest.mark.parametrize(("sigmoid", "noise", "want"), ROWS)
def test_cheaper_than_sigmoid_knows_its_noise(sigmoid, noise, want):
    p = c7.PARTS[0].judge(m(sigmoid=sigmoid, noise=noise))
    assert p.key == "cheaper_than_sigmoid" and p.verdict is want
    if want is I:
        assert "within the run's own noise" in p.reasons[0]


def test_claim_from_both_parts():
    assert c7.decide(m()) == (H, [])
    assert c7.decide(m(sigmoid=0.9))[0] is C  # cheaper than tanh only: memory-bound sigmoid
    assert c7.decide(m(sigmoid=0.9, tanh=0.9))[0] is F
    assert c7.decide(m(noise=10.0))[0] is I
    assert c7.decide(m(sigmoid=0.6, tanh=0.6, noise=1.5))[0] is I  # both within the noise of 0.5


def test_quick_run_reports_the_curve_and_follows_its_rule():
    r = c7.run(quick=True, seed=0)
    assert (r.verdict, r.caveats) == c7.decide(r.rule_inputs)
    curve = next(x.value for x in r.measurements if x.name.startswith("relu / sigmoid forward time per size"))
    assert list(curve) == ["2^16", "2^18", "2^20", "2^22"] and curve["2^22"] == pytest.approx(
        r.rule_inputs["relu/sigmoid"], rel=1e-2)
    assert r.rule_inputs["copy_noise"] >= 1.0 and [f.name for f in r.figures] == ["c07_speed_curve"]


def _table(device: str, relu: float, sizes):
    """A made-up timing table: per size and round, copy 1.0 (copy_again 1.0, then 1.1), relu ``relu``,
    sigmoid and tanh 2.0 (seconds; only the ratios matter)."""
    from relulab.analysis.speed_noise import SpeedCurve

    rounds = 3
    times = {s: {"copy": [1.0] * rounds, "copy_again": [1.0, 1.1, 1.0], "relu": [relu] * rounds,
                 "sigmoid": [2.0] * rounds, "tanh": [2.0] * rounds} for s in sizes}
    return SpeedCurve(device, 1 if device == "cpu" else 16, rounds, times)


@pytest.fixture
def fake_gpu(monkeypatch):
    """A GPU "present" (torch.cuda.is_available() is True) and speed_curve answering from fake tables: relu
    takes 0.2 of sigmoid's time on the CPU and 0.9 on the "GPU"; the devices asked for are recorded."""
    asked = []

    def fake_curve(activations, *, sizes, rounds, device="cpu", threads=None, seed=0, progress=None):
        asked.append(str(device))
        return _table("cpu" if str(device) == "cpu" else "cuda:0", 0.4 if str(device) == "cpu" else 1.8, sizes)

    monkeypatch.setattr(c7.torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(c7, "speed_curve", fake_curve)
    return asked


def test_gpu_figures_where_a_gpu_is_present(fake_gpu):
    """With a GPU present, a CPU run adds the GPU's curve (measurements and a figure) beside the CPU's; the
    verdict still reads the CPU's numbers (relu / sigmoid 0.2: holds), not the GPU's (0.9)."""
    r = c7.run(quick=True, seed=0)
    assert fake_gpu == ["cpu", "cuda"]
    assert r.rule_inputs == {"relu/sigmoid": 0.2, "relu/tanh": 0.2, "copy_noise": 1.1}
    assert r.verdict is H and (r.verdict, r.caveats) == c7.decide(r.rule_inputs)
    gpu = {x.name: x for x in r.measurements if x.name.startswith("GPU:")}
    assert gpu["GPU: relu / sigmoid per size"].value == {"2^16": 0.9, "2^18": 0.9, "2^20": 0.9, "2^22": 0.9}
    assert gpu["GPU: relu / sigmoid per size"].note == "cuda:0"
    assert gpu["GPU: the copy's own spread per size"].value["2^22"] == 1.1
    assert [f.name for f in r.figures] == ["c07_speed_curve", "c07_speed_curve_gpu"]
    assert all(f.png.startswith(b"\x89PNG") for f in r.figures) and r.configs[0]["gpu"] == "cuda:0"


def test_a_gpu_run_measures_the_gpu_once(fake_gpu):
    """``--device cuda``: the rule's curve is the GPU's own; no second GPU curve beside it."""
    r = c7.run(quick=True, seed=0, device="cuda")
    assert fake_gpu == ["cuda"]
    assert r.rule_inputs["relu/sigmoid"] == 0.9 and r.verdict is F
    assert not any(x.name.startswith("GPU:") for x in r.measurements)
    assert [f.name for f in r.figures] == ["c07_speed_curve"] and r.configs[0]["device"] == "cuda:0"
