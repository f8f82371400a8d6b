from __future__ import annotations

import pytest
import torch

from relulab.analysis.threads import torch_threads


def test_restored_after_an_error():
    before = torch.get_num_threads()
    with pytest.raises(RuntimeError), torch_threads(1):
        assert torch.get_num_threads() == 1
        raise RuntimeError("inside")
    assert torch.get_num_threads() == before


@pytest.mark.parametrize("bad", [0, -1, 1.5, True])
def test_bad_thread_count(bad):
    with pytest.raises(ValueError, match="threads must be an integer >= 1 or None"), torch_threads(bad):
        pass
