"""The helpers of course/checks.py that the notebooks' test cells use."""

import pytest
import torch
from torch import nn

from course.checks import assert_raises, layer_shapes


def test_layer_shapes_after_each_layer():
    model = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(64, 5))
    assert layer_shapes(model, (3, 8, 8)) == [(4, 8, 8), (4, 4, 4), (64,), (5,)]
    with pytest.raises(RuntimeError):
        layer_shapes(model, (3, 6, 6))                       # 4·3·3 = 36 numbers reach Linear(64, 5)


def _too_small(side):
    if side < 12:
        raise ValueError(f"a {side}×{side} input is too small")
    return side


def test_assert_raises_needs_the_error_and_the_words():
    assert_raises(ValueError, _too_small, 11, says="too small")
    with pytest.raises(AssertionError, match="must raise ValueError"):
        assert_raises(ValueError, _too_small, 12, says="too small")
    with pytest.raises(AssertionError, match="should say 'tiny'"):
        assert_raises(ValueError, _too_small, 3, says="tiny")
    with pytest.raises(TypeError):                           # another error is not caught
        assert_raises(ValueError, _too_small, "12")
    assert_raises(ZeroDivisionError, lambda: 1 / torch.tensor(0).item())
