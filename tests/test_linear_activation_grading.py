"""The LeakyReLU exercise graded through nbgrader: full marks for the solution, lost points for each
plausible wrong answer, nothing for calling or patching torch. Every score is asserted exactly."""

from grading import grading_tests

ASSIGNMENT, NOTEBOOK = "02_linear_activation", "linear_activation.ipynb"
MAX_SCORE = 16.0
EVERY_CELL = {"test_leaky_relu_visible", "test_module_visible", "test_values_hidden", "test_gradient_hidden",
              "test_dtypes_shapes_hidden", "test_inplace_hidden", "test_edge_values_hidden",
              "test_slopes_hidden", "test_module_hidden"}

# submission → (score, the test cells it must fail)
EXPECTED = {
    "solution": (16.0, set()),
    "unanswered": (0.0, EVERY_CELL),
    "ge_instead_of_gt": (12.0, {"test_gradient_hidden", "test_slopes_hidden"}),
    "slope_on_positives": (0.0, EVERY_CELL),
    "dtype_changed": (6.0, {"test_dtypes_shapes_hidden", "test_edge_values_hidden", "test_gradient_hidden",
                            "test_inplace_hidden", "test_slopes_hidden"}),
    "inplace_ignored": (12.0, {"test_inplace_hidden", "test_module_hidden"}),
    "loses_nan": (12.0, {"test_edge_values_hidden", "test_slopes_hidden"}),
    "maximum_of_both": (12.0, {"test_gradient_hidden", "test_slopes_hidden"}),
    "wrong_repr": (13.0, {"test_module_hidden", "test_module_visible"}),
    "calls_torch": (0.0, EVERY_CELL),
    "patches_torch": (0.0, EVERY_CELL),
}


graded, test_score, test_hidden_tests_carry_most_points = grading_tests(
    ASSIGNMENT, NOTEBOOK, "leaky_relu", EXPECTED, EVERY_CELL, MAX_SCORE)
