"""The LeNet-5 assembly exercise and the loss by hand, graded through nbgrader (training shortened
with COURSE_EPOCHS=1)."""

from grading import grading_tests

ASSIGNMENT, NOTEBOOK = "03_lenet", "lenet.ipynb"
MAX_SCORE = 18.0
# The four rules each exercise text states (sections 11 and 12), each a visible and a hidden test cell.
LAYERS = {"test_lenet5_for_structure_visible", "test_lenet5_for_structure_hidden"}              # 2 points
ARGUMENTS = {"test_lenet5_for_arguments_visible", "test_lenet5_for_arguments_hidden"}           # 2 points
FLATTENED_SIZE = {"test_lenet5_for_flatten_visible", "test_lenet5_for_flatten_hidden"}          # 3 points
TOO_SMALL = {"test_lenet5_for_too_small_visible", "test_lenet5_for_too_small_hidden"}           # 2 points
LOG_PROBABILITIES = {"test_log_softmax_values_visible", "test_log_softmax_values_hidden"}         # 2 points
NO_OVERFLOW = {"test_log_softmax_stable_visible", "test_log_softmax_stable_hidden"}              # 2 points
LOSS = {"test_cross_entropy_visible", "test_cross_entropy_hidden"}                               # 2 points
GRADIENT = {"test_cross_entropy_backward_visible", "test_cross_entropy_backward_hidden"}         # 3 points
LENET = LAYERS | ARGUMENTS | FLATTENED_SIZE | TOO_SMALL
EVERY_CELL = LENET | LOG_PROBABILITIES | NO_OVERFLOW | LOSS | GRADIENT
VISIBLE = {g for g in EVERY_CELL if g.endswith("_visible")}
HIDDEN = EVERY_CELL - VISIBLE

EXPECTED = {
    "solution": (18.0, set()),
    "unanswered": (0.0, EVERY_CELL),
    # breaks the layers rule (padding 0); the size check follows its own padding, so 12×12 is
    # refused too: the too-small rule's stated boundary (12×12) moves with the padding.
    "no_padding": (14.0, LAYERS | TOO_SMALL),
    # breaks the flattened-size rule only: the first linear layer always takes 400 values.
    "fixed_flatten_size": (15.0, FLATTENED_SIZE),
    # breaks the flattened-size rule only: the size worked out as if pooling rounded up (odd sides).
    "pooling_rounds_up": (15.0, FLATTENED_SIZE),
    # breaks the layers rule only: ReLU in place of one Sigmoid.
    "relu_not_sigmoid": (16.0, LAYERS),
    # breaks the arguments rule only: always 10 outputs.
    "ignores_num_classes": (16.0, ARGUMENTS),
    # break the too-small rule only: no ValueError at all; a message without the word "small".
    "no_size_check": (16.0, TOO_SMALL),
    "wrong_message": (16.0, TOO_SMALL),
    # the loss by hand, one rule each: normalised over the batch (its loss and gradient follow it);
    # no shift by the largest logit (inf and NaN at ±1e4, which its loss and gradient follow);
    # the summed loss; torch's own F.cross_entropy; the gradient not divided by N; autograd.
    "log_softmax_over_batch": (16.0, LOG_PROBABILITIES),
    "log_softmax_no_max": (16.0, NO_OVERFLOW),
    "cross_entropy_sum": (16.0, LOSS),
    "cross_entropy_calls_torch": (16.0, LOSS),
    "backward_not_divided": (15.0, GRADIENT),
    "backward_by_autograd": (15.0, GRADIENT),
}


# The lesson's training is not graded: COURSE_EPOCHS=1 keeps it short.
graded, test_score, test_hidden_tests_carry_most_points = grading_tests(
    ASSIGNMENT, NOTEBOOK, "lenet", EXPECTED, EVERY_CELL, MAX_SCORE, env={"COURSE_EPOCHS": "1"})


def test_every_hidden_rule_has_a_visible_test():
    assert {g.replace("_hidden", "_visible") for g in HIDDEN} <= VISIBLE
