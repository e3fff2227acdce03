"""The fairness contract (source/README.md) for 01_pooling, through the real grader (nbgrader):

- honest answers in eight different forms per graded exercise — the first step ``max_pool2d_simple``,
  the forward pooling functions (``pool_windows``, ``max_pool2d``, ``avg_pool2d``) and max pooling's
  backward by hand — get full marks;
- one deviation per stated rule loses exactly that rule's points and no others.

Each honest submission carries one form of each exercise (form i of the first step, of the forward
functions and of the backward), so eight notebooks hold the 3 × 8 forms. Deviations already graded
as fixtures by tests/test_pooling_grading.py (``tests/submissions/pooling/``) or
tests/test_pooling_hostile.py are named in :data:`RULES` and not graded twice. Everything here is
graded in one batch (module scope), as the other grading tests do.
"""

from __future__ import annotations

import time

import pytest

import test_pooling_grading as pooling
import test_pooling_hostile as hostile
from grading import SUBMISSIONS, answer_cells, assert_graded, grade_all, instructor_solution, student_notebook

A, NB = pooling.ASSIGNMENT, pooling.NOTEBOOK
rule = pooling.rule

# -- honest forms of the first step: max_pool2d_simple(x, k) ----------------------------------------------

SIMPLE_FORMS = {
    "stacked_rows": '''
def max_pool2d_simple(x, k):
    rows = []
    for i in range(x.shape[0] // k):
        rows.append(torch.stack([x[i * k:i * k + k, j * k:j * k + k].max() for j in range(x.shape[1] // k)]))
    return torch.stack(rows)
''',
    "reshape_amax": '''
def max_pool2d_simple(x, k):
    h, w = x.shape[0] // k, x.shape[1] // k
    return x[:h * k, :w * k].reshape(h, k, w, k).amax(dim=(1, 3))
''',
    "tensor_unfold": '''
def max_pool2d_simple(x, k):
    windows = x.unfold(0, k, k).unfold(1, k, k)            # (H // k, W // k, k, k)
    return windows.reshape(*windows.shape[:2], k * k).max(dim=-1).values
''',
    "as_strided": '''
def max_pool2d_simple(x, k):
    x = x.contiguous()
    rows, cols = x.stride()
    windows = x.as_strided((x.shape[0] // k, x.shape[1] // k, k, k), (rows * k, cols * k, rows, cols))
    return windows.flatten(2).max(2)[0]
''',
    "python_floats": '''
def max_pool2d_simple(x, k):
    out = []
    for i in range(x.shape[0] // k):
        row = []
        for j in range(x.shape[1] // k):
            best = None
            for r in range(i * k, i * k + k):
                for c in range(j * k, j * k + k):
                    value = x[r, c].item()
                    best = value if best is None or value > best else best
            row.append(best)
        out.append(row)
    return torch.tensor(out, dtype=x.dtype)
''',
    "running_maximum": '''
def max_pool2d_simple(x, k):
    h, w = x.shape[0] // k, x.shape[1] // k
    crop = x[:h * k, :w * k]
    out = crop[0::k, 0::k]
    for a in range(k):
        for b in range(k):
            out = torch.maximum(out, crop[a::k, b::k])
    return out
''',
    "im2col": '''
def max_pool2d_simple(x, k):
    columns = F.unfold(x[None, None], k, stride=k)          # (1, k*k, windows)
    return columns.max(dim=1).values.reshape(x.shape[0] // k, x.shape[1] // k)
''',
    "sorted_windows": '''
def max_pool2d_simple(x, k):
    h, w = x.shape[0] // k, x.shape[1] // k
    blocks = x[:h * k, :w * k].reshape(h, k, w, k).permute(0, 2, 1, 3).reshape(h, w, k * k)
    return blocks.sort(dim=-1).values[..., -1]
''',
}

# -- honest forms of the forward functions: edits of the instructor's pool_windows / max_pool2d / avg_pool2d --

_PAD = "padded = F.pad(input, (pad[1], pad[1] + extra[1], pad[0], pad[0] + extra[0]), value=fill)"
_UNFOLD = ("windows = padded.unfold(2, spans[0], step[0]).unfold(3, spans[1], step[1])\n"
           "    windows = windows[:, :, :out[0], :out[1], ::dil[0], ::dil[1]]       # (N, C, oh, ow, kh, kw)\n"
           "    return windows.reshape(*windows.shape[:4], kernel[0] * kernel[1])")
_ARGMAX = "choice = windows.argmax(-1, keepdim=True)                       # first maximum (or first NaN)"


def _fixture_edits(name: str) -> dict:
    spec: dict = {}
    exec((SUBMISSIONS / "pooling" / f"{name}.py").read_text(), spec)
    return spec["REPLACE"]


FORWARD_FORMS = {
    # padding put around the input with torch.cat (blocks of `fill`) instead of F.pad
    "cat_padding": {"pool_windows_answer": [_fixture_edits("honest_cat_as_strided")["pool_windows_answer"][0]]},
    # windows by as_strided on the F.pad-ded input
    "as_strided": {"pool_windows_answer": [(lambda old, new: (old, "n, c = padded.shape[:2]\n    " + new))(
        *_fixture_edits("honest_cat_as_strided")["pool_windows_answer"][1])]},
    # one slice per kernel position, stacked
    "kernel_slices": {"pool_windows_answer": _fixture_edits("honest_loops")["pool_windows_answer"]},
    # F.unfold (im2col)
    "im2col": {"pool_windows_answer": _fixture_edits("honest_im2col")["pool_windows_answer"]},
    # the student's own argument parsing instead of the given helpers
    "own_arguments": {
        "pool_windows_answer": [("kernel, step, pad, dil = pool_arguments(kernel_size, stride, padding, dilation)",
                                 "pair = lambda v: (v, v) if isinstance(v, int) else (v[0], v[-1])\n"
                                 "    kernel, pad, dil = pair(kernel_size), pair(padding), pair(dilation)\n"
                                 "    step = kernel if stride is None else pair(stride)")],
        "avg_pool2d_answer": [("kernel, step, pad, _ = pool_arguments(kernel_size, stride, padding)",
                               "pair = lambda v: (v, v) if isinstance(v, int) else (v[0], v[-1])\n"
                               "        kernel, pad = pair(kernel_size), pair(padding)\n"
                               "        step = kernel if stride is None else pair(stride)")]},
    # the first maximum found by a stable descending sort rather than argmax
    "sorted_indices": {"max_pool2d_answer": [(_ARGMAX, "choice = windows.sort(dim=-1, descending=True, stable=True).indices[..., :1]")]},
    # a running maximum over the kernel positions with where (ties keep the first, NaN wins: the last NaN)
    "running_where": {"max_pool2d_answer": [(
        "choice = windows.argmax(-1, keepdim=True)                       # first maximum (or first NaN)\n"
        "        nan = windows.isnan()\n"
        "        last_nan = nan.shape[-1] - 1 - nan.flip(-1).int().argmax(-1, keepdim=True)\n"
        "        choice = torch.where(nan.any(-1, keepdim=True), last_nan, choice)   # torch keeps the last NaN",
        "best = windows[..., 0]\n"
        "        choice = torch.zeros(windows.shape[:-1], dtype=torch.int64, device=windows.device)\n"
        "        for t in range(1, windows.shape[-1]):\n"
        "            value = windows[..., t]\n"
        "            better = (value > best) | value.isnan()\n"
        "            best = torch.where(better, value, best)\n"
        "            choice = torch.where(better, torch.full_like(choice, t), choice)\n"
        "        choice = choice.unsqueeze(-1)")]},
    # the average's divisors counted by pooling ones (the padding framed in as ones, the ceil overhang as zeros)
    "counted_by_ones": {"avg_pool2d_answer": [(
        "        kernel, step, pad, _ = pool_arguments(kernel_size, stride, padding)\n"
        "        counts = []\n"
        "        for o, n, k, s, p in zip(sums.shape[2:], x.shape[2:], kernel, step, pad):\n"
        "            start = torch.arange(o, device=x.device) * s - p\n"
        "            end = torch.clamp(start + k, max=n + p)\n"
        "            if not count_include_pad:\n"
        "                start, end = start.clamp(min=0), end.clamp(max=n)\n"
        "            counts.append(end - start)\n"
        "        result = sums / (counts[0][:, None] * counts[1][None, :]).to(x.dtype)",
        "        kernel, step, pad, _ = pool_arguments(kernel_size, stride, padding)\n"
        "        ones = torch.ones(1, 1, *x.shape[2:], dtype=x.dtype, device=x.device)\n"
        "        if count_include_pad:\n"
        "            framed = F.pad(ones, (pad[1], pad[1], pad[0], pad[0]), value=1.0)\n"
        "            counts = pool_windows(framed, kernel, step, 0, 1, ceil_mode, fill=0.0).sum(-1)\n"
        "        else:\n"
        "            counts = pool_windows(ones, kernel, step, pad, 1, ceil_mode, fill=0.0).sum(-1)\n"
        "        result = sums / counts[..., :sums.shape[2], :sums.shape[3]]")]},
}

# -- honest forms of max pooling's backward by hand: max_pool2d_backward(grad_output, indices, input_shape) --

_SCATTER = ("grad = grad_output.new_zeros(input_shape).flatten(-2)\n"
            "    grad.scatter_add_(-1, indices.flatten(-2), grad_output.flatten(-2))\n"
            "    return grad.reshape(input_shape)")
BACKWARD_FORMS = {
    "index_put_accumulate": "planes = torch.arange(indices[..., 0, 0].numel()).reshape(*indices.shape[:-2], 1)\n"
                            "    plane = input_shape[-2] * input_shape[-1]\n"
                            "    flat = (planes * plane + indices.flatten(-2)).reshape(-1)\n"
                            "    grad = grad_output.new_zeros(input_shape).reshape(-1)\n"
                            "    grad.index_put_((flat,), grad_output.reshape(-1), accumulate=True)\n"
                            "    return grad.reshape(input_shape)",
    "index_add": "flat = indices.flatten(-2)\n"
                 "    plane = input_shape[-2] * input_shape[-1]\n"
                 "    offsets = torch.arange(flat[..., 0].numel()).reshape(*flat.shape[:-1], 1) * plane\n"
                 "    grad = grad_output.new_zeros(input_shape).reshape(-1)\n"
                 "    grad.index_add_(0, (flat + offsets).reshape(-1), grad_output.reshape(-1))\n"
                 "    return grad.reshape(input_shape)",
    "one_hot_sum": "plane = torch.arange(input_shape[-2] * input_shape[-1])\n"
                   "    hits = (indices.flatten(-2).unsqueeze(-1) == plane).to(grad_output.dtype)   # (..., outputs, H*W)\n"
                   "    grad = (hits * grad_output.flatten(-2).unsqueeze(-1)).sum(-2)\n"
                   "    return grad.reshape(input_shape)",
    "scatter_add_out_of_place": "zeros = torch.zeros(*input_shape[:-2], input_shape[-2] * input_shape[-1], dtype=grad_output.dtype)\n"
                                "    return zeros.scatter_add(-1, indices.flatten(-2), grad_output.flatten(-2)).reshape(input_shape)",
    "scatter_reduce_sum": "grad = grad_output.new_zeros(input_shape).flatten(-2)\n"
                          "    grad = grad.scatter_reduce(-1, indices.flatten(-2), grad_output.flatten(-2), reduce='sum')\n"
                          "    return grad.reshape(input_shape)",
    "loop_over_planes": "grad = grad_output.new_zeros(input_shape).reshape(-1, input_shape[-2] * input_shape[-1])\n"
                        "    flat_indices = indices.reshape(grad.shape[0], -1)\n"
                        "    flat_grads = grad_output.reshape(grad.shape[0], -1)\n"
                        "    for p in range(grad.shape[0]):\n"
                        "        grad[p].index_put_((flat_indices[p],), flat_grads[p], accumulate=True)\n"
                        "    return grad.reshape(input_shape)",
    "loop_over_outputs": "plane = torch.arange(input_shape[-2] * input_shape[-1])\n"
                         "    flat_indices, flat_grads = indices.flatten(-2), grad_output.flatten(-2)\n"
                         "    grad = grad_output.new_zeros(*input_shape[:-2], plane.numel())\n"
                         "    for t in range(flat_indices.shape[-1]):\n"
                         "        grad = grad + torch.where(plane == flat_indices[..., t:t + 1], flat_grads[..., t:t + 1], 0.0)\n"
                         "    return grad.reshape(input_shape)",
    "autograd_of_gather": "with torch.enable_grad():\n"
                          "        x = torch.zeros(input_shape, dtype=grad_output.dtype, requires_grad=True)\n"
                          "        picked = x.flatten(-2).gather(-1, indices.flatten(-2))\n"
                          "        grad, = torch.autograd.grad(picked, x, grad_output.flatten(-2))\n"
                          "    return grad",
}
assert len(SIMPLE_FORMS) >= 8 and len(FORWARD_FORMS) >= 8 and len(BACKWARD_FORMS) >= 8

# -- single-rule deviations not already graded as fixtures ----------------------------------------------

DEVIATIONS = {
    # step 1: keeps a last, partial window (the text: windows that do not fit are dropped)
    "simple_keeps_partial_windows": {"max_pool2d_simple_answer": [(
        "height, width = x.shape[0] // k, x.shape[1] // k", "height, width = -(-x.shape[0] // k), -(-x.shape[1] // k)")]},
    # step 2: windows in column-major order (the poolings use a correct private copy)
    "windows_column_major": {
        "pool_windows_answer": [("def pool_windows(", "def _windows("),
                                ("    return windows.reshape(*windows.shape[:4], kernel[0] * kernel[1])",
                                 "    return windows.reshape(*windows.shape[:4], kernel[0] * kernel[1])\n\n\n"
                                 "def pool_windows(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, fill=0.0):\n"
                                 "    windows = _windows(input, kernel_size, stride, padding, dilation, ceil_mode, fill)\n"
                                 "    kh, kw = pool_arguments(kernel_size)[0]\n"
                                 "    return windows.unflatten(-1, (kh, kw)).transpose(-1, -2).flatten(-2)")],
        "max_pool2d_answer": [("pool_windows(", "_windows(")],
        "avg_pool2d_answer": [("pool_windows(", "_windows(")]},
    # max, kernel and stride: the stride defaults to 1 instead of the kernel size
    "max_default_stride_one": {"max_pool2d_answer": [(
        "settings = (kernel_size, stride, padding, dilation, ceil_mode)",
        "settings = (kernel_size, 1 if stride is None else stride, padding, dilation, ceil_mode)")]},
    # max, ceil_mode: ignored
    "max_ceil_mode_ignored": {"max_pool2d_answer": [(
        "settings = (kernel_size, stride, padding, dilation, ceil_mode)", "settings = (kernel_size, stride, padding, dilation, False)")]},
    # average, windows: the stride defaults to 1
    "avg_default_stride_one": {"avg_pool2d_answer": [(
        "x = input.unsqueeze(0) if input.dim() == 3 else input\n    sums",
        "x = input.unsqueeze(0) if input.dim() == 3 else input\n    stride = 1 if stride is None else stride\n    sums")]},
    # average, ceil_mode: ignored
    "avg_ceil_mode_ignored": {"avg_pool2d_answer": [(
        "x = input.unsqueeze(0) if input.dim() == 3 else input\n    sums",
        "x = input.unsqueeze(0) if input.dim() == 3 else input\n    ceil_mode = False\n    sums")]},
    # average, gradient: the sums detached from the graph
    "avg_gradient_detached": {"avg_pool2d_answer": [(
        "fill=0.0).sum(-1)", "fill=0.0).sum(-1).detach()")]},
    # input forms: 3-D inputs refused
    "forms_no_3d": {"max_pool2d_answer": [("if input.dim() not in (3, 4):", "if input.dim() != 4:")],
                    "avg_pool2d_answer": [("if input.dim() not in (3, 4):", "if input.dim() != 4:")]},
    # input forms: the settings keyword-only (positional calls fail)
    "forms_keyword_only": {"max_pool2d_answer": [("def max_pool2d(input, kernel_size, ", "def max_pool2d(input, kernel_size, *, ")],
                           "avg_pool2d_answer": [("def avg_pool2d(input, kernel_size, ", "def avg_pool2d(input, kernel_size, *, ")]},
    # input forms: always float64
    "forms_always_float64": {
        "max_pool2d_answer": [("x = input.unsqueeze(0) if input.dim() == 3 else input",
                               "x = (input.unsqueeze(0) if input.dim() == 3 else input).to(torch.float64)")],
        "avg_pool2d_answer": [("x = input.unsqueeze(0) if input.dim() == 3 else input",
                               "x = (input.unsqueeze(0) if input.dim() == 3 else input).to(torch.float64)")]},
    # invalid arguments: a non-positive stride not checked (a ZeroDivisionError that names nothing)
    "invalid_stride_unchecked": {"pool_windows_answer": [("    if min(step) <= 0:\n", "    if False:\n")]},
    # challenge, several NaNs: the first NaN (argmax's) instead of the last
    "challenge_first_nan": {"max_pool2d_answer": [(
        "choice = torch.where(nan.any(-1, keepdim=True), last_nan, choice)", "choice = choice")]},
}

# Every stated rule → the deviation that breaks it alone (here, or a fixture of test_pooling_grading /
# test_pooling_hostile), and the tests it must fail: exactly that rule's.
RULES = {
    "test_simple": "simple_keeps_partial_windows",
    "test_pool_windows": "windows_column_major",
    "test_max_kernel_stride": "max_default_stride_one",
    "test_max_padding": "max_pads_with_zeros",
    "test_max_indices": "indices_relative_to_window",
    "test_max_gradient": "gradient_to_every_tie",
    "test_max_dilation": "dilation_ignored",
    "test_max_ceil_mode": "max_ceil_mode_ignored",
    "test_max_nan": "nan_dropped",
    "test_avg_basic": "avg_default_stride_one",
    "test_avg_count_include_pad": "count_include_pad_ignored",
    "test_avg_ceil_mode": "avg_ceil_mode_ignored",
    "test_avg_divisor_override": "divisor_override_ignored",
    "test_avg_gradient": "avg_gradient_detached",
    "test_input_forms": ("forms_no_3d", "forms_keyword_only", "forms_always_float64"),
    "test_invalid_arguments": "invalid_stride_unchecked",
    "test_max_backward": ("backward_overwrites", "backward_indices_not_per_plane"),
    "challenge_ceil_padding": "ceil_mode_off_by_one",
    "challenge_nan_index": "challenge_first_nan",
    "challenge_empty_window": "empty_window_allowed",
}


def _rule_cells(name: str) -> set[str]:
    cells = rule(name)
    return cells | {"test_avg_pool2d_visible"} if name == "test_avg_basic" else cells


def _answers(edits: dict, code: dict | None = None) -> dict[str, str]:
    answers = {gid: instructor_solution(A, NB, gid) for gid in answer_cells(A, NB)}
    for grade_id, changes in edits.items():
        for old, new in changes:
            assert old in answers[grade_id], f"{grade_id}: {old!r} is not in the solution"
            answers[grade_id] = answers[grade_id].replace(old, new)
    answers.update({gid: text.strip() for gid, text in (code or {}).items()})
    return answers


def honest_submissions() -> dict[str, dict[str, str]]:
    """Eight notebooks, the i-th carrying the i-th form of each exercise."""
    out = {}
    for i, (simple, forward, backward) in enumerate(zip(SIMPLE_FORMS, FORWARD_FORMS, BACKWARD_FORMS)):
        edits = dict(FORWARD_FORMS[forward])
        edits["max_pool2d_backward_answer"] = [(_SCATTER, BACKWARD_FORMS[backward])]
        out[f"honest_{i}_{simple}+{forward}+{backward}"] = _answers(edits, {"max_pool2d_simple_answer": SIMPLE_FORMS[simple]})
    return out


@pytest.fixture(scope="module")
def fairness_graded(tmp_path_factory):
    submissions = {name: student_notebook(A, NB, answers) for name, answers in honest_submissions().items()}
    submissions.update({name: student_notebook(A, NB, _answers(edits)) for name, edits in DEVIATIONS.items()})
    start = time.perf_counter()
    graded = grade_all(tmp_path_factory.mktemp("fairness"), A, NB, submissions)
    print(f"graded {len(submissions)} pooling notebooks in {time.perf_counter() - start:.0f} s")
    return graded


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(honest_submissions()))
def test_honest_forms_get_full_marks(fairness_graded, name):
    assert_graded(fairness_graded[name], pooling.EVERY_CELL, pooling.MAX_SCORE, pooling.MAX_SCORE, set())


_NEW = [(r, d) for r, ds in RULES.items() for d in ((ds,) if isinstance(ds, str) else ds) if d in DEVIATIONS]


@pytest.mark.slow
@pytest.mark.parametrize("rule_name,deviation", _NEW, ids=[d for _, d in _NEW])
def test_a_single_rule_deviation_loses_that_rule_alone(fairness_graded, rule_name, deviation):
    failed = _rule_cells(rule_name)
    points = sum(maximum for g, (_, maximum) in fairness_graded[deviation].items() if g in failed)
    assert_graded(fairness_graded[deviation], pooling.EVERY_CELL, pooling.MAX_SCORE, pooling.MAX_SCORE - points, failed)


def test_every_stated_rule_has_a_deviation_and_each_costs_its_rule_alone():
    """The rules are the notebook's test pairs; deviations graded elsewhere are expected there to lose
    exactly their rule (the one stated exception: dropped NaNs point at no NaN, see test_pooling_grading)."""
    stems = {g.removesuffix("_visible").removesuffix("_hidden").replace("test_avg_pool2d", "test_avg_basic")
             for g in pooling.EVERY_CELL}
    assert stems == set(RULES)
    elsewhere = {**pooling.EXPECTED, **hostile.EXPECTED}
    for name, deviations in RULES.items():
        for deviation in (deviations,) if isinstance(deviations, str) else deviations:
            if deviation in DEVIATIONS:
                continue
            _, failures = elsewhere[deviation]
            extra = rule("challenge_nan_index") if deviation == "nan_dropped" else set()
            assert failures == _rule_cells(name) | extra, deviation
    assert set(DEVIATIONS) <= {d for ds in RULES.values() for d in ((ds,) if isinstance(ds, str) else ds)}
