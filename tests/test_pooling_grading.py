"""The pooling exercise graded through nbgrader: full marks for the solution, lost points for each
plausible wrong answer, nothing for calling or patching torch. Every score is asserted exactly."""

from grading import grading_tests

ASSIGNMENT, NOTEBOOK = "01_pooling", "pooling.ipynb"
MAX_SCORE = 45.0
VISIBLE = {"test_pool_windows_visible", "test_max_pool2d_visible", "test_avg_pool2d_visible",
           # a visible test for every hidden rule (1 point each)
           "test_max_kernel_stride_visible", "test_max_padding_visible", "test_max_dilation_visible",
           "test_max_ceil_mode_visible", "test_max_gradient_visible", "test_max_nan_visible",
           "test_avg_ceil_mode_visible", "test_avg_divisor_override_visible", "test_avg_gradient_visible",
           "test_input_forms_visible", "test_invalid_arguments_visible"}
MAX_HIDDEN = {"test_max_kernel_stride_hidden", "test_max_padding_hidden", "test_max_dilation_hidden",
              "test_max_ceil_mode_hidden", "test_max_indices_hidden", "test_max_gradient_hidden", "test_max_nan_hidden"}
AVG_HIDDEN = {"test_avg_basic_hidden", "test_avg_count_include_pad_hidden", "test_avg_ceil_mode_hidden",
              "test_avg_divisor_override_hidden", "test_avg_gradient_hidden"}
BACKWARD = {"test_max_backward_visible", "test_max_backward_hidden"}      # max pooling's backward by hand
EVERY_CELL = VISIBLE | MAX_HIDDEN | AVG_HIDDEN | BACKWARD | {"test_input_forms_hidden", "test_invalid_arguments_hidden"}
ALL_BUT_WINDOWS = EVERY_CELL - {"test_pool_windows_visible"}
MAX_VISIBLE = {"test_max_pool2d_visible", "test_max_kernel_stride_visible", "test_max_padding_visible",
               "test_max_dilation_visible", "test_max_ceil_mode_visible", "test_max_gradient_visible", "test_max_nan_visible"}
AVG_VISIBLE = {"test_avg_pool2d_visible", "test_avg_ceil_mode_visible", "test_avg_divisor_override_visible",
               "test_avg_gradient_visible"}
BOTH_POOLS = {"test_input_forms_visible", "test_input_forms_hidden", "test_invalid_arguments_visible",
              "test_invalid_arguments_hidden"}                              # call max_pool2d and avg_pool2d

# submission → (score, the test cells it must fail)
EXPECTED = {
    "solution": (45.0, set()),
    "unanswered": (0.0, EVERY_CELL),
    # (its backward by hand is right, but the forward's windows it relies on are not)
    "ceil_mode_off_by_one": (29.0, {"test_max_ceil_mode_visible", "test_avg_ceil_mode_hidden", "test_avg_divisor_override_hidden",
                                    "test_avg_gradient_hidden", "test_max_ceil_mode_hidden",
                                    "test_max_gradient_hidden", "test_max_indices_hidden", "test_max_backward_hidden"}),
    "max_pads_with_zeros": (28.0, {"test_max_padding_visible", "test_input_forms_hidden", "test_max_ceil_mode_hidden", "test_max_dilation_hidden",
                                   "test_max_gradient_hidden", "test_max_indices_hidden", "test_max_nan_hidden",
                                   "test_max_padding_hidden", "test_max_backward_hidden"}),
    "count_include_pad_ignored": (38.0, {"test_avg_ceil_mode_hidden", "test_avg_count_include_pad_hidden",
                                         "test_avg_gradient_hidden", "test_avg_pool2d_visible"}),
    "divisor_override_ignored": (40.0, {"test_avg_divisor_override_visible", "test_avg_divisor_override_hidden", "test_avg_gradient_hidden"}),
    "dilation_ignored": (30.0, {"test_max_dilation_visible", "test_input_forms_hidden", "test_max_ceil_mode_hidden", "test_max_dilation_hidden",
                                "test_max_gradient_hidden", "test_max_indices_hidden", "test_max_nan_hidden",
                                "test_max_backward_hidden"}),
    "indices_relative_to_window": (35.0, {"test_input_forms_hidden", "test_max_indices_hidden",
                                          "test_max_nan_hidden", "test_max_pool2d_visible"} | BACKWARD),
    "gradient_to_every_tie": (42.0, {"test_max_gradient_visible", "test_max_gradient_hidden"}),
    "nan_dropped": (41.0, {"test_max_nan_visible", "test_max_indices_hidden", "test_max_nan_hidden"}),
    # Only the untouched, legitimate pool_windows keeps its point.
    "calls_torch": (1.0, ALL_BUT_WINDOWS),
    "patches_torch": (1.0, ALL_BUT_WINDOWS),
    # Max pooling's backward by hand, wrong: overlapping windows' gradients overwritten instead of summed,
    "backward_overwrites": (41.0, BACKWARD),
    # ... or the gradient of tied maxima sent to the last one (torch: the first, where the forward took it).
    "backward_last_tie": (41.0, BACKWARD),
    # Honest answers built otherwise than the solution, from the operations the exercise allows: full marks.
    "honest_cat_as_strided": (45.0, set()),
    "honest_loops": (45.0, set()),
    "honest_im2col": (45.0, set()),
    # Kernels outside the allowed operations cost that exercise (and those built on it), no other:
    # 3-D pooling on a depth-1 volume (max pooling's backward exercise calls this max_pool2d too),
    "max_pool3d": (15.0, MAX_VISIBLE | MAX_HIDDEN | BOTH_POOLS | BACKWARD),
    "avg_pool3d": (25.0, AVG_VISIBLE | AVG_HIDDEN | BOTH_POOLS),
    # ... a convolution with a kernel of ones for the windows' sums (no pooling function at all),
    "avg_by_convolution": (25.0, AVG_VISIBLE | AVG_HIDDEN | BOTH_POOLS),
    # ... the backward kernel of 3-D max pooling for the backward by hand (full marks under the deny-list).
    "backward_max_pool3d_kernel": (41.0, BACKWARD),
}
NEW_FIXTURES = ("honest_cat_as_strided", "honest_loops", "honest_im2col", "max_pool3d", "avg_pool3d",
                "avg_by_convolution", "backward_max_pool3d_kernel")       # graded in the sandbox too


graded, test_score, test_hidden_tests_carry_most_points = grading_tests(
    ASSIGNMENT, NOTEBOOK, "pooling", EXPECTED, EVERY_CELL, MAX_SCORE)


def test_every_hidden_rule_has_a_visible_test():
    every_hidden = {g for g in EVERY_CELL if g.endswith("_hidden")}
    shown_by = {"test_max_indices_hidden": "test_max_pool2d_visible", "test_avg_basic_hidden": "test_avg_pool2d_visible",
                "test_avg_count_include_pad_hidden": "test_avg_pool2d_visible"}
    assert {shown_by.get(g, g.replace("_hidden", "_visible")) for g in every_hidden} <= VISIBLE | BACKWARD
