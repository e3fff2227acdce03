"""Check one backward formula on its own: a Function whose forward is a trusted one (torch's) and
whose backward is the formula under test.

``torch.autograd.gradcheck(with_backward(F.linear, linear_backward), (x, weight, bias))`` then checks
``linear_backward`` alone: a mistake in a hand-written forward cannot make it fail.
"""

from __future__ import annotations

import torch


def with_backward(forward, backward):
    """A function ``(x, weight, bias=None) → forward(x, weight, bias)`` whose gradients come from
    ``backward(grad_output, x, weight) → (grad_x, grad_weight, grad_bias)``.

    Shapes: x (*, in), weight (out, in), bias (out,) or None; grad_output (*, out). The tensors
    ``backward`` receives are detached (it runs no autograd of its own); the bias gets no gradient
    when it is None."""

    class _TrustedForward(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, weight, bias=None):
            ctx.save_for_backward(x, weight)
            ctx.has_bias = bias is not None
            return forward(x, weight, bias)

        @staticmethod
        def backward(ctx, grad_output):
            x, weight = ctx.saved_tensors
            grad_x, grad_weight, grad_bias = backward(grad_output.detach(), x.detach(), weight.detach())
            return grad_x, grad_weight, grad_bias if ctx.has_bias else None

    return _TrustedForward.apply
