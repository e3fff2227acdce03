"""The LeakyReLU exercise graded through nbgrader: full marks for the solution, lost points for each
plausible wrong answer, nothing for calling or patching torch. Every score is asserted exactly."""

from grading import grading_tests

ASSIGNMENT, NOTEBOOK = "02_linear_activation", "linear_activation.ipynb"
MAX_SCORE = 25.0
# Every rule has a visible test (1 point) and a hidden one (2 points; the backward pass by hand 3).
# torch's edge values (NaN, ±inf) are the challenge (grade_ids challenge_..., 3 of the notebook's 33 points).
RULES = ("gradient", "dtypes_shapes", "inplace", "slopes", "module", "backward")
VISIBLE = {"test_leaky_relu_visible", "challenge_edge_values_visible"} | {f"test_{rule}_visible" for rule in RULES}
HIDDEN = {"test_values_hidden", "challenge_edge_values_hidden"} | {f"test_{rule}_hidden" for rule in RULES}
EVERY_CELL = VISIBLE | HIDDEN
BACKWARD = {"test_backward_visible", "test_backward_hidden"}

# submission → (score, the test cells it must fail). One mistake costs the points of its rule only:
# every test compares the way the exercise text states (torch.testing.assert_close's tolerances, -0.0
# equal to +0.0) and checks nothing but its own rule.
EXPECTED = {
    "solution": (25.0, set()),
    "unanswered": (0.0, EVERY_CELL),
    # `>=` differs from torch only in the sign of a zero and in autograd's choice at the kink (the
    # gradient through the forward is graded away from 0): no stated rule broken.
    "ge_instead_of_gt": (25.0, set()),
    # Breaks the first rule, the values, everywhere: every test that compares values fails; the
    # in-place and module tests compare with the answer's own function and the backward by hand is
    # the instructor's, so those rules keep their points.
    "slope_on_positives": (10.0, EVERY_CELL - {"test_inplace_visible", "test_inplace_hidden", "test_module_visible",
                                             "test_module_hidden"} - BACKWARD),
    # The dtype rule: float32 out of every input (only step 4 tests other dtypes).
    "dtype_changed": (22.0, {"test_dtypes_shapes_visible", "test_dtypes_shapes_hidden"}),
    # The in-place rule: inplace=True returns a new tensor (the module passes the flag on: not its fault).
    "inplace_ignored": (22.0, {"test_inplace_visible", "test_inplace_hidden"}),
    # The challenge: nan_to_num turns NaN into 0 and ±inf into finite values.
    "loses_nan": (22.0, {"challenge_edge_values_visible", "challenge_edge_values_hidden"}),
    # The slopes rule: max(x, slope·x) is LeakyReLU only for slopes between 0 and 1.
    "maximum_of_both": (22.0, {"test_slopes_visible", "test_slopes_hidden"}),
    # The module rule: extra_repr prints inplace always, forward drops the module's inplace flag.
    "wrong_repr": (22.0, {"test_module_hidden", "test_module_visible"}),
    "calls_torch": (0.0, EVERY_CELL),
    # Returns the input unchanged (and patches torch, which changes nothing in the tests' comparisons):
    # wrong values, but in-place and module wiring right and the backward the instructor's.
    "patches_torch": (10.0, EVERY_CELL - {"test_inplace_visible", "test_inplace_hidden", "test_module_visible",
                                        "test_module_hidden"} - BACKWARD),
    # The backward pass by hand, wrong: 1 instead of the slope at 0.
    "backward_ge_at_zero": (21.0, BACKWARD),
    # ... or torch's own gradient, through autograd: forbidden.
    "backward_calls_torch": (21.0, BACKWARD),
    # Honest answers built otherwise than the solution, from the operations the exercise allows: full marks.
    "honest_index_put": (25.0, set()),
    "honest_mask_multiply": (25.0, set()),
    "honest_masked_scatter": (25.0, set()),
    "honest_scatter": (25.0, set()),
    # Kernels outside the allowed operations: PReLU's backward kernel for the backward by hand (full
    # marks under the deny-list) costs the backward exercise; PReLU's kernel for the forward costs all
    # (the backward's given forward calls it).
    "backward_prelu_kernel": (21.0, BACKWARD),
    "prelu_kernel": (0.0, EVERY_CELL),
}
NEW_FIXTURES = ("honest_index_put", "honest_mask_multiply", "honest_masked_scatter", "honest_scatter",
                "backward_prelu_kernel", "prelu_kernel")                   # graded in the sandbox too


graded, test_score, test_hidden_tests_carry_most_points = grading_tests(
    ASSIGNMENT, NOTEBOOK, "leaky_relu", EXPECTED, EVERY_CELL, MAX_SCORE)


def test_every_hidden_rule_has_a_visible_test():
    assert {g.replace("_hidden", "_visible") for g in HIDDEN - {"test_values_hidden"}} <= VISIBLE
