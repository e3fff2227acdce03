"""The typed results of grading and their one JSON form (autograder/publish/results.py)."""

import json

from autograder.publish.results import NotebookResult, RunSummary, SubmissionResult, TestResult


def _graded():
    return SubmissionResult("ada", "01_pooling", [
        NotebookResult("pooling.ipynb", [TestResult("a", 2.0, 2.0), TestResult("b", 0.0, 3.0, "expected (2, 3)")],
                       cell_errors=[{"cell": "c", "type": "ValueError", "message": "m"}], seconds=1.5,
                       flags=["edited test cell"], sandbox_peak_bytes=123)], seconds=2.0,
        grader_memory={"baseline_bytes": 1, "peak_bytes": 2}, warnings=["w"])


def test_a_result_survives_its_json_form_and_keeps_the_file_format():
    result = _graded()
    data = json.loads(json.dumps(result.to_json()))
    assert SubmissionResult.from_json(data) == result
    assert set(data) == {"student", "assignment", "notebooks", "seconds", "grader_memory", "warnings"}
    assert data["notebooks"][0]["tests"][1] == {"grade_id": "b", "score": 0.0, "max_score": 3.0, "reason": "expected (2, 3)"}
    assert (result.score, result.max_score, result.notebooks[0].score) == (2.0, 5.0, 2.0)


def test_a_failed_result_is_only_its_error_and_unknown_keys_are_ignored():
    failed = SubmissionResult.failed("bob", "01_pooling", "the grading process died")
    assert failed.to_json() == {"student": "bob", "assignment": "01_pooling", "error": "the grading process died"}
    assert SubmissionResult.from_json(failed.to_json()) == failed
    data = _graded().to_json() | {"from_a_later_version": 1}
    data["notebooks"][0]["tests"][0]["extra"] = "x"
    assert SubmissionResult.from_json(data) == _graded()


def test_a_run_summary_starts_empty_and_is_plain_json():
    summary = RunSummary("02_linear_activation", skipped=["ada"])
    assert summary.graded == [] and summary.failed == {} and summary.reruns == {}
    assert json.loads(json.dumps(summary.to_json()))["skipped"] == ["ada"]
