"""The allow-list of ATen operations (course/checks.py ALLOWED_OPS): what a graded function may run.

The same rule holds in the notebooks' tests (``course.checks.forbid_ops``, plain nbgrader) and in the
sandboxed student's process during each call and backward (``autograder.student_process``): honest
answers built from other primitives keep full marks, kernels outside the list cost their exercise."""

import pytest
import torch

from autograder.student_process import Student
from course.checks import ALLOWED_OPS, LEAKY_RELU_EXERCISE, POOLING_EXERCISE, OpGuard, ShortcutUsed, forbid_ops
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
    student = Student(LEAKY_RELU_EXERCISE.shortcuts, LEAKY_RELU_EXERCISE.allowed, "leaky_relu")
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
    grading = __import__(module)
    folder = SUBMISSIONS / ("leaky_relu" if "linear" in module else "pooling")
    submissions = {name: build_submission(grading.ASSIGNMENT, grading.NOTEBOOK, folder / f"{name}.py")
                   for name in grading.NEW_FIXTURES}
    summary, graded = grade_in_sandbox(tmp_path / "course", grading.ASSIGNMENT, grading.NOTEBOOK, submissions)
    assert summary["failed"] == {} and set(graded) == set(grading.NEW_FIXTURES)
    for name, result in graded.items():
        tests = result["tests"]
        score, failures = grading.EXPECTED[name]
        assert {t["grade_id"] for t in tests if t["score"] < t["max_score"]} == failures, name
        assert sum(t["score"] for t in tests) == score, name
        if failures and name.startswith(("backward_", "avg_by")):               # not torch's own: the list's error
            assert all("is not among the operations this exercise allows" in t["reason"] for t in tests
                       if t["score"] < t["max_score"] and "visible" in t["grade_id"]), name
