"""The LeNet-5 assembly exercise graded through nbgrader (training shortened with COURSE_EPOCHS=1)."""

from grading import grading_tests

ASSIGNMENT, NOTEBOOK = "03_lenet", "lenet.ipynb"
MAX_SCORE = 9.0
# The four rules the exercise text states (section 10), each a visible and a hidden test cell.
LAYERS = {"test_lenet5_for_structure_visible", "test_lenet5_for_structure_hidden"}              # 2 points
ARGUMENTS = {"test_lenet5_for_arguments_visible", "test_lenet5_for_arguments_hidden"}           # 2 points
FLATTENED_SIZE = {"test_lenet5_for_flatten_visible", "test_lenet5_for_flatten_hidden"}          # 3 points
TOO_SMALL = {"test_lenet5_for_too_small_visible", "test_lenet5_for_too_small_hidden"}           # 2 points
EVERY_CELL = LAYERS | ARGUMENTS | FLATTENED_SIZE | TOO_SMALL
VISIBLE = {g for g in EVERY_CELL if g.endswith("_visible")}
HIDDEN = EVERY_CELL - VISIBLE

EXPECTED = {
    "solution": (9.0, set()),
    "unanswered": (0.0, EVERY_CELL),
    # breaks the layers rule (padding 0); the size check follows its own padding, so 12×12 is
    # refused too: the too-small rule's stated boundary (12×12) moves with the padding.
    "no_padding": (5.0, LAYERS | TOO_SMALL),
    # breaks the flattened-size rule only: the first linear layer always takes 400 values.
    "fixed_flatten_size": (6.0, FLATTENED_SIZE),
    # breaks the flattened-size rule only: the size worked out as if pooling rounded up (odd sides).
    "pooling_rounds_up": (6.0, FLATTENED_SIZE),
    # breaks the layers rule only: ReLU in place of one Sigmoid.
    "relu_not_sigmoid": (7.0, LAYERS),
    # breaks the arguments rule only: always 10 outputs.
    "ignores_num_classes": (7.0, ARGUMENTS),
    # break the too-small rule only: no ValueError at all; a message without the word "small".
    "no_size_check": (7.0, TOO_SMALL),
    "wrong_message": (7.0, TOO_SMALL),
}


# The lesson's training is not graded: COURSE_EPOCHS=1 keeps it short.
graded, test_score, test_hidden_tests_carry_most_points = grading_tests(
    ASSIGNMENT, NOTEBOOK, "lenet", EXPECTED, EVERY_CELL, MAX_SCORE, env={"COURSE_EPOCHS": "1"})


def test_every_hidden_rule_has_a_visible_test():
    assert {g.replace("_hidden", "_visible") for g in HIDDEN} <= VISIBLE
