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


def test_elementwise_gradient_against_finite_differences():
    from course.checks import assert_elementwise_gradient

    class WrongSlope(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return torch.where(x > 0, x, 0.2 * x)

        @staticmethod
        def backward(ctx, grad):
            x, = ctx.saved_tensors
            return torch.where(x > 0, grad, 0.3 * grad)        # 0.3, not 0.2

    assert_elementwise_gradient(lambda x: torch.where(x > 0, x, 0.2 * x), [-1.5, -0.3, 0.4, 2.0])
    assert_elementwise_gradient(torch.sin, [0.1, 1.0, 3.0])
    with pytest.raises(AssertionError, match="at x = -1.5: backward gives 0.3"):
        assert_elementwise_gradient(WrongSlope.apply, [-1.5, 2.0])
    with pytest.raises(AssertionError, match="no gradient"):
        assert_elementwise_gradient(lambda x: x.detach() * 2, [1.0])


def test_one_backward_per_graph_gives_the_same_gradients_to_gradcheck():
    from course.checks import one_backward_per_graph

    calls = []

    def counted(x):
        calls.append(x.requires_grad)
        return torch.where(x > 0, x, 0.2 * x)

    x = torch.tensor([-1.5, -0.3, 0.4, 2.0], dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(one_backward_per_graph(counted), (x,))
    assert calls.count(True) >= 4                      # each backward ran its own forward with a graph
    wrong = one_backward_per_graph(lambda t: t * 2 if t.requires_grad else t * 3)
    with pytest.raises(RuntimeError, match="Jacobian mismatch"):          # GradcheckError
        torch.autograd.gradcheck(wrong, (x,))


def test_signed_zeros_are_equal_and_nan_only_matches_nan():
    """The course's comparisons treat -0.0 and +0.0 as one value (torch.testing.assert_close does)."""
    from course.checks import assert_same_floats, same_float

    assert same_float(-0.0, 0.0) and same_float(0.0, -0.0)
    assert same_float(float("nan"), float("nan")) and not same_float(0.0, float("nan"))
    assert not same_float(float("-inf"), float("inf")) and not same_float(1.0, 1.0 + 2 ** -52)
    assert_same_floats([-0.0, 1.5], [0.0, 1.5])
    with pytest.raises(AssertionError, match="element 1 is 1.0, expected 2.0"):
        assert_same_floats([-0.0, 1.0], [0.0, 2.0])
