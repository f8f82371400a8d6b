"""The one label rule: classes or regression targets, and the sentence that says why."""

from __future__ import annotations

import pytest
import torch

from relulab.data import dataset_from_points, read_labels


@pytest.mark.parametrize("labels, problem, classes, encoded, fragment", [
    ([-1, 1, 1, -1], "classification", 2, [-1, 1, 1, -1], "{-1, 1}: two classes"),
    ([0, 1, 1, 0], "classification", 2, [-1, 1, 1, -1], "{0, 1}: two classes"),
    ([0, 1, 2, 2], "classification", 3, [0, 1, 2, 2], "3 classes"),
    (list(range(10)), "classification", 10, list(range(10)), "10 classes"),
    (list(range(11)), "regression", 0, list(range(11)), "more than 10"),
    ([1, 2, 3, 1], "regression", 0, [1, 2, 3, 1], "are not {-1, 1}, {0, 1} or {0, ..., k-1}"),
    ([0, 0, 0, 0], "regression", 0, [0, 0, 0, 0], "regression"),
    ([0.5, 1, 0, 1], "regression", 0, [0.5, 1, 0, 1], "not integers (0.5"),
])
def test_rule(labels, problem, classes, encoded, fragment):
    r = read_labels(torch.tensor(labels, dtype=torch.float64))
    assert (r.problem, r.num_classes, r.labels.tolist()) == (problem, classes, [float(v) for v in encoded])
    assert fragment in r.reason and ("classes" in r.reason) == (problem == "classification")


def test_dataset_from_points_uses_the_rule_for_sklearn_labels():
    x = torch.tensor([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [1.0, 2.0]])
    d = dataset_from_points(x, torch.tensor([0.0, 1.0, 0.0, 1.0]))
    assert d.problem == "classification" and d.num_classes == 2
    assert set(torch.cat([d.y_train, d.y_test]).tolist()) == {-1.0, 1.0}
    d3 = dataset_from_points(x, torch.tensor([0.0, 1.0, 2.0, 1.0]))
    assert d3.num_classes == 3 and set(torch.cat([d3.y_train, d3.y_test]).tolist()) == {0.0, 1.0, 2.0}


def test_non_finite_labels_are_refused():
    with pytest.raises(ValueError, match="finite"):
        read_labels(torch.tensor([1.0, float("nan")]))
