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
    assert_raises(ValueError, _too_small, 11, says="Too Small")          # the words, in any case
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


def test_close_like_torch_uses_assert_closes_default_tolerances():
    """The LeakyReLU exercise compares as torch.testing.assert_close does: a float16 slope rounded
    before the multiply is within float16's tolerance, a wrong value is not, and both agree with torch."""
    from course.checks import assert_close_like_torch, floats_of

    x = torch.linspace(-5, 5, 2001, dtype=torch.float16)
    torchs = torch.nn.functional.leaky_relu(x, 0.1)
    rounded_slope = torch.where(x > 0, x, x * torch.tensor(0.1, dtype=torch.float16))
    assert not torch.equal(torchs, rounded_slope)                       # they differ in the last bit ...
    torch.testing.assert_close(rounded_slope, torchs)                    # ... within torch's tolerance
    assert_close_like_torch(floats_of(rounded_slope), floats_of(torchs), torch.float16)
    assert_close_like_torch([-0.0, float("nan"), float("inf")], [0.0, float("nan"), float("inf")], torch.float32)
    for dtype, wrong in ((torch.float16, 1.002), (torch.float32, 1.0001), (torch.float64, 1.000001)):
        with pytest.raises(AssertionError, match="not close"):
            torch.testing.assert_close(torch.tensor([wrong], dtype=dtype), torch.tensor([1.0], dtype=dtype))
        with pytest.raises(AssertionError, match="element 0"):
            assert_close_like_torch([wrong], [1.0], dtype)


def test_values_per_sample_counts_what_the_layers_hand_on():
    from course.checks import values_per_sample

    layers = [nn.Conv2d(3, 4, 3), nn.AvgPool2d(2)]
    assert values_per_sample(layers, (3, 9, 11)) == 4 * 3 * 4          # 9 → 7 → 3, 11 → 9 → 4
    assert values_per_sample([], (2, 5, 5)) == 50
    with pytest.raises(RuntimeError):
        values_per_sample(layers, (2, 9, 11))                           # 2 channels reach a 3-channel conv


def test_an_answer_built_on_the_students_own_step_is_right_when_it_agrees_with_either():
    from course.checks import assert_close_to_torch_or_own, own_result
    right, own = torch.tensor([1.0, 2.0]), torch.tensor([1.0, 3.0])
    assert_close_to_torch_or_own(torch.tensor([1.0, 2.0]), right, own, torch.float32)       # torch's
    assert_close_to_torch_or_own(torch.tensor([1.0, 3.0]), right, own, torch.float32)       # the student's own
    with pytest.raises(AssertionError, match="neither torch's nor your earlier step's"):
        assert_close_to_torch_or_own(torch.tensor([1.0, 4.0]), right, own, torch.float32)
    with pytest.raises(AssertionError, match="no result of your own earlier step"):
        assert_close_to_torch_or_own(torch.tensor([1.0, 3.0]), right, None, torch.float32)

    def refused(*args):
        raise AssertionError("aten::addmm is not allowed")
    assert own_result(refused, 1) is None and own_result(lambda a, b: a + b, 1, 2) == 3
    # parts=n: n values whatever the earlier step returned (a tensor of many values has no truth value)
    assert own_result(lambda: (1, 2, 3), parts=3) == (1, 2, 3)
    assert own_result(lambda: torch.ones(3), parts=3) == (None, None, None)
    assert own_result(lambda: (1, 2), parts=3) == (None, None, None)
    assert own_result(refused, 1, parts=2) == (None, None)
