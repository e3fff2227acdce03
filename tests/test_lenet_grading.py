"""The LeNet-5 assembly exercise graded through nbgrader (training shortened with COURSE_EPOCHS=1)."""

import pytest

from grading import assert_graded, grade_fixture_set, hidden_share

ASSIGNMENT, NOTEBOOK = "03_lenet", "lenet.ipynb"
MAX_SCORE = 7.0
EVERY_CELL = {"test_lenet5_for_visible", "test_lenet5_for_structure_hidden", "test_lenet5_for_shapes_hidden",
              "test_lenet5_for_parameters_hidden", "test_lenet5_for_too_small_hidden"}

EXPECTED = {
    "solution": (7.0, set()),
    "unanswered": (0.0, EVERY_CELL),
    # padding=0 fails the structure check and every shape and parameter count from the first layer on;
    # it still rejects inputs that are too small.
    "no_padding": (1.0, EVERY_CELL - {"test_lenet5_for_too_small_hidden"}),
    "fixed_flatten_size": (4.0, {"test_lenet5_for_shapes_hidden", "test_lenet5_for_parameters_hidden"}),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COURSE_EPOCHS", "1")          # the lesson's training is not graded: keep it short
        return grade_fixture_set(tmp_path_factory.mktemp("course"), ASSIGNMENT, NOTEBOOK, "lenet", EXPECTED)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_score(graded, name):
    assert_graded(graded[name], EVERY_CELL, MAX_SCORE, *EXPECTED[name])


@pytest.mark.slow
def test_hidden_tests_carry_most_points(graded):
    assert hidden_share(graded["solution"]) > 0.8
