"""Notebook 02's exercises graded through nbgrader — LeakyReLU, the linear layer by hand and the
gradient check: full marks for the solution, lost points for each plausible wrong answer, nothing
for calling or patching torch. Every score is asserted exactly."""

from grading import grading_tests

ASSIGNMENT, NOTEBOOK = "02_linear_activation", "linear_activation.ipynb"
MAX_SCORE = 43.0
# Every rule has a visible test (1 point) and a hidden one (1 to 3 points). torch's edge values (NaN,
# ±inf) are the challenge (grade_ids challenge_..., 3 of the notebook's 53 points).
RULES = ("gradient", "dtypes_shapes", "inplace", "slopes", "module", "backward")
VISIBLE = {"test_leaky_relu_visible", "challenge_edge_values_visible"} | {f"test_{rule}_visible" for rule in RULES}
HIDDEN = {"test_values_hidden", "challenge_edge_values_hidden"} | {f"test_{rule}_hidden" for rule in RULES}
LEAKY_RELU_CELLS = VISIBLE | HIDDEN                                      # 25 points


def _rule(name: str) -> set[str]:
    return {f"test_{name}_visible", f"test_{name}_hidden"}


LINEAR_VALUES, LINEAR_SHAPES = _rule("linear_values"), _rule("linear_shapes")                  # steps 8, 9: 2 each
LINEAR_BACKWARD, BACKWARD_SHAPES = _rule("linear_backward"), _rule("linear_backward_shapes")   # steps 10 (3), 11 (2)
LINEAR_FUNCTION = _rule("linear_function")                                                     # step 12: 2
RELATIVE_ERROR, NUMERICAL, NUMERICAL_SHAPE = (_rule("relative_error"), _rule("numerical_gradient"),
                                              _rule("numerical_gradient_shape"))               # steps 13-15: 2, 3, 2
LINEAR_CELLS = LINEAR_VALUES | LINEAR_SHAPES | LINEAR_BACKWARD | BACKWARD_SHAPES | LINEAR_FUNCTION
GRADIENT_CHECK_CELLS = RELATIVE_ERROR | NUMERICAL | NUMERICAL_SHAPE
VISIBLE |= {g for g in LINEAR_CELLS | GRADIENT_CHECK_CELLS if g.endswith("_visible")}
HIDDEN |= {g for g in LINEAR_CELLS | GRADIENT_CHECK_CELLS if g.endswith("_hidden")}
EVERY_CELL = VISIBLE | HIDDEN
BACKWARD = {"test_backward_visible", "test_backward_hidden"}
NEW = 18.0                        # the points of steps 8 to 15, kept by a fixture that changes only LeakyReLU

# submission → (score, the test cells it must fail). One mistake costs the points of its rule only:
# every test compares the way the exercise text states (torch.testing.assert_close's tolerances, -0.0
# equal to +0.0) and checks nothing but its own rule.
EXPECTED = {
    "solution": (25.0 + NEW, set()),
    "unanswered": (0.0, EVERY_CELL),
    # `>=` differs from torch only in the sign of a zero and in autograd's choice at the kink (the
    # gradient through the forward is graded away from 0): no stated rule broken.
    "ge_instead_of_gt": (25.0 + NEW, set()),
    # Breaks the first rule, the values, everywhere: every test that compares values fails; the
    # in-place and module tests compare with the answer's own function and the backward by hand is
    # the instructor's, so those rules keep their points.
    "slope_on_positives": (10.0 + NEW, LEAKY_RELU_CELLS - {"test_inplace_visible", "test_inplace_hidden", "test_module_visible",
                                             "test_module_hidden"} - BACKWARD),
    # The dtype rule: float32 out of every input (only step 4 tests other dtypes).
    "dtype_changed": (22.0 + NEW, {"test_dtypes_shapes_visible", "test_dtypes_shapes_hidden"}),
    # The in-place rule: inplace=True returns a new tensor (the module passes the flag on: not its fault).
    "inplace_ignored": (22.0 + NEW, {"test_inplace_visible", "test_inplace_hidden"}),
    # The challenge: nan_to_num turns NaN into 0 and ±inf into finite values.
    "loses_nan": (22.0 + NEW, {"challenge_edge_values_visible", "challenge_edge_values_hidden"}),
    # The slopes rule: max(x, slope·x) is LeakyReLU only for slopes between 0 and 1.
    "maximum_of_both": (22.0 + NEW, {"test_slopes_visible", "test_slopes_hidden"}),
    # The module rule: extra_repr prints inplace always, forward drops the module's inplace flag.
    "wrong_repr": (22.0 + NEW, {"test_module_hidden", "test_module_visible"}),
    "calls_torch": (0.0 + NEW, LEAKY_RELU_CELLS),
    # Returns the input unchanged (and patches torch, which changes nothing in the tests' comparisons):
    # wrong values, but in-place and module wiring right and the backward the instructor's.
    "patches_torch": (10.0 + NEW, LEAKY_RELU_CELLS - {"test_inplace_visible", "test_inplace_hidden", "test_module_visible",
                                        "test_module_hidden"} - BACKWARD),
    # The backward pass by hand, wrong: 1 instead of the slope at 0.
    "backward_ge_at_zero": (21.0 + NEW, BACKWARD),
    # ... or torch's own gradient, through autograd: forbidden.
    "backward_calls_torch": (21.0 + NEW, BACKWARD),
    # Honest answers built otherwise than the solution, from the operations the exercise allows: full marks.
    "honest_index_put": (25.0 + NEW, set()),
    "honest_mask_multiply": (25.0 + NEW, set()),
    "honest_masked_scatter": (25.0 + NEW, set()),
    "honest_scatter": (25.0 + NEW, set()),
    # Kernels outside the allowed operations: PReLU's backward kernel for the backward by hand (full
    # marks under the deny-list) costs the backward exercise; PReLU's kernel for the forward costs all
    # (the backward's given forward calls it).
    "backward_prelu_kernel": (21.0 + NEW, BACKWARD),
    "prelu_kernel": (0.0 + NEW, LEAKY_RELU_CELLS),
    # The linear layer (section 9c): each mistake costs its own rule; steps 9, 11 and 12 compare with
    # the answer's own functions, so a wrong value costs the values' rule only.
    "linear_bias_forgotten": (41.0, LINEAR_VALUES),
    "linear_bias_gradient_mean": (40.0, LINEAR_BACKWARD),
    "linear_backward_rows_only": (41.0, BACKWARD_SHAPES),
    "function_bias_always": (41.0, LINEAR_FUNCTION),
    # torch's own F.linear (addmm): every rule that runs linear_forward, the Function's included.
    "linear_calls_torch": (37.0, LINEAR_VALUES | LINEAR_SHAPES | LINEAR_FUNCTION),
    # Autograd inside linear_backward: its two rules (the Function compares with the same function).
    "linear_backward_by_autograd": (38.0, LINEAR_BACKWARD | BACKWARD_SHAPES),
    # The gradient check (section 9d).
    "relative_error_nan_at_zeros": (41.0, RELATIVE_ERROR),
    "one_sided_differences": (40.0, NUMERICAL),
    "gradient_flattened": (41.0, NUMERICAL_SHAPE),
    "gradient_by_autograd": (38.0, NUMERICAL | NUMERICAL_SHAPE),
    # Honest forms: einsum, broadcast sums, tensordot, mm on rows; copies of x, one-hot steps.
    "honest_linear_einsum": (43.0, set()),
    "honest_linear_tensordot": (43.0, set()),
}
NEW_FIXTURES = ("honest_index_put", "honest_mask_multiply", "honest_masked_scatter", "honest_scatter",
                "backward_prelu_kernel", "prelu_kernel", "linear_calls_torch", "linear_backward_by_autograd",
                "gradient_by_autograd", "honest_linear_einsum", "honest_linear_tensordot",
                "linear_bias_gradient_mean")                                  # graded in the sandbox too


graded, test_score, test_hidden_tests_carry_most_points = grading_tests(
    ASSIGNMENT, NOTEBOOK, "leaky_relu", EXPECTED, EVERY_CELL, MAX_SCORE)


def test_every_rule_of_the_linear_layer_and_the_gradient_check_has_a_deviation():
    covered = set().union(*(lost for score, lost in EXPECTED.values() if score > 0)) - LEAKY_RELU_CELLS
    assert covered == LINEAR_CELLS | GRADIENT_CHECK_CELLS


def test_every_hidden_rule_has_a_visible_test():
    assert {g.replace("_hidden", "_visible") for g in HIDDEN - {"test_values_hidden"}} <= VISIBLE
    assert len(EVERY_CELL) == 32 and NEW == 18.0
