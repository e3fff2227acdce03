"""course.softmax_checks: its Python-float definitions agree with torch, and each check passes torch's
own answer, passes an answer consistent with the student's own log_softmax, and fails the mistakes
the exercise names (notebook 03, section 12)."""

import math

import pytest
import torch
import torch.nn.functional as F

from course.softmax_checks import (assert_finite_and_shift_invariant, assert_gradient_like_torch_or_own,
                                   assert_log_softmax_like_torch, assert_loss_like_torch_or_own, log_softmax_rows,
                                   loss_gradient, mean_loss, random_case, rows_of, worked_example)

CASES = [(1, 10, torch.float32, False), (64, 10, torch.float32, False), (7, 3, torch.float64, False),
         (5, 10, torch.float32, True), (1, 4, torch.float64, True)]


def torch_log_softmax(z):
    return F.log_softmax(z, dim=1)


def torch_gradient(z, t):
    z = z.clone().requires_grad_()
    return torch.autograd.grad(F.cross_entropy(z, t), z)[0]


def by_batch(z):
    # A stable log-softmax over the wrong dimension (step 9's mistake).
    shifted = z - z.amax(dim=0, keepdim=True)
    return shifted - shifted.exp().sum(dim=0, keepdim=True).log()


@pytest.mark.parametrize("n,c,dtype,huge", CASES)
def test_the_definitions_in_python_floats_are_torchs(n, c, dtype, huge):
    z, t = random_case(7 + n, n, c, dtype, huge)
    rows, classes = log_softmax_rows(rows_of(z)), t.tolist()
    torch.testing.assert_close(torch.tensor(rows, dtype=dtype), F.log_softmax(z, 1))
    torch.testing.assert_close(torch.tensor(mean_loss(rows, classes), dtype=dtype), F.cross_entropy(z, t))
    torch.testing.assert_close(torch.tensor(loss_gradient(rows, classes), dtype=dtype).reshape(n, c), torch_gradient(z, t))
    if huge:
        assert z.abs().max() <= 1e4 and torch.equal(z, z.round())           # whole numbers: moving them is exact


def test_the_worked_example_is_the_lessons():
    z, t = worked_example()
    assert torch.allclose(torch.softmax(z, 1), torch.tensor([[0.25, 0.25, 0.5], [0.6, 0.2, 0.2]]))
    assert math.isclose(F.cross_entropy(z, t).item(), 0.602, abs_tol=5e-4)


def test_log_softmax_check_passes_torch_and_fails_another_dimension_or_shape():
    z, _ = random_case(1, 5, 4)
    assert_log_softmax_like_torch(torch_log_softmax(z), z)
    with pytest.raises(AssertionError, match="element"):
        assert_log_softmax_like_torch(by_batch(z), z)
    with pytest.raises(AssertionError, match=r"shape \(5,\), expected \(5, 4\)"):
        assert_log_softmax_like_torch(torch_log_softmax(z)[:, 0], z)
    with pytest.raises(AssertionError, match="torch.Tensor"):
        assert_log_softmax_like_torch(torch_log_softmax(z).tolist(), z)


def test_stability_check_passes_stable_forms_whatever_their_values_and_fails_overflow():
    z, _ = random_case(2, 6, 10, huge=True)
    assert_finite_and_shift_invariant(torch_log_softmax, z)
    assert_finite_and_shift_invariant(by_batch, z)                         # wrong values, but stable: step 9's
    max_added_back = lambda v: v - (v.amax(1, keepdim=True) + (v - v.amax(1, keepdim=True)).exp().sum(1, keepdim=True).log())
    assert_finite_and_shift_invariant(max_added_back, z)                    # rounds at 1e4's scale: allowed
    no_shift = lambda v: v - v.exp().sum(1, keepdim=True).log()
    log_of_softmax = lambda v: torch.softmax(v, 1).log()
    for unstable in (no_shift, log_of_softmax):
        with pytest.raises(AssertionError, match="inf or NaN"):
            assert_finite_and_shift_invariant(unstable, z)
    clamped = lambda v: F.log_softmax(v.clamp(-80, 80), 1)                 # finite, but not moved with the logits
    with pytest.raises(AssertionError, match="moved by one constant"):
        assert_finite_and_shift_invariant(clamped, z)


@pytest.mark.parametrize("n,c,dtype,huge", CASES)
def test_loss_check_takes_torchs_or_the_students_own_and_nothing_else(n, c, dtype, huge):
    z, t = random_case(3 + n, n, c, dtype, huge)
    assert_loss_like_torch_or_own(F.cross_entropy(z, t), z, t, None)
    own = by_batch(z)
    assert_loss_like_torch_or_own(-own[torch.arange(n), t].mean(), z, t, own)       # built on the own log_softmax
    if n > 1:
        with pytest.raises(AssertionError, match="neither torch's nor your earlier step's"):
            assert_loss_like_torch_or_own(F.cross_entropy(z, t, reduction="sum"), z, t, torch_log_softmax(z))
    with pytest.raises(AssertionError, match="0-dim"):
        assert_loss_like_torch_or_own(F.cross_entropy(z, t).reshape(1), z, t, None)


def test_loss_and_gradient_built_on_an_overflowing_log_softmax_agree_with_it():
    z, t = torch.tensor([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4]]), torch.tensor([0, 1])
    no_shift = z - z.exp().sum(1, keepdim=True).log()                       # -inf in row 0, +inf in row 1
    assert not no_shift.isfinite().any()
    assert_loss_like_torch_or_own(-no_shift[torch.arange(2), t].mean(), z, t, no_shift)      # NaN = NaN
    one_hot = F.one_hot(t, 3).to(z.dtype)
    assert_gradient_like_torch_or_own((no_shift.exp() - one_hot) / 2, z, t, no_shift)
    assert_gradient_like_torch_or_own(torch_gradient(z, t), z, t, no_shift)                  # torch's: right too
    big = torch.full((2, 3), 200.0)                                          # own "log-probabilities" e^200 = inf
    assert_gradient_like_torch_or_own(torch_gradient(z, t), z, t, big)


@pytest.mark.parametrize("n,c,dtype,huge", CASES)
def test_gradient_check_takes_torchs_or_the_students_own_and_fails_the_undivided_gradient(n, c, dtype, huge):
    z, t = random_case(5 + n, n, c, dtype, huge)
    assert_gradient_like_torch_or_own(torch_gradient(z, t), z, t, None)
    own = by_batch(z)
    assert_gradient_like_torch_or_own((own.exp() - F.one_hot(t, c).to(dtype)) / n, z, t, own)
    if n > 1:
        with pytest.raises(AssertionError, match="neither"):
            assert_gradient_like_torch_or_own(torch_gradient(z, t) * n, z, t, torch_log_softmax(z))
    with pytest.raises(AssertionError, match="shape"):
        assert_gradient_like_torch_or_own(torch_gradient(z, t).reshape(-1), z, t, None)
