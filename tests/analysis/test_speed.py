"""rl.speed: every activation gets ratios to a copy; in-place forms compute the registry's values."""

from __future__ import annotations

import math

import pytest
import torch

from relulab.activations import activation_names, get_activation
from relulab.analysis.speed import INPLACE, speed


def test_ratios_for_every_activation_and_the_copy_baseline():
    before = torch.get_num_threads()
    r = speed(numel=2**16, repeats=2, threads=1)
    assert torch.get_num_threads() == before and r.threads == 1
    ratios = r.ratios()
    assert list(ratios) == ["copy", *activation_names()]
    for name, row in ratios.items():
        for kind, v in row.items():
            if kind == "inplace" and name != "copy" and get_activation(name).name not in INPLACE:
                assert v is None
            else:
                assert v is not None and math.isfinite(v) and v >= 0, (name, kind, v)
    d = r.to_dict()
    assert d["numel"] == 2**16 and d["ratios"] == ratios and r.copy > 0 and r.copy_into > 0


def test_copy_row_reads_about_one():
    # the copy timed as if it were an activation, against the copy timed beside it: a ratio, not a time
    r = speed(["relu"], numel=2**20, repeats=5, threads=1)
    assert 0.2 < r.ratios()["copy"]["forward"] < 5
    assert 0.2 < r.ratios()["copy"]["inplace"] < 5


@pytest.mark.parametrize("name", sorted(INPLACE))
def test_inplace_forms_match_the_registry(name):
    act = get_activation(name)
    x = torch.randn(1000, generator=torch.Generator().manual_seed(0)) * 4
    buf = x.clone()
    INPLACE[name](buf, **act.resolve())
    torch.testing.assert_close(buf, act(x))


@pytest.mark.parametrize("kwargs, message", [
    ({"numel": 0}, "numel must be an integer >= 1, got 0"),
    ({"repeats": 0}, "repeats must be an integer >= 1, got 0"),
    ({"threads": 0}, "threads must be an integer >= 1 or None, got 0"),
    ({"activations": ["swish"]}, "unknown activation 'swish'"),
])
def test_bad_input(kwargs, message):
    with pytest.raises(ValueError) as e:
        speed(**{"numel": 64, "repeats": 1, **kwargs})
    assert message in str(e.value)
