"""The allow-list of ATen operations (course/checks.py ALLOWED_OPS): what a graded function may run.

The same rule holds in the notebooks' tests (``course.checks.forbid_ops``, plain nbgrader) and in the
sandboxed student's process during each call and backward (``autograder.sandbox.student_process``): honest
answers built from other primitives keep full marks, kernels outside the list cost their exercise."""

import pytest
import torch

from autograder.sandbox.student_process import Student
from course.checks import (ALLOWED_OPS, LEAKY_RELU_EXERCISE, LINEAR_BACKWARD_EXERCISE, LINEAR_EXERCISE,
                           POOLING_EXERCISE, OpGuard, ShortcutUsed, forbid_ops)
from grading import SUBMISSIONS, build_submission, grade_in_sandbox


def test_an_allowed_operation_passes_and_another_raises_naming_it_and_the_exercise():
    x = torch.tensor([-2.0, 0.0, 3.0], requires_grad=True)
    with forbid_ops(LEAKY_RELU_EXERCISE, "leaky_relu") as seen:
        torch.where(x > 0, x, x * 0.1).backward(torch.ones(3))
    assert {"aten::where", "aten::gt", "aten::mul"} <= seen
    with pytest.raises(ShortcutUsed, match=r"aten::_prelu_kernel_backward is not among the operations this "
                                           r"exercise allows \(leaky_relu\)"):
        with forbid_ops(LEAKY_RELU_EXERCISE, "LeakyReLUFunction"):
            torch.ops.aten._prelu_kernel_backward(torch.ones(3), x.detach(), torch.tensor([0.1]))
    with pytest.raises(ShortcutUsed, match=r"called torch's own aten::leaky_relu"):      # named as torch's own
        with forbid_ops(LEAKY_RELU_EXERCISE, "leaky_relu"):
            torch.nn.functional.leaky_relu(x.detach())
    with pytest.raises(ShortcutUsed, match=r"aten::convolution is not among .* \(pooling\)"):
        with forbid_ops(POOLING_EXERCISE, "avg_pool2d"):
            torch.nn.functional.conv2d(torch.ones(1, 1, 4, 4), torch.ones(1, 1, 2, 2), stride=2)


def test_a_plain_list_of_shortcuts_still_forbids_only_those():
    with forbid_ops(POOLING_EXERCISE.shortcuts, "max_pool2d"):               # an older notebook's test cell
        torch.nn.functional.conv2d(torch.ones(1, 1, 4, 4), torch.ones(1, 1, 2, 2))
    with pytest.raises(ShortcutUsed, match="max_pool2d"):
        with forbid_ops(POOLING_EXERCISE.shortcuts, "max_pool2d"):
            torch.nn.functional.max_pool2d(torch.ones(1, 1, 4, 4), 2)


def test_the_guard_raises_at_once_and_names_the_namespace():
    guard = OpGuard(allowed=ALLOWED_OPS["pooling"], exercise="pooling", raise_at_once=True)
    with guard:
        torch.arange(16.0).reshape(1, 1, 4, 4).unfold(2, 2, 2).amax(-1)
        with pytest.raises(RuntimeError, match=r"aten::max_pool3d_with_indices_backward is not among the "
                                               r"operations this exercise allows \(pooling\)"):
            torch.ops.aten.max_pool3d_with_indices_backward(
                torch.ones(1, 1, 1, 2, 2), torch.ones(1, 1, 1, 4, 4), [1, 2, 2], [1, 2, 2], [0, 0, 0], [1, 1, 1],
                False, torch.zeros(1, 1, 1, 2, 2, dtype=torch.long))
    assert "aten::unfold" in guard.names and "aten::amax" in guard.names
    assert not OpGuard(allowed={"add"}).allows("quantized::max_pool2d")     # only aten's own names are listed


def _call(student, name, *tensors, requires_grad=False):
    return student.call({"export": name, "call": 1, "tensors": list(tensors),
                         "requires_grad": [requires_grad] * len(tensors),
                         "args": [{"__tensor__": i} for i in range(len(tensors))], "kwargs": {}})


def test_the_students_process_allows_only_the_list_during_calls_and_backward():
    student = Student({name: LEAKY_RELU_EXERCISE for name in ("honest", "prelu", "through_kernel", "by_hand")})
    exec("import torch\n"
         "table = torch.nn.functional.conv1d(torch.ones(1, 1, 4), torch.ones(1, 1, 2))   # cells: not restricted\n"
         "def honest(x):\n    return torch.where(x > 0, x, x * 0.5)\n"
         "def prelu(x):\n    return torch.ops.aten._prelu_kernel(x, torch.tensor([0.5]))\n"
         "def through_kernel(x):\n    return torch.ops.aten.elu_backward(torch.ones_like(x), 1.0, 1.0, 1.0, False, x)\n"
         "class Backward(torch.autograd.Function):\n"
         "    @staticmethod\n    def forward(ctx, x):\n        ctx.save_for_backward(x)\n        return x * 1\n"
         "    @staticmethod\n    def backward(ctx, g):\n        x, = ctx.saved_tensors\n"
         "        return torch.ops.aten._prelu_kernel_backward(g, x, torch.tensor([0.1]))[0]\n"
         "def by_hand(x):\n    return Backward.apply(x)\n", student.namespace)
    x = torch.tensor([-2.0, 3.0])
    assert _call(student, "honest", x)["result"].tolist() == [-1.0, 3.0]
    with pytest.raises(RuntimeError, match="aten::_prelu_kernel is not allowed in this exercise"):
        _call(student, "prelu", x)
    with pytest.raises(RuntimeError, match=r"aten::elu_backward is not among the operations this exercise allows"):
        _call(student, "through_kernel", x)
    _call(student, "by_hand", x.clone(), requires_grad=True)                     # the forward is fine...
    with pytest.raises(RuntimeError, match=r"aten::_prelu_kernel_backward is not among .* \(leaky_relu\)"):
        student.backward({"call": 1, "grads": [torch.ones(2)]})                 # ... its backward is not
    unrestricted = Student()                                                    # LeNet-5: no rule
    unrestricted.namespace.update(student.namespace)
    assert _call(unrestricted, "prelu", x)["result"].tolist() == [-1.0, 3.0]


# -- the new fixtures graded by the sandboxed pipeline: the same scores as through nbgrader --------------

@pytest.mark.slow
@pytest.mark.parametrize("module", ["test_linear_activation_grading", "test_pooling_grading"])
def test_the_sandbox_scores_the_new_fixtures_as_nbgrader_does(module, tmp_path):
    # (03's fixtures, the loss exercise's included, are all graded in the sandbox by test_pipeline_matches_nbgrader.)
    grading = __import__(module)
    folder = SUBMISSIONS / ("leaky_relu" if "linear" in module else "pooling")
    submissions = {name: build_submission(grading.ASSIGNMENT, grading.NOTEBOOK, folder / f"{name}.py")
                   for name in grading.NEW_FIXTURES}
    summary, graded = grade_in_sandbox(tmp_path / "course", grading.ASSIGNMENT, grading.NOTEBOOK, submissions)
    assert summary.failed == {} and set(graded) == set(grading.NEW_FIXTURES)
    for name, result in graded.items():
        tests = result["tests"]
        score, failures = grading.EXPECTED[name]
        assert {t["grade_id"] for t in tests if t["score"] < t["max_score"]} == failures, name
        assert sum(t["score"] for t in tests) == score, name
        if failures and name.startswith(("backward_", "avg_by")):               # not torch's own: the list's error
            assert all("is not among the operations this exercise allows" in t["reason"] for t in tests
                       if t["score"] < t["max_score"] and "visible" in t["grade_id"]), name


# -- one rule per graded function ---------------------------------------------------------------------

def test_each_exported_function_runs_under_its_own_rule():
    student = Student({"leaky": LEAKY_RELU_EXERCISE, "linear_forward": LINEAR_EXERCISE,
                       "linear_backward": LINEAR_BACKWARD_EXERCISE, "make_layer": LINEAR_EXERCISE})
    exec("import torch\n"
         "def leaky(x):\n    return torch.addmm(x, x, x) * 0 + torch.where(x > 0, x, 0.1 * x)\n"
         "def linear_forward(x):\n    return torch.addmm(x, x, x)\n"
         "def by_product(x):\n    return x @ x.T + x\n"
         "def linear_backward(x):\n    y = x.detach().requires_grad_()\n"
         "    return torch.autograd.grad((y @ y).sum(), y)[0]\n"
         "class Layer(torch.nn.Module):\n    def forward(self, x):\n        return torch.addmm(x, x, x)\n"
         "def make_layer():\n    return Layer()\n", student.namespace)
    student.namespace["honest_backward"] = student.namespace["by_product"]
    x = torch.eye(2)
    assert _call(student, "leaky", x)["result"].tolist() == [[1.0, 0.0], [0.0, 1.0]]      # LeakyReLU's rule
    with pytest.raises(RuntimeError, match=r"aten::addmm is not allowed in this exercise"):
        _call(student, "linear_forward", x)                                               # the linear layer's
    with pytest.raises(RuntimeError, match=r"autograd is not used in this exercise \(linear_backward\)"):
        _call(student, "linear_backward", x)
    handle = _call(student, "make_layer")["result"]["__remote__"]                         # what a call returns
    with pytest.raises(RuntimeError, match=r"aten::addmm is not allowed"):                # keeps its rule
        student.call({"handle": handle, "call": 2, "tensors": [x], "requires_grad": [False],
                      "args": [{"__tensor__": 0}], "kwargs": {}})


def test_the_process_wide_block_spares_what_another_function_of_the_notebook_may_run():
    from autograder.authoring.assignments import load_notebook_spec

    spec = load_notebook_spec("02_linear_activation", "linear_activation.ipynb")
    assert {"leaky_relu", "_prelu_kernel", "linear"} <= spec.forbidden and "addmm" not in spec.forbidden
    assert spec.rules["leaky_relu"] is LEAKY_RELU_EXERCISE and spec.rules["linear_backward"] is LINEAR_BACKWARD_EXERCISE
    assert "addmm" in spec.shortcuts                                                      # still flagged in review
    lenet = load_notebook_spec("03_lenet", "lenet.ipynb")
    assert "lenet5_for" not in lenet.rules                                                 # LeNet-5: any operation
    assert {"_log_softmax", "nll_loss_forward"} <= lenet.forbidden                        # the loss: not torch's
    assert lenet.rules["cross_entropy_backward"].no_autograd and not lenet.rules["cross_entropy"].no_autograd


def _forward_mode(x, weight):
    import torch.autograd.forward_ad as fwAD

    with fwAD.dual_level():
        return fwAD.unpack_dual(fwAD.make_dual(x, torch.ones_like(x)) @ weight.T).tangent


def test_no_autograd_lets_formulas_run_and_stops_every_way_into_autograd():
    x, weight, grad = torch.randn(3, 4), torch.randn(2, 4), torch.randn(3, 2)
    with forbid_ops(LINEAR_BACKWARD_EXERCISE, "linear_backward"):
        grad @ weight, grad.T @ x, grad.sum(0)                                              # the formulas
    attempts = {
        "requires_grad_": lambda: x.clone().requires_grad_(),
        "a leaf made with requires_grad": lambda: torch.zeros(3, requires_grad=True),
        "torch.func.vjp": lambda: torch.func.vjp(lambda t: t @ weight.T, x)[1](grad),
        "torch.autograd.functional": lambda: torch.autograd.functional.vjp(lambda t: t @ weight.T, x, grad),
        "forward-mode AD": lambda: _forward_mode(x, weight),
        "torch.func.jvp": lambda: torch.func.jvp(lambda t: t @ weight.T, (x,), (torch.ones_like(x),)),
    }
    for what, attempt in attempts.items():
        with pytest.raises(RuntimeError, match="autograd is not used in this exercise"):
            with forbid_ops(LINEAR_BACKWARD_EXERCISE, "linear_backward"):
                attempt()
