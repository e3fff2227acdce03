"""What comes from a submission is validated where it enters the grader (autograder/intake/submission.py),
and one submission's failure to be recorded never stops the run (fast tests, no sandbox)."""

import json
import os

import pytest

from autograder.grading.grade import record_result
from autograder.intake.submission import SubmissionRefused, clean_text, json_safe, read_notebook, read_timestamp


def test_text_is_valid_utf8():
    assert clean_text("a\udc80b\x00") == "a\ufffdb"
    assert clean_text(b"bytes") == "<bytes>"
    json.dumps(clean_text("\ud800"), ensure_ascii=False).encode("utf-8")


def test_only_json_values_are_kept():
    import torch

    value = {"t": torch.zeros(2), "f": float("nan"), 3: "\udc80", "deep": [[[[]]]], "ok": (1, 2.5, None, True)}
    safe = json_safe(value)
    assert safe == {"t": "<Tensor>", "f": "nan", "<int>": "\ufffd", "deep": [[[[]]]], "ok": [1, 2.5, None, True]}
    json.dumps(safe, allow_nan=False)
    nested = []
    for _ in range(100):
        nested = [nested]
    json.dumps(json_safe(nested))


def test_notebook_metadata_shapes_are_checked(tmp_path):
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps({"cells": [
        {"cell_type": "markdown", "metadata": {"nbgrader": None}, "source": "text"},
        {"cell_type": "code", "metadata": "a string", "source": ["x = ", "1"], "outputs": "junk"},
        {"cell_type": "code", "metadata": {"nbgrader": {"grade_id": ["a"], "solution": "yes", "points": 2}},
         "source": "y = '\\udc80'"},
        {"cell_type": "unknown"}, "not a cell"], "metadata": None, "nbformat": 4, "nbformat_minor": 5}))
    nb = read_notebook(path)
    assert [c.cell_type for c in nb.cells] == ["markdown", "code", "code"]
    assert "nbgrader" not in nb.cells[0].metadata and nb.cells[1].metadata == {}
    assert nb.cells[1].source == "x = 1" and nb.cells[1].outputs == []
    assert nb.cells[2].metadata["nbgrader"] == {"points": 2}


def test_symlinks_and_non_regular_files_are_refused(tmp_path):
    target = tmp_path / "secret.ipynb"
    target.write_text("{}")
    (tmp_path / "link.ipynb").symlink_to(target)
    with pytest.raises(SubmissionRefused, match="symbolic link"):
        read_notebook(tmp_path / "link.ipynb")
    os.mkfifo(tmp_path / "fifo.ipynb")
    with pytest.raises(SubmissionRefused, match="not a regular file"):
        read_notebook(tmp_path / "fifo.ipynb")


def test_a_timestamp_that_is_not_a_time_gives_the_file_time_and_a_warning(tmp_path):
    (tmp_path / "nb.ipynb").write_text("{}")
    (tmp_path / "timestamp.txt").write_text("the day after tomorrow")
    when, warning = read_timestamp(tmp_path, tmp_path / "nb.ipynb")
    assert when is not None and "not a valid time" in warning and "file time" in warning
    (tmp_path / "timestamp.txt").write_text("2026-11-30 10:00:00.000000 UTC")
    when, warning = read_timestamp(tmp_path, tmp_path / "nb.ipynb")
    assert warning == "" and when.hour == 10


def test_a_submission_that_cannot_be_recorded_is_not_graded_and_the_run_goes_on(tmp_path):
    from autograder.publish.results import RunSummary, SubmissionResult

    summary = RunSummary("a")
    record_result(tmp_path, SubmissionResult("broken\udc80", "a"), [], summary)
    record_result(tmp_path, SubmissionResult.failed("crashed", "a", "RuntimeError: boom"), [], summary)
    assert summary.failed["broken\ufffd"].startswith("not graded: recording the results failed")
    assert summary.failed["crashed"] == "not graded: RuntimeError: boom"
    assert summary.graded == []
