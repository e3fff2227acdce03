"""course.gradients.with_backward: gradcheck sees the backward under test, and only it."""

import torch
import torch.nn.functional as F
from torch.autograd import gradcheck

from course.gradients import with_backward


def _right(grad_output, x, weight):
    rows_g, rows_x = grad_output.reshape(-1, weight.shape[0]), x.reshape(-1, weight.shape[1])
    return grad_output @ weight, rows_g.T @ rows_x, rows_g.sum(0)


def _inputs(bias=True):
    torch.manual_seed(0)
    made = [torch.randn(2, 3, 4, dtype=torch.float64, requires_grad=True), torch.randn(5, 4, dtype=torch.float64, requires_grad=True)]
    return tuple(made + ([torch.randn(5, dtype=torch.float64, requires_grad=True)] if bias else []))


def test_a_right_backward_passes_gradcheck_with_and_without_a_bias():
    assert gradcheck(with_backward(F.linear, _right), _inputs())
    x, weight = _inputs(bias=False)
    with_backward(F.linear, _right)(x, weight).sum().backward()
    assert x.grad is not None and weight.grad is not None


def test_a_wrong_backward_fails_and_the_backward_gets_detached_tensors():
    seen = []

    def wrong(grad_output, x, weight):
        seen.append(any(t.requires_grad for t in (grad_output, x, weight)))
        grad_x, grad_weight, grad_bias = _right(grad_output, x, weight)
        return grad_x, grad_weight * 2, grad_bias                          # dL/dW doubled

    assert not gradcheck(with_backward(F.linear, wrong), _inputs(), raise_exception=False)
    assert seen and not any(seen)


def test_the_forward_is_the_trusted_one():
    x, weight, bias = _inputs()
    assert torch.equal(with_backward(F.linear, _right)(x, weight, bias), F.linear(x, weight, bias))
