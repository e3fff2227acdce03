"""A grading worker that dies (the kernel's OOM killer, any SIGKILL) never hangs the run: that
submission is reported "not graded: the grading process died (likely out of memory)" and every
other one is graded (issue 14, §5). Fast: the workers' grading is replaced by a stand-in."""

import os
import signal
import time

import pytest

from autograder import grade
from autograder.grade import WORKER_DIED, record_result, run_jobs


def _fake_grading(job):
    if job["student"].startswith("killed"):
        os.kill(os.getpid(), signal.SIGKILL)          # what the OOM killer does to a worker
    time.sleep(0.1)
    return {"student": job["student"], "assignment": job["assignment"], "pid": os.getpid()}


def test_a_dead_worker_fails_its_submission_only(monkeypatch):
    monkeypatch.setattr(grade, "grade_submission", _fake_grading)
    students = ["ada", "killed-1", "grace", "alan", "killed-2", "barbara", "edsger"]
    start = time.monotonic()
    results = {r["student"]: r for r in run_jobs([{"student": s, "assignment": "a"} for s in students], workers=2)}
    assert time.monotonic() - start < 60
    assert set(results) == set(students)
    for student, result in results.items():
        if student.startswith("killed"):
            assert result["error"] == WORKER_DIED
        else:
            assert "error" not in result and result["pid"] != os.getpid()
    summary = {"graded": [], "failed": {}, "seconds": {}, "warnings": {}}
    record_result(None, results["killed-1"], [], summary)
    assert summary["failed"] == {"killed-1": f"not graded: {WORKER_DIED}"}
