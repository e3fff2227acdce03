"""The LeakyReLU exercise graded through nbgrader: full marks for the solution, lost points for each
plausible wrong answer, nothing for calling or patching torch. Every score is asserted exactly."""

from grading import grading_tests

ASSIGNMENT, NOTEBOOK = "02_linear_activation", "linear_activation.ipynb"
MAX_SCORE = 25.0
# Every rule has a visible test (1 point) and a hidden one (2 points; the backward pass by hand 3).
RULES = ("gradient", "dtypes_shapes", "inplace", "edge_values", "slopes", "module", "backward")
VISIBLE = {"test_leaky_relu_visible"} | {f"test_{rule}_visible" for rule in RULES}
HIDDEN = {"test_values_hidden"} | {f"test_{rule}_hidden" for rule in RULES}
EVERY_CELL = VISIBLE | HIDDEN
BACKWARD = {"test_backward_visible", "test_backward_hidden"}

# submission → (score, the test cells it must fail)
EXPECTED = {
    "solution": (25.0, set()),
    "unanswered": (0.0, EVERY_CELL),
    # `>=` for `>` differs from torch only in the sign of a zero (not graded) and in the gradient at 0.
    "ge_instead_of_gt": (22.0, {"test_gradient_visible", "test_gradient_hidden"}),
    "slope_on_positives": (0.0, EVERY_CELL),
    "dtype_changed": (9.0, {"test_dtypes_shapes_visible", "test_dtypes_shapes_hidden", "test_edge_values_hidden",
                            "test_gradient_visible", "test_gradient_hidden", "test_inplace_hidden",
                            "test_slopes_hidden"} | BACKWARD),
    "inplace_ignored": (20.0, {"test_inplace_visible", "test_inplace_hidden", "test_module_hidden"}),
    "loses_nan": (20.0, {"test_edge_values_visible", "test_edge_values_hidden", "test_slopes_hidden"}),
    "maximum_of_both": (16.0, {"test_gradient_visible", "test_gradient_hidden", "test_slopes_visible",
                               "test_slopes_hidden", "test_backward_hidden"}),
    "wrong_repr": (22.0, {"test_module_hidden", "test_module_visible"}),
    "calls_torch": (0.0, EVERY_CELL),
    "patches_torch": (0.0, EVERY_CELL),
    # The backward pass by hand, wrong: 1 instead of the slope at 0 (gradcheck, away from 0, cannot see it).
    "backward_ge_at_zero": (21.0, BACKWARD),
    # ... or torch's own gradient, through autograd: forbidden.
    "backward_calls_torch": (21.0, BACKWARD),
    # Honest answers built otherwise than the solution, from the operations the exercise allows: full marks.
    "honest_index_put": (25.0, set()),
    "honest_mask_multiply": (25.0, set()),
    "honest_masked_scatter": (25.0, set()),
    "honest_scatter": (25.0, set()),
    # Kernels outside the allowed operations: PReLU's backward kernel for the backward by hand (full
    # marks under the deny-list) costs the backward exercise; PReLU's kernel for the forward costs all.
    "backward_prelu_kernel": (21.0, BACKWARD),
    "prelu_kernel": (0.0, EVERY_CELL),
}
NEW_FIXTURES = ("honest_index_put", "honest_mask_multiply", "honest_masked_scatter", "honest_scatter",
                "backward_prelu_kernel", "prelu_kernel")                   # graded in the sandbox too


graded, test_score, test_hidden_tests_carry_most_points = grading_tests(
    ASSIGNMENT, NOTEBOOK, "leaky_relu", EXPECTED, EVERY_CELL, MAX_SCORE)


def test_every_hidden_rule_has_a_visible_test():
    assert {g.replace("_hidden", "_visible") for g in HIDDEN - {"test_values_hidden"}} <= VISIBLE
