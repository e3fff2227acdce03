"""The pooling exercise graded through nbgrader: full marks for the solution, lost points for each
plausible wrong answer, nothing for calling or patching torch. Every score is asserted exactly.

The notebook's steps, easy to hard: ``max_pool2d_simple`` (one channel, a loop), ``pool_windows``,
``max_pool2d`` and ``avg_pool2d`` one rule at a time, max pooling's backward by hand (graded on its
own: its tests hand it the indices of a correct forward pass), then torch's edge cases as a
challenge. Each test checks its own rule, so a wrong answer loses that rule's points only."""

from grading import grading_tests

ASSIGNMENT, NOTEBOOK = "01_pooling", "pooling.ipynb"
MAX_SCORE = 55.0                     # autograded; the four written answers (8 points) are graded by people

SIMPLE = {"test_simple_visible", "test_simple_hidden"}
WINDOWS = {"test_pool_windows_visible"}
MAX_RULES = ("kernel_stride", "padding", "indices", "gradient", "dilation", "ceil_mode", "nan")
AVG_RULES = ("count_include_pad", "ceil_mode", "divisor_override", "gradient")
MAX_VISIBLE = {f"test_max_{rule}_visible" for rule in MAX_RULES}
MAX_HIDDEN = {f"test_max_{rule}_hidden" for rule in MAX_RULES}
AVG_VISIBLE = {"test_avg_pool2d_visible"} | {f"test_avg_{rule}_visible" for rule in AVG_RULES}
AVG_HIDDEN = {"test_avg_basic_hidden"} | {f"test_avg_{rule}_hidden" for rule in AVG_RULES}
BOTH_POOLS = {"test_input_forms_visible", "test_input_forms_hidden", "test_invalid_arguments_visible",
              "test_invalid_arguments_hidden"}                              # call max_pool2d and avg_pool2d
BACKWARD = {"test_max_backward_visible", "test_max_backward_hidden"}      # max pooling's backward by hand
CHALLENGE = {f"challenge_{rule}_{kind}" for rule in ("ceil_padding", "nan_index", "empty_window")
             for kind in ("visible", "hidden")}
VISIBLE = {g for g in SIMPLE | WINDOWS | MAX_VISIBLE | AVG_VISIBLE | BOTH_POOLS | BACKWARD | CHALLENGE
           if g.endswith("_visible")}
EVERY_CELL = SIMPLE | WINDOWS | MAX_VISIBLE | MAX_HIDDEN | AVG_VISIBLE | AVG_HIDDEN | BOTH_POOLS | BACKWARD | CHALLENGE


def rule(name: str) -> set[str]:
    """The visible and hidden test of one rule."""
    return {g for g in EVERY_CELL if g.removesuffix("_visible").removesuffix("_hidden") == name}


# Every call of max_pool2d (or avg_pool2d) fails: what calls them fails, nothing else.
NO_MAX = MAX_VISIBLE | MAX_HIDDEN | BOTH_POOLS | rule("challenge_ceil_padding") | rule("challenge_nan_index")
NO_AVG = AVG_VISIBLE | AVG_HIDDEN | BOTH_POOLS | rule("challenge_ceil_padding")
# Kept by an answer whose max_pool2d and avg_pool2d earn nothing: the first step, pool_windows, the
# backward by hand (graded on its own) and the challenge's empty-window tests (they call pool_windows).
KEPT_WITHOUT_POOLS = 3 + 1 + 4 + 2

# submission → (score, the test cells it must fail)
EXPECTED = {
    "solution": (MAX_SCORE, set()),
    "unanswered": (0.0, EVERY_CELL),
    # One mistake, one rule: each loses that rule's points and nothing else.
    "ceil_mode_off_by_one": (MAX_SCORE - 2, rule("challenge_ceil_padding")),
    "max_pads_with_zeros": (MAX_SCORE - 3, rule("test_max_padding")),
    "count_include_pad_ignored": (MAX_SCORE - 3, rule("test_avg_count_include_pad")),
    "divisor_override_ignored": (MAX_SCORE - 3, rule("test_avg_divisor_override")),
    "dilation_ignored": (MAX_SCORE - 3, rule("test_max_dilation")),
    "indices_relative_to_window": (MAX_SCORE - 3, rule("test_max_indices")),
    "gradient_to_every_tie": (MAX_SCORE - 3, rule("test_max_gradient")),
    # An answer that drops NaNs points at no NaN at all, so the challenge's "which NaN" fails with it:
    # the one rule that presupposes another (stated in the challenge's text).
    "nan_dropped": (MAX_SCORE - 2 - 2, rule("test_max_nan") | rule("challenge_nan_index")),
    # Max pooling's backward by hand, wrong: overlapping windows' gradients overwritten instead of summed,
    "backward_overwrites": (MAX_SCORE - 4, BACKWARD),
    # ... or the indices read as flat into the whole tensor rather than into each plane.
    "backward_indices_not_per_plane": (MAX_SCORE - 4, BACKWARD),
    # Calling or patching torch earns nothing for the functions that do it.
    "calls_torch": (KEPT_WITHOUT_POOLS, NO_MAX | NO_AVG),
    "patches_torch": (KEPT_WITHOUT_POOLS, NO_MAX | NO_AVG),
    # Honest answers built otherwise than the solution, from the operations the exercise allows: full marks
    # (tests/test_fairness_pooling.py grades eight more per exercise).
    "honest_cat_as_strided": (MAX_SCORE, set()),
    "honest_loops": (MAX_SCORE, set()),
    "honest_im2col": (MAX_SCORE, set()),
    # Kernels outside the allowed operations cost that exercise (and the tests that call it), no other:
    # 3-D pooling on a depth-1 volume,
    "max_pool3d": (MAX_SCORE - 30, NO_MAX),
    "avg_pool3d": (MAX_SCORE - 23, NO_AVG),
    # ... a convolution with a kernel of ones for the windows' sums (no pooling function at all),
    "avg_by_convolution": (MAX_SCORE - 23, NO_AVG),
    # ... torch.bincount for the backward by hand (a right answer, outside the list).
    "backward_bincount": (MAX_SCORE - 4, BACKWARD),
}
NEW_FIXTURES = ("honest_cat_as_strided", "honest_loops", "honest_im2col", "max_pool3d", "avg_pool3d",
                "avg_by_convolution", "backward_bincount")                # graded in the sandbox too


graded, test_score, test_hidden_tests_carry_most_points = grading_tests(
    ASSIGNMENT, NOTEBOOK, "pooling", EXPECTED, EVERY_CELL, MAX_SCORE)


def test_every_hidden_rule_has_a_visible_test():
    every_hidden = {g for g in EVERY_CELL if g.endswith("_hidden")}
    shown_by = {"test_avg_basic_hidden": "test_avg_pool2d_visible"}
    assert {shown_by.get(g, g.removesuffix("_hidden") + "_visible") for g in every_hidden} <= VISIBLE


def test_the_sets_match_the_notebook():
    import nbformat

    from autograder import COURSE_ROOT

    cells = nbformat.read(COURSE_ROOT / "source" / ASSIGNMENT / NOTEBOOK, as_version=4).cells
    tests = {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"] for c in cells
             if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")}
    assert set(tests) == EVERY_CELL and sum(tests.values()) == MAX_SCORE
    assert sum(tests[g] for g in NO_MAX) == 30 and sum(tests[g] for g in NO_AVG) == 23
    assert MAX_SCORE - sum(tests[g] for g in NO_MAX | NO_AVG) == KEPT_WITHOUT_POOLS
