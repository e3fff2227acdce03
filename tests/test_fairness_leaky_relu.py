"""Fairness of the LeakyReLU exercise (issue 23), through the real grader: honest answers written in
the forms the exercise allows get full marks, and an answer that breaks one stated rule loses that
rule's points (its visible and its hidden test) and nothing else.

All submissions are graded in one batch (module scope), like tests/test_linear_activation_grading.py.
"""

import time

import pytest

from grading import answer_cells, failed_cells, grade_all, instructor_solution, student_notebook, total

ASSIGNMENT, NOTEBOOK = "02_linear_activation", "linear_activation.ipynb"
FULL = 43.0                        # LeakyReLU's 25 points and the linear layer's and gradient check's 18
FORWARD, BACKWARD = "leaky_relu_answer", "leaky_relu_function_answer"

MODULE = '''

class LeakyReLU(nn.Module):
    def __init__(self, negative_slope=0.01, inplace=False):
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input):
        return leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}" + (", inplace=True" if self.inplace else "")
'''

MODULE_FORMATTED = '''

class LeakyReLU(nn.Module):
    def __init__(self, negative_slope=0.01, inplace=False):
        super().__init__()
        self.inplace, self.negative_slope = inplace, negative_slope

    def forward(self, x):
        return leaky_relu(x, negative_slope=self.negative_slope, inplace=self.inplace)

    def extra_repr(self):
        parts = ["negative_slope={}".format(self.negative_slope)]
        if self.inplace:
            parts.append("inplace=True")
        return ", ".join(parts)
'''


def forward(body: str, module: str = MODULE) -> str:
    return "def leaky_relu(input, negative_slope=0.01, inplace=False):\n" + body + module


def _in_place(result: str) -> str:
    return f"    result = {result}\n    if inplace:\n        return input.copy_(result)\n    return result\n"


# Honest forward answers (function and module), each in another form: full marks.
HONEST_FORWARD = {
    "clamp_sum": forward(_in_place("input.clamp(min=0) + negative_slope * input.clamp(max=0)")),
    "relu_difference": forward(_in_place("torch.relu(input) - negative_slope * torch.relu(-input)"), MODULE_FORMATTED),
    "where_ge": forward(_in_place("torch.where(input >= 0, input, input * negative_slope)")),
    "sign_based": forward(_in_place("torch.where(input.sign() > 0, input, input * negative_slope)")),
    "float_mask_multiply": forward(
        "    positive = (input > 0).to(input.dtype)\n" + _in_place("input * (positive + (1 - positive) * negative_slope)")),
    "slope_as_tensor": forward(
        "    slope = torch.tensor(negative_slope, dtype=input.dtype, device=input.device)   # rounds in float16\n"
        + _in_place("torch.where(input > 0, input, input * slope)")),
    "masked_fill_sum": forward(
        _in_place("input.masked_fill(~(input > 0), 0) + (input * negative_slope).masked_fill(input > 0, 0)"),
        MODULE_FORMATTED),
    "index_put": forward(
        "    negative = ~(input > 0)\n"
        "    out = input if inplace else input.clone()\n"
        "    out[negative] = input[negative] * negative_slope\n"
        "    return out\n"),
    "scatter": forward(
        "    flat = input.reshape(-1)\n"
        "    negative = (~(flat > 0)).nonzero().squeeze(1)\n"
        + _in_place("flat.scatter(0, negative, flat[negative] * negative_slope).reshape(input.shape)")),
    "maximum_or_minimum": forward(
        "    scaled = input * negative_slope\n"
        + _in_place("torch.maximum(input, scaled) if negative_slope <= 1 else torch.minimum(input, scaled)")),
    "factor_mul_in_place": forward(
        "    out = input if inplace else input.clone()\n"
        "    factor = torch.where(input > 0, 1.0, negative_slope).to(input.dtype)   # a float32 slope, cast\n"
        "    return out.mul_(factor)\n"),
}

_BACKWARD_LINE = "return torch.where(input > 0, grad_output, grad_output * ctx.negative_slope), None"


def backward(body: str) -> str:
    """The instructor's answer cell with another backward body (indented for the method)."""
    solution = instructor_solution(ASSIGNMENT, NOTEBOOK, BACKWARD)
    assert _BACKWARD_LINE in solution
    return solution.replace(_BACKWARD_LINE, body.strip().replace("\n", "\n        "))


# Honest backward answers: full marks.
HONEST_BACKWARD = {
    "mask_multiply": "positive = (input > 0).to(grad_output.dtype)\n"
                     "return grad_output * (positive + (1 - positive) * ctx.negative_slope), None",
    "masked_fill_factor": "factor = torch.ones_like(grad_output).masked_fill(~(input > 0), ctx.negative_slope)\n"
                          "return grad_output * factor, None",
    "index_put": "grad = grad_output.clone()\nnegative = ~(input > 0)\n"
                 "grad[negative] = grad_output[negative] * ctx.negative_slope\nreturn grad, None",
    "index_copy": "flat = grad_output.reshape(-1)\nnegative = (~(input.reshape(-1) > 0)).nonzero().squeeze(1)\n"
                  "grad = flat.clone().index_copy_(0, negative, flat[negative] * ctx.negative_slope)\n"
                  "return grad.reshape(input.shape), None",
    "masked_scatter": "scaled = grad_output * ctx.negative_slope\n"
                      "return scaled.masked_scatter(input > 0, grad_output[input > 0]), None",
    "sign_based": "return torch.where(input.sign() > 0, grad_output, grad_output * ctx.negative_slope), None",
    "clamp_sign": "step = input.clamp(min=0).sign()                 # 1 where x > 0, 0 elsewhere\n"
                  "return grad_output * (step + (1 - step) * ctx.negative_slope), None",
    "slope_as_tensor": "slope = torch.tensor(ctx.negative_slope, dtype=grad_output.dtype)\n"
                       "return torch.where(input > 0, grad_output, grad_output * slope), None",
    "gather": "both = torch.stack([grad_output * ctx.negative_slope, grad_output])\n"
              "return both.gather(0, (input > 0).long().unsqueeze(0)).squeeze(0), None",
    "mul_in_place": "grad = grad_output.clone()\n"
                    "return grad.mul_(torch.where(input > 0, 1.0, ctx.negative_slope).to(grad.dtype)), None",
}


def _rule(name):
    return {f"test_{name}_visible", f"test_{name}_hidden"}


# One answer per stated rule that breaks only that rule: it loses that rule's tests and no others.
DEVIATIONS = {
    "values": ({FORWARD: forward(_in_place("torch.where(input > 0, input, input * negative_slope)")).replace(
        "negative_slope=0.01, inplace=False):", "negative_slope=0.1, inplace=False):", 1)},
               {"test_leaky_relu_visible", "test_values_hidden"}),            # the default slope 0.1
    "gradient": ({FORWARD: forward(_in_place("torch.where(input > 0, input, input * negative_slope).detach()"))},
                 _rule("gradient")),
    "slopes": ({FORWARD: forward(_in_place("torch.maximum(input, input * negative_slope)"))}, _rule("slopes")),
    "dtypes_shapes": ({FORWARD: forward(
        "    x = input.float()\n" + _in_place("torch.where(x > 0, x, x * negative_slope)"))}, _rule("dtypes_shapes")),
    "inplace": ({FORWARD: forward("    return torch.where(input > 0, input, input * negative_slope)\n")}, _rule("inplace")),
    "module": ({FORWARD: forward(_in_place("torch.where(input > 0, input, input * negative_slope)"),
                                 MODULE.replace('(", inplace=True" if self.inplace else "")', '", inplace=" + str(self.inplace)'))},
               _rule("module")),
    "backward": ({BACKWARD: backward(_BACKWARD_LINE.replace("input > 0", "input >= 0"))}, _rule("backward")),
    "challenge_edge_values": ({FORWARD: forward(_in_place(
        "input * (input > 0) + negative_slope * input * (input <= 0)"))},     # inf · 0 is NaN
        {"challenge_edge_values_visible", "challenge_edge_values_hidden"}),
}

SUBMISSIONS = {f"forward_{name}": {FORWARD: code} for name, code in HONEST_FORWARD.items()}
SUBMISSIONS |= {f"backward_{name}": {BACKWARD: backward(code)} for name, code in HONEST_BACKWARD.items()}
SUBMISSIONS |= {f"breaks_{rule}": answers for rule, (answers, _) in DEVIATIONS.items()}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    start = time.perf_counter()
    notebooks = {}
    for name, answers in SUBMISSIONS.items():
        cells = {gid: instructor_solution(ASSIGNMENT, NOTEBOOK, gid) for gid in answer_cells(ASSIGNMENT, NOTEBOOK)}
        notebooks[name] = student_notebook(ASSIGNMENT, NOTEBOOK, cells | answers)
    results = grade_all(tmp_path_factory.mktemp("fairness"), ASSIGNMENT, NOTEBOOK, notebooks)
    print(f"graded {len(notebooks)} submissions in {time.perf_counter() - start:.0f} s")
    return results


def test_at_least_eight_honest_forms_per_exercise():
    assert len(HONEST_FORWARD) >= 8 and len(HONEST_BACKWARD) >= 8


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(n for n in SUBMISSIONS if not n.startswith("breaks_")))
def test_an_honest_form_gets_full_marks(graded, name):
    assert failed_cells(graded[name]) == set() and total(graded[name]) == FULL, sorted(failed_cells(graded[name]))


@pytest.mark.slow
@pytest.mark.parametrize("rule", sorted(DEVIATIONS))
def test_breaking_one_rule_costs_that_rules_points_only(graded, rule):
    cells = graded[f"breaks_{rule}"]
    lost = DEVIATIONS[rule][1]
    assert failed_cells(cells) == lost
    assert total(cells) == FULL - sum(maximum for gid, (_, maximum) in cells.items() if gid in lost)
    assert all(score == 0 for gid, (score, _) in cells.items() if gid in lost)


def test_every_rule_has_a_deviation():
    # (the linear layer's and the gradient check's deviations are fixtures of test_linear_activation_grading)
    from test_linear_activation_grading import LEAKY_RELU_CELLS as EVERY_CELL
    covered = set().union(*(lost for _, lost in DEVIATIONS.values()))
    assert covered == EVERY_CELL
