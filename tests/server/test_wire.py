"""The wire format: quantisation bounds, NaN, header + payload round trip."""

from __future__ import annotations

import torch

from relulab.server.wire import clean, decode, encode, to_bytes


def test_quantisation_bounds_and_nan():
    v = torch.tensor([-5.0, -1.0, -0.5, 0.0, 0.5, 1.0, 9.0, float("nan")])
    assert list(to_bytes(v)) == [0, 0, 64, 128, 191, 255, 255, 128]
    assert list(to_bytes(torch.tensor([3.0, -6.0]), scale=6.0)) == [191, 0]


def test_encode_decode_round_trip():
    h, p = decode(encode({"a": [1, 2], "b": None}, [b"xyz", b"", b"w"]))
    assert h["a"] == [1, 2] and h["payload"] == [[0, 3], [3, 0], [3, 1]] and p == b"xyzw"


def test_clean_rounds_and_drops_non_finite_numbers():
    assert clean({"a": [1.234567, float("nan")], "b": (float("inf"), 2)}, 2) == {"a": [1.23, None], "b": [None, 2]}
