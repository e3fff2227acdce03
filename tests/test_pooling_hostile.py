"""The pooling examples of issue 14 (§7), graded by the sandboxed pipeline: tests that reward no
work do not any more, and a dilated window that covers no input pixel is an error (torch 2.14.1
answers it with an index outside the input, with or without ceil_mode, so no test compares against
torch there; it is a rule of the notebook's challenge)."""

import json

import pytest

from autograder.grading.grade import Limits, grade_all, results_path
from grading import SUBMISSIONS, build_submission
from scratch import scratch_class
from test_pooling_grading import KEPT_WITHOUT_POOLS, MAX_SCORE, NO_AVG, NO_MAX, rule

ASSIGNMENT, NOTEBOOK = "01_pooling", "pooling.ipynb"
# fixture → (score out of MAX_SCORE, the tests it fails). max_pool2d and avg_pool2d that earn nothing
# leave the points of the tests that do not call them: the first step, pool_windows, the backward by
# hand (graded on its own) and the challenge's empty-window tests (they call pool_windows).
EXPECTED = {
    "solution": (MAX_SCORE, set()),
    "zeroes_its_input": (KEPT_WITHOUT_POOLS, NO_MAX | NO_AVG),
    "raises_on_every_call": (KEPT_WITHOUT_POOLS, NO_MAX | NO_AVG),
    "empty_window_allowed": (MAX_SCORE - 2, rule("challenge_empty_window")),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("pooling-hostile") / "course"
    names = sorted(p.stem for p in (SUBMISSIONS / "hostile_pooling").glob("*.py")) + ["solution"]
    assert set(names) == set(EXPECTED), "every hostile pooling fixture needs an expected score"
    fixtures = {name: None if name == "solution" else SUBMISSIONS / "hostile_pooling" / f"{name}.py" for name in names}
    root = scratch_class(root, [ASSIGNMENT], roster=names, submissions={
        (name, ASSIGNMENT): build_submission(ASSIGNMENT, NOTEBOOK, fixture) for name, fixture in fixtures.items()})
    summary = grade_all(ASSIGNMENT, root, workers=2, limits=Limits(cell_seconds=60), progress=False)
    assert summary.failed == {}
    return {name: json.loads(results_path(root, name, ASSIGNMENT).read_text())["notebooks"][0]["tests"]
            for name in names}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_exact_score(graded, name):
    score, failures = EXPECTED[name]
    tests = graded[name]
    assert {t["grade_id"] for t in tests if t["score"] < t["max_score"]} == failures
    assert sum(t["score"] for t in tests) == score


@pytest.mark.slow
def test_the_reasons_name_the_rule(graded):
    reasons = {name: {t["grade_id"]: t["reason"] for t in tests} for name, tests in graded.items()}
    assert "must not change its input" in reasons["zeroes_its_input"]["test_input_forms_hidden"]
    assert "element 0 is" in reasons["raises_on_every_call"]["test_invalid_arguments_hidden"] or \
        "ValueError" in reasons["raises_on_every_call"]["test_invalid_arguments_hidden"]
    assert "window" in reasons["empty_window_allowed"]["challenge_empty_window_visible"]
