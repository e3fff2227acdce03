"""Helpers for the exercises' test cells: strict comparisons and a guard against shortcuts.

Test cells compare a student's tensors with expected values that the test computes itself, in
plain Python floats, so that replacing a torch function in the notebook cannot change what is
expected. :func:`forbid_ops` records every ATen operation a call runs (below autograd, so it sees
through ``torch.nn.functional``, ``nn`` modules and ``torch.ops``) and fails the test when the
call used an operation the exercise asks students to build themselves.

Nothing here solves an exercise: students may import it to run the same checks.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from contextlib import contextmanager

import torch
from torch.utils._python_dispatch import TorchDispatchMode

ACTIVATION_SHORTCUTS = frozenset({
    "leaky_relu", "leaky_relu_", "leaky_relu_backward", "rrelu", "rrelu_", "rrelu_with_noise",
    "rrelu_with_noise_", "prelu", "_prelu_kernel", "elu", "elu_", "celu", "celu_", "selu", "selu_",
})
"""ATen operations a hand-written LeakyReLU must not call."""

POOLING_SHORTCUTS = frozenset({
    "max_pool1d", "max_pool2d", "max_pool3d", "max_pool2d_with_indices", "max_pool3d_with_indices",
    "max_pool1d_with_indices", "max_pool2d_with_indices_backward", "quantized_max_pool2d",
    "mkldnn_max_pool2d", "avg_pool1d", "avg_pool2d", "avg_pool3d", "avg_pool2d_backward",
    "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_avg_pool3d", "_adaptive_avg_pool2d",
    "adaptive_max_pool1d", "adaptive_max_pool2d", "adaptive_max_pool3d", "lp_pool1d", "lp_pool2d",
    "fractional_max_pool2d", "fractional_max_pool3d", "max_unpool2d", "max_unpool3d",
})
"""ATen operations a hand-written pooling layer must not call."""


class ShortcutUsed(AssertionError):
    """The code under test called an operation the exercise forbids."""


class _OpRecorder(TorchDispatchMode):
    @classmethod
    def _should_skip_dynamo(cls) -> bool:
        # Nothing runs under torch.compile here: without this, the first recorded op imports
        # torch._dynamo (1-2 s), paid by every notebook and every grading.
        return False

    def __init__(self):
        super().__init__()
        self.names: set[str] = set()

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        self.names.add(func.overloadpacket.__name__)
        return func(*args, **(kwargs or {}))


@contextmanager
def forbid_ops(forbidden: Iterable[str], what: str = "this exercise"):
    """Run the block while recording ATen ops; raise :class:`ShortcutUsed` if a forbidden one ran."""
    forbidden = frozenset(forbidden)
    recorder = _OpRecorder()
    try:
        with recorder:
            yield recorder.names
    finally:
        # Checked even when the block raised: an error from torch's own op is no excuse.
        used = sorted(recorder.names & forbidden)
        if used:
            raise ShortcutUsed(
                f"{what} called torch's own {', '.join('aten::' + u for u in used)}; "
                "build it from tensor primitives (comparisons, where, multiplication, ...) instead."
            )


def floats_of(tensor) -> list[float]:
    """The values of a plain ``torch.Tensor`` as a flat list of Python floats (exact for f16/f32/f64)."""
    if type(tensor) is not torch.Tensor:
        raise AssertionError(f"expected a torch.Tensor, got {type(tensor).__name__}")
    return tensor.detach().to("cpu", torch.float64).reshape(-1).tolist()


def same_float(actual: float, expected: float) -> bool:
    """Equal as IEEE values: NaN matches NaN, and +0.0 and -0.0 are told apart."""
    if math.isnan(expected):
        return math.isnan(actual)
    return actual == expected and math.copysign(1.0, actual) == math.copysign(1.0, expected)


def assert_same_floats(actual: list[float], expected: list[float], what: str = "values") -> None:
    """Fail with the first differing position when two lists of floats are not :func:`same_float`."""
    if len(actual) != len(expected):
        raise AssertionError(f"{what}: got {len(actual)} values, expected {len(expected)}")
    for i, (a, e) in enumerate(zip(actual, expected)):
        if not same_float(a, e):
            raise AssertionError(f"{what}: element {i} is {a!r}, expected {e!r}")


def assert_close_floats(actual: list[float], expected: list[float], rel: float, abs_: float = 0.0,
                        what: str = "values") -> None:
    """Like :func:`assert_same_floats`, but finite values may differ by ``rel``·|expected| + ``abs_``."""
    if len(actual) != len(expected):
        raise AssertionError(f"{what}: got {len(actual)} values, expected {len(expected)}")
    for i, (a, e) in enumerate(zip(actual, expected)):
        if math.isfinite(e) and math.isfinite(a):
            if abs(a - e) > rel * abs(e) + abs_:
                raise AssertionError(f"{what}: element {i} is {a!r}, expected {e!r}")
        elif not same_float(a, e):
            raise AssertionError(f"{what}: element {i} is {a!r}, expected {e!r}")


def layer_shapes(model, sample_shape) -> list[tuple[int, ...]]:
    """The shape of one sample after each layer of ``model`` (an iterable of layers, such as an
    ``nn.Sequential``), run on a batch of two zero samples of ``sample_shape`` (e.g. (C, H, W))."""
    x = torch.zeros(2, *sample_shape)
    shapes = []
    for layer in model:
        x = layer(x)
        shapes.append(tuple(x.shape[1:]))
    return shapes


def assert_raises(error: type[BaseException], call, *args, says: str = "", what: str = "the call", **kwargs) -> None:
    """Fail unless ``call(*args, **kwargs)`` raises ``error`` with ``says`` in its message."""
    try:
        call(*args, **kwargs)
    except error as raised:
        if says not in str(raised):
            raise AssertionError(f"{what} raised {error.__name__}({str(raised)!r}): the message should say {says!r}") from None
    else:
        raise AssertionError(f"{what} must raise {error.__name__}")


def assert_elementwise_gradient(function, values: list[float], eps: float = 1e-6, tol: float = 1e-6,
                                what: str = "the gradient") -> None:
    """Check the backward of an elementwise ``function`` (a float64 tensor of shape (n,) → one of the
    same shape) against central differences (f(x + eps) − f(x − eps)) / 2·eps, compared in Python
    floats (as ``torch.autograd.gradcheck`` does for such a function, without torch's comparisons)."""
    x = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    out = function(x)
    if out.requires_grad:
        out.backward(torch.ones_like(x))
    if x.grad is None:
        raise AssertionError(f"{what}: no gradient reached the input")
    analytical = floats_of(x.grad)
    with torch.no_grad():
        up = floats_of(function(torch.tensor(values, dtype=torch.float64) + eps))
        down = floats_of(function(torch.tensor(values, dtype=torch.float64) - eps))
    for i, (v, a, hi, lo) in enumerate(zip(values, analytical, up, down)):
        numerical = (hi - lo) / (2 * eps)
        if not abs(a - numerical) <= tol * (1 + abs(numerical)):
            raise AssertionError(f"{what} at x = {v}: backward gives {a}, finite differences {numerical:.6g}")


def one_backward_per_graph(function):
    """``function`` (tensor → tensor) wrapped so that every backward runs it forward and backward
    afresh on the saved input. ``torch.autograd.gradcheck`` calls backward several times on one
    forward; the grader runs a student's function in another process, where a graph serves one
    backward. The gradients are the same."""

    class _Afresh(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return function(x.detach())

        @staticmethod
        def backward(ctx, grad):
            x, = ctx.saved_tensors
            with torch.enable_grad():
                again = x.detach().requires_grad_()
                function(again).backward(grad)
            return again.grad

    return _Afresh.apply
