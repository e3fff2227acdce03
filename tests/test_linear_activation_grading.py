"""The LeakyReLU exercise graded through nbgrader: full marks for the solution, lost points for each
plausible wrong answer, nothing for calling or patching torch. Every score is asserted exactly."""

import pytest

from grading import SUBMISSIONS, failed_cells, grade_all, instructor_solution, student_notebook, total

ASSIGNMENT, NOTEBOOK, ANSWER = "02_linear_activation", "linear_activation.ipynb", "leaky_relu_answer"
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


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    solution = instructor_solution(ASSIGNMENT, NOTEBOOK, ANSWER)
    module_class = solution[solution.index("class LeakyReLU"):]
    submissions = {"solution": student_notebook(ASSIGNMENT, NOTEBOOK, {ANSWER: solution}),
                   "unanswered": student_notebook(ASSIGNMENT, NOTEBOOK, {})}
    for path in sorted((SUBMISSIONS / "leaky_relu").glob("*.py")):
        code = path.read_text()
        if "class LeakyReLU" not in code:              # a wrong function with the correct module
            code += "\n\n" + module_class
        submissions[path.stem] = student_notebook(ASSIGNMENT, NOTEBOOK, {ANSWER: code})
    assert set(submissions) == set(EXPECTED), "every fixture submission needs an expected score"
    return grade_all(tmp_path_factory.mktemp("course"), ASSIGNMENT, NOTEBOOK, submissions)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_score(graded, name):
    expected_score, expected_failures = EXPECTED[name]
    cell_scores = graded[name]
    assert set(cell_scores) == EVERY_CELL
    assert sum(maximum for _, maximum in cell_scores.values()) == MAX_SCORE
    assert failed_cells(cell_scores) == expected_failures
    assert total(cell_scores) == expected_score


@pytest.mark.slow
def test_hidden_tests_carry_most_points(graded):
    hidden = sum(maximum for grade_id, (_, maximum) in graded["solution"].items() if grade_id.endswith("_hidden"))
    assert hidden / MAX_SCORE > 0.8
