"""Helpers for the exercises' test cells: strict comparisons and a guard against shortcuts.

Test cells compare a student's tensors with expected values that the test computes itself, in
plain Python floats, so that replacing a torch function in the notebook cannot change what is
expected. :func:`forbid_ops` records every ATen operation a call runs (below autograd, so it sees
through ``torch.nn.functional``, ``nn`` modules and ``torch.ops``) and fails the test when the
call used torch's own version of the exercise or any operation outside the exercise's allow-list
(:data:`ALLOWED_OPS`; the grader enforces the same list in the student's process).

Nothing here solves an exercise: students may import it to run the same checks.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from contextlib import contextmanager, nullcontext

import torch
from torch.overrides import TorchFunctionMode
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_flatten

from course.rules import (  # noqa: F401 - the rules, importable from here as the notebooks do
    ACTIVATION_SHORTCUTS, ALLOWED_OPS, CROSS_ENTROPY_BACKWARD_EXERCISE, CROSS_ENTROPY_EXERCISE, GRADIENT_CHECK_EXERCISE,
    LEAKY_RELU_EXERCISE, LINEAR_BACKWARD_EXERCISE, LINEAR_EXERCISE, POOLING_EXERCISE, POOLING_SHORTCUTS, Exercise)


class ShortcutUsed(AssertionError):
    """The code under test called an operation the exercise forbids, or one it does not allow."""


def shortcut_message(op: str) -> str:
    """Why torch's own version of the exercise (``aten::leaky_relu``, ...) failed."""
    return f"{op} is not allowed in this exercise: build it from tensor primitives"


def not_allowed_message(ops: Iterable[str], exercise: str) -> str:
    """Why operations outside the exercise's list failed, naming them and the exercise."""
    ops = sorted(ops)
    verb = "is" if len(ops) == 1 else "are"
    return (f"{', '.join(ops)} {verb} not among the operations this exercise allows ({exercise}): "
            "build it from tensor primitives (see the exercise's list)")


class OpGuard(TorchDispatchMode):
    """Records every ATen operation run below autograd (it sees through ``torch.nn.functional``,
    ``nn`` modules and ``torch.ops``), as ``aten::name``; with ``raise_at_once`` it raises a
    ``RuntimeError`` at the first one that is a shortcut or outside ``allowed`` (None: any)."""

    @classmethod
    def _should_skip_dynamo(cls) -> bool:
        # Nothing runs under torch.compile here: without this, the first recorded op imports
        # torch._dynamo (1-2 s), paid by every notebook and every grading.
        return False

    def __init__(self, shortcuts: Iterable[str] = (), allowed: Iterable[str] | None = None,
                 exercise: str = "this exercise", raise_at_once: bool = False):
        super().__init__()
        self.shortcuts = frozenset(f"aten::{n}" for n in shortcuts)
        self.allowed = None if allowed is None else frozenset(f"aten::{n}" for n in allowed)
        self.exercise, self.raise_at_once = exercise, raise_at_once
        self.names: set[str] = set()

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        name = f"{func.namespace}::{func.overloadpacket.__name__}"
        self.names.add(name)
        if self.raise_at_once and (name in self.shortcuts or not self.allows(name)):
            raise RuntimeError(shortcut_message(name) if name in self.shortcuts else
                               not_allowed_message([name], self.exercise))
        return func(*args, **(kwargs or {}))

    def allows(self, name: str) -> bool:
        return self.allowed is None or name in self.allowed

    def shortcuts_used(self) -> list[str]:
        return sorted(self.names & self.shortcuts)

    def not_allowed(self) -> list[str]:
        return sorted(n for n in self.names - self.shortcuts if not self.allows(n))


def autograd_message(exercise: str) -> str:
    """Why a function that computes gradients itself may not build an autograd graph."""
    return (f"autograd is not used in this exercise ({exercise}): compute the gradient from the formulas "
            "(or from values of the function), without requires_grad, backward or torch.autograd")


class NoAutograd(TorchFunctionMode):
    """Raises a ``RuntimeError`` at the first operation whose result requires grad: inside a function
    that is called with tensors that do not, that means it set up autograd (``requires_grad_``,
    ``torch.autograd.grad``, ``torch.func``: each starts there) instead of computing the gradient;
    and at the first dual tensor of forward-mode AD (``forward_ad.make_dual``, ``torch.func.jvp``)."""

    def __init__(self, exercise: str):
        super().__init__()
        self.exercise = exercise

    def __torch_function__(self, func, types, args=(), kwargs=None):
        if getattr(func, "__name__", "") == "_make_dual":       # forward-mode AD (torch.func.jvp too)
            raise RuntimeError(autograd_message(self.exercise))
        result = func(*args, **(kwargs or {}))
        if any(isinstance(t, torch.Tensor) and t.requires_grad for t in tree_flatten(result)[0]):
            raise RuntimeError(autograd_message(self.exercise))
        return result


@contextmanager
def rule_guard(rule: Exercise):
    """The rule held while a student's graded function runs, raising at the first breach: its
    allow-list and shortcuts (:class:`OpGuard`) and, for a rule with ``no_autograd``, :class:`NoAutograd`."""
    with OpGuard(rule.shortcuts, rule.allowed, rule.name, raise_at_once=True):
        if rule.no_autograd:
            with NoAutograd(rule.name):
                yield
        else:
            yield


@contextmanager
def forbid_ops(rule: Exercise | Iterable[str], what: str = "this exercise"):
    """Run the block while recording ATen ops; raise :class:`ShortcutUsed` if one of torch's own
    versions of the exercise ran or, for an :class:`Exercise`, any op outside its allowed list.
    The yielded set holds the names seen (``aten::add``, ...)."""
    exercise = rule if isinstance(rule, Exercise) else Exercise(what, None, frozenset(rule))
    guard = OpGuard(exercise.shortcuts, exercise.allowed, exercise.name)
    try:
        with guard, (NoAutograd(exercise.name) if exercise.no_autograd else nullcontext()):
            yield guard.names
    finally:
        # Checked even when the block raised: an error from torch's own op is no excuse.
        used, outside = guard.shortcuts_used(), guard.not_allowed()
        if used:
            raise ShortcutUsed(f"{what} called torch's own {', '.join(used)}; "
                               "build it from tensor primitives (comparisons, where, multiplication, ...) instead.")
        if outside:
            raise ShortcutUsed(f"{what}: {not_allowed_message(outside, exercise.name)}")


def floats_of(tensor) -> list[float]:
    """The values of a plain ``torch.Tensor`` as a flat list of Python floats (exact for f16/f32/f64)."""
    if type(tensor) is not torch.Tensor:
        raise AssertionError(f"expected a torch.Tensor, got {type(tensor).__name__}")
    return tensor.detach().to("cpu", torch.float64).reshape(-1).tolist()


def same_float(actual: float, expected: float) -> bool:
    """Equal as IEEE values, as ``torch.testing.assert_close`` compares with zero tolerance: NaN
    matches NaN, infinities match their own sign, and -0.0 equals +0.0 (no exercise grades the sign
    of a zero: ``x.clamp(min=0) + slope * x.clamp(max=0)`` is as right as torch's LeakyReLU)."""
    if math.isnan(expected):
        return math.isnan(actual)
    return actual == expected


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


TORCH_DEFAULT_TOLERANCES = {
    torch.float16: (1e-3, 1e-5), torch.bfloat16: (1.6e-2, 1e-5),
    torch.float32: (1.3e-6, 1e-5), torch.float64: (1e-7, 1e-7),
}
"""``(rtol, atol)`` per dtype: the defaults of ``torch.testing.assert_close``."""


def assert_close_like_torch(actual: list[float], expected: list[float], dtype: torch.dtype,
                            what: str = "values") -> None:
    """:func:`assert_close_floats` with ``torch.testing.assert_close``'s default tolerances for
    ``dtype``: |actual − expected| ≤ atol + rtol·|expected|, NaN matches NaN, infinities their own
    sign, −0.0 equals +0.0. (In float16 one rounding step, 2⁻¹⁰ relative at most, is within them.)"""
    rel, abs_ = TORCH_DEFAULT_TOLERANCES[dtype]
    assert_close_floats(actual, expected, rel, abs_, what)


def own_result(function, *args, parts: int | None = None):
    """``function(*args)``, or None where it raises: the student's own answer to an earlier step, for
    a test that may compare with it. (Where the earlier step breaks its rule, that step's test takes
    the points; this one then compares with torch's value only.) With ``parts=n``, a tuple of n
    values: the result's n items where it is a tuple or list of n, else n Nones (an answer of another
    form is that step's mistake, and here simply nothing to agree with)."""
    try:
        result = function(*args)
    except Exception:
        result = None
    if parts is None:
        return result
    if isinstance(result, (tuple, list)) and len(result) == parts:
        return tuple(result)
    return (None,) * parts


def assert_close_to_torch_or_own(actual, expected, own, dtype: torch.dtype, what: str = "values") -> None:
    """:func:`assert_close_like_torch` of the tensor ``actual`` against torch's ``expected``, or else
    against ``own`` (the tensor the student's own earlier step gave, or None): an answer built on the
    student's earlier step is right when it agrees with that step, so one mistake costs one rule."""
    try:
        assert_close_like_torch(floats_of(actual), floats_of(expected), dtype, what)
    except AssertionError:
        try:
            mine = floats_of(own)
        except Exception:                       # None, or not a tensor: nothing of the student's to agree with
            raise AssertionError(f"{what}: not torch's values (and no result of your own earlier step to compare)") from None
        assert_close_like_torch(floats_of(actual), mine, dtype, f"{what} (neither torch's nor your earlier step's)")


def layer_shapes(model, sample_shape) -> list[tuple[int, ...]]:
    """The shape of one sample after each layer of ``model`` (an iterable of layers, such as an
    ``nn.Sequential``), run on a batch of two zero samples of ``sample_shape`` (e.g. (C, H, W))."""
    x = torch.zeros(2, *sample_shape)
    shapes = []
    for layer in model:
        x = layer(x)
        shapes.append(tuple(x.shape[1:]))
    return shapes


def values_per_sample(layers, sample_shape) -> int:
    """How many numbers one sample of ``sample_shape`` (e.g. (C, H, W)) has after running through
    ``layers`` (an iterable of layers, applied in turn to a batch of one zero sample)."""
    x = torch.zeros(1, *sample_shape)
    for layer in layers:
        x = layer(x)
    return x[0].numel()


def assert_raises(error: type[BaseException], call, *args, says: str = "", what: str = "the call", **kwargs) -> None:
    """Fail unless ``call(*args, **kwargs)`` raises ``error`` with ``says`` in its message (in any case:
    "Stride" and "stride" both say "stride")."""
    try:
        call(*args, **kwargs)
    except error as raised:
        if says.lower() not in str(raised).lower():
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
