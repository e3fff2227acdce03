"""The LeNet-5 assembly exercise graded through nbgrader (training shortened with COURSE_EPOCHS=1)."""

from grading import grading_tests

ASSIGNMENT, NOTEBOOK = "03_lenet", "lenet.ipynb"
MAX_SCORE = 11.0
VISIBLE = {"test_lenet5_for_visible", "test_lenet5_for_structure_visible", "test_lenet5_for_shapes_visible",
           "test_lenet5_for_parameters_visible", "test_lenet5_for_too_small_visible"}
HIDDEN = {"test_lenet5_for_structure_hidden", "test_lenet5_for_shapes_hidden", "test_lenet5_for_parameters_hidden",
          "test_lenet5_for_too_small_hidden"}
EVERY_CELL = VISIBLE | HIDDEN

EXPECTED = {
    "solution": (11.0, set()),
    "unanswered": (0.0, EVERY_CELL),
    # padding=0 fails the structure check and every shape and parameter count from the first layer on,
    # and refuses 12×12; it still rejects inputs that are too small.
    "no_padding": (1.0, EVERY_CELL - {"test_lenet5_for_too_small_hidden"}),
    # Right layers and size checks, wrong flattened size for anything but 28×28.
    "fixed_flatten_size": (6.0, {"test_lenet5_for_shapes_hidden", "test_lenet5_for_parameters_hidden",
                                 "test_lenet5_for_shapes_visible", "test_lenet5_for_parameters_visible"}),
}


# The lesson's training is not graded: COURSE_EPOCHS=1 keeps it short.
graded, test_score, test_hidden_tests_carry_most_points = grading_tests(
    ASSIGNMENT, NOTEBOOK, "lenet", EXPECTED, EVERY_CELL, MAX_SCORE, env={"COURSE_EPOCHS": "1"})


def test_every_hidden_rule_has_a_visible_test():
    assert {g.replace("_hidden", "_visible") for g in HIDDEN} <= VISIBLE
