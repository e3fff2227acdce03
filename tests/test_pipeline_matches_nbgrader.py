"""The sandboxed pipeline gives every fixture of the pooling and LeNet exercises exactly the score
that plain nbgrader gives it (asserted in test_pooling_grading.py and test_lenet_grading.py)."""

import json

import nbformat
import pytest

import test_lenet_grading
import test_pooling_grading
from autograder.grading.grade import Limits, grade_all, results_path
from grading import SUBMISSIONS, build_submission
from autograder.coursedir.layout import layout
from scratch import scratch_class, submit

CASES = {
    "01_pooling": ("pooling.ipynb", "pooling", test_pooling_grading.EXPECTED),
    "03_lenet": ("lenet.ipynb", "lenet", test_lenet_grading.EXPECTED),
}


@pytest.mark.slow
@pytest.mark.parametrize("assignment", sorted(CASES))
def test_same_scores_as_nbgrader(assignment, tmp_path):
    notebook, fixture_dir, expected = CASES[assignment]
    root = scratch_class(tmp_path / "course", [assignment], roster=list(expected))
    for name in expected:
        fixture = None if name == "solution" else SUBMISSIONS / fixture_dir / f"{name}.py"
        nb = build_submission(assignment, notebook, fixture) if name != "unanswered" else \
            nbformat.read(layout(root).release(assignment) / notebook, as_version=4)
        submit(root, name, assignment, nb)
    summary = grade_all(assignment, root, workers=2, limits=Limits(cell_seconds=60), progress=False)
    assert summary.failed == {}
    for name, (score, failures) in expected.items():
        tests = json.loads(results_path(root, name, assignment).read_text())["notebooks"][0]["tests"]
        assert sum(t["score"] for t in tests) == score, name
        assert {t["grade_id"] for t in tests if t["score"] < t["max_score"]} == failures, name
