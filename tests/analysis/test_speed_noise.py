"""Interleaved timings: every round times every operation; ratios and the copy's spread from those times."""

from __future__ import annotations

import pytest

from relulab.analysis.speed_noise import SpeedCurve, speed_curve


def test_every_round_times_the_copies_and_each_activation():
    c = speed_curve(["relu", "tanh"], sizes=[2**8, 2**10], rounds=4, threads=1)
    assert list(c.times) == [2**8, 2**10] and c.threads == 1 and c.rounds == 4
    for row in c.times.values():
        assert set(row) == {"copy", "copy_again", "relu", "tanh"}
        assert all(len(v) == 4 and all(t > 0 for t in v) for v in row.values())
    assert c.to_dict()["times"]["256"]["relu"] == c.times[256]["relu"]


def test_ratios_median_and_noise_from_the_times():
    c = SpeedCurve("cpu", 1, 3, {64: {"copy": [1.0, 2.0, 1.0], "copy_again": [1.0, 3.0, 2.0],
                                      "relu": [0.5, 1.0, 4.0], "tanh": [1.0, 1.0, 1.0]}})
    assert c.ratios(64, "relu", "tanh") == [0.5, 1.0, 4.0] and c.median_ratio(64, "relu", "tanh") == 1.0
    assert c.noise(64) == pytest.approx(2.0 / 1.0)  # copy_again / copy: 1, 1.5, 2


@pytest.mark.parametrize("kwargs", [{"rounds": 1}, {"sizes": []}, {"sizes": [0]}, {"sizes": [True]}])
def test_bad_arguments(kwargs):
    with pytest.raises(ValueError, match="rounds >= 2"):
        speed_curve(["relu"], **kwargs)
