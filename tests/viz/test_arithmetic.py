from __future__ import annotations

import pytest

from relulab.analysis.arithmetic import ArithmeticErrors
from relulab.viz.arithmetic import FLOOR, plot_arithmetic


def test_medians_and_the_floor_for_exact_fits():
    e = {("add", "relu"): [ArithmeticErrors("add", 0.02, 0.07, 4.0), ArithmeticErrors("add", 0.04, 0.09, 4.0),
                           ArithmeticErrors("add", 0.03, 0.08, 4.0)],
         ("add", "linear"): [ArithmeticErrors("add", 0.0, 1e-15, 4.0)]}
    ax = plot_arithmetic(e).axes[0]
    assert [p.get_height() for p in ax.patches] == pytest.approx([0.03, 0.08, FLOOR, 1e-15], rel=1e-12)
