"""Checks of a hand-written log-softmax, cross-entropy and its gradient (notebook 03, sections 10 and 12).

Shapes: logits ``(N, C)`` (one row of C class scores per sample, float32 or float64), target ``(N,)``
(int64 class indices), log-probabilities ``(N, C)``.

Every expected value is computed in Python floats from the logits, the way torch defines it
(``F.log_softmax(logits, 1)``, ``F.cross_entropy(logits, target)`` and its autograd gradient;
tests/test_softmax_checks.py checks that they agree), so a patched torch cannot change it. A loss or
gradient is also accepted where it follows from the student's *own* log-probabilities: an answer
built on a log_softmax with its own mistake is judged by that mistake's step alone.
"""

from __future__ import annotations

import math

import torch

from course.checks import assert_close_floats, assert_close_like_torch, assert_close_to_torch_or_own, floats_of

HUGE = 1e4
"""The size of the large logits the tests use: e^10000 overflows every float type."""


def worked_example() -> tuple[torch.Tensor, torch.Tensor]:
    """The lesson's two samples of three classes: logits (2, 3) and their classes (2,).

    Row 0, (0, 0, ln 2), class 2: probabilities (¼, ¼, ½). Row 1, (ln 3, 0, 0), class 0: (0.6, 0.2, 0.2)."""
    return torch.tensor([[0.0, 0.0, math.log(2)], [math.log(3), 0.0, 0.0]]), torch.tensor([2, 0])


def random_case(seed: int, n: int, c: int, dtype: torch.dtype = torch.float32,
                huge: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    """Logits (n, c) and classes (n,) drawn from ``seed``: ordinary logits (4 · a normal draw) or, with
    ``huge``, whole numbers between −10⁴ and 10⁴ (exact in float32, so moving them is exact too)."""
    g = torch.Generator().manual_seed(seed)
    if huge:
        logits = torch.randint(-int(HUGE), int(HUGE) + 1, (n, c), generator=g).to(dtype)
    else:
        logits = 4 * torch.randn(n, c, generator=g, dtype=dtype)
    return logits, torch.randint(0, c, (n,), generator=g)


# -- the definitions, in Python floats ---------------------------------------------------------------

def rows_of(tensor) -> list[list[float]]:
    """A 2-D tensor as a list of rows of Python floats."""
    return [floats_of(row) for row in tensor]


def log_softmax_rows(rows: list[list[float]]) -> list[list[float]]:
    """Each row's log-probabilities, (z − m) − log Σ e^(z − m) with m the row's largest value."""
    out = []
    for row in rows:
        largest = max(row)
        log_sum = math.log(math.fsum(math.exp(v - largest) for v in row))
        out.append([(v - largest) - log_sum for v in row])
    return out


def mean_loss(log_probs: list[list[float]], target: list[int]) -> float:
    """−(1/N) Σₙ log_probs[n][target[n]] (inf and NaN carry through, as in torch)."""
    return -sum(row[t] for row, t in zip(log_probs, target)) / len(target)


def _exp(v: float) -> float:
    try:
        return math.exp(v)
    except OverflowError:                        # a "log-probability" far above 0: e^v is inf, as in torch
        return math.inf


def loss_gradient(log_probs: list[list[float]], target: list[int]) -> list[float]:
    """(exp(log_probs) − one_hot(target)) / N, flattened row by row."""
    n = len(target)
    return [(_exp(v) - (j == t)) / n for row, t in zip(log_probs, target) for j, v in enumerate(row)]


def _own_rows(own_log_probs, logits) -> list[list[float]] | None:
    """The student's own log-probabilities as rows, or None if they are not a tensor of the logits' shape."""
    if type(own_log_probs) is not torch.Tensor or tuple(own_log_probs.shape) != tuple(logits.shape):
        return None
    return rows_of(own_log_probs)


def _as_tensor(values: list[float] | None) -> torch.Tensor | None:
    return None if values is None else torch.tensor(values, dtype=torch.float64)


# -- the checks the notebook's test cells call --------------------------------------------------------

def _assert_tensor_of_shape(out, shape: tuple[int, ...], what: str) -> None:
    if type(out) is not torch.Tensor:
        raise AssertionError(f"{what}: return a torch.Tensor, not {type(out).__name__}")
    if tuple(out.shape) != tuple(shape):
        raise AssertionError(f"{what}: shape {tuple(out.shape)}, expected {tuple(shape)}")


def assert_log_softmax_like_torch(out, logits: torch.Tensor, what: str = "log_softmax") -> None:
    """``out`` has the logits' shape (N, C) and holds ``F.log_softmax(logits, dim=1)``: each row
    normalised over its own C classes."""
    _assert_tensor_of_shape(out, logits.shape, what)
    expected = [v for row in log_softmax_rows(rows_of(logits)) for v in row]
    assert_close_like_torch(floats_of(out), expected, logits.dtype, what)


def assert_finite_and_shift_invariant(function, logits: torch.Tensor, what: str = "log_softmax") -> None:
    """``function(logits)`` is finite everywhere, and equal, up to the rounding of numbers the size of
    the logits, to ``function(logits − c)`` with c the largest logit (softmax does not change when every
    logit moves by one amount). Only stability is checked: a function normalising over the wrong
    dimension, or with another mistake in its values, passes where it is stable."""
    values = floats_of(function(logits))
    bad = [v for v in values if not math.isfinite(v)]
    if bad:
        raise AssertionError(f"{what}: {len(bad)} of {len(values)} values are inf or NaN (the first: {bad[0]}); "
                             f"e^z overflows for large z, and log 0 is -inf: compute (z - m) - log(sum(exp(z - m))), "
                             f"with m each row's largest logit")
    moved = floats_of(function(logits - logits.max()))
    scale = max(1.0, max(abs(v) for v in floats_of(logits)))
    rounding = 8 * torch.finfo(logits.dtype).eps * scale
    assert_close_floats(values, moved, 0.0, rounding,
                        f"{what}: not what the same logits moved by one constant (to a largest of 0) give")


def assert_loss_like_torch_or_own(loss, logits: torch.Tensor, target: torch.Tensor, own_log_probs,
                                  what: str = "cross_entropy") -> None:
    """``loss`` is a tensor of shape () holding ``F.cross_entropy(logits, target)`` (the mean over the
    rows), or the mean loss that the student's own log-probabilities ``own_log_probs`` give."""
    _assert_tensor_of_shape(loss, (), f"{what} (a 0-dim tensor, as F.cross_entropy returns)")
    classes = [int(t) for t in target.tolist()]
    expected = mean_loss(log_softmax_rows(rows_of(logits)), classes)
    own = _own_rows(own_log_probs, logits)
    assert_close_to_torch_or_own(loss, _as_tensor([expected]), _as_tensor(None if own is None else [mean_loss(own, classes)]),
                                 logits.dtype, what)


def assert_gradient_like_torch_or_own(grad, logits: torch.Tensor, target: torch.Tensor, own_log_probs,
                                      what: str = "cross_entropy_backward") -> None:
    """``grad`` (N, C) holds the gradient of ``F.cross_entropy(logits, target)`` for the logits,
    (softmax(logits) − one_hot(target)) / N, or the same formula on the student's own log-probabilities."""
    _assert_tensor_of_shape(grad, logits.shape, what)
    classes = [int(t) for t in target.tolist()]
    expected = loss_gradient(log_softmax_rows(rows_of(logits)), classes)
    own = _own_rows(own_log_probs, logits)
    assert_close_to_torch_or_own(grad, _as_tensor(expected), _as_tensor(None if own is None else loss_gradient(own, classes)),
                                 logits.dtype, what)
