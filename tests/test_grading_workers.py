"""A grading worker that dies (the kernel's OOM killer, any SIGKILL) never hangs the run: that
submission is reported "not graded: the grading process died (likely out of memory)" and every
other one is graded (issue 14, §5). Fast: the workers' grading is replaced by a stand-in."""

import os
import signal
import time


from autograder.grading import worker
from autograder.grading.runners import WORKER_DIED, run_jobs
from autograder.grading.worker import GradingJob
from autograder.publish.recording import record_result
from autograder.publish.results import RunSummary, SubmissionResult


def _fake_grading(job):
    if job.student.startswith("killed"):
        os.kill(os.getpid(), signal.SIGKILL)          # what the OOM killer does to a worker
    time.sleep(0.1)
    return SubmissionResult(job.student, job.assignment, grader_memory={"pid": os.getpid()})


def test_a_dead_worker_fails_its_submission_only(monkeypatch):
    monkeypatch.setattr(worker, "grade_submission", _fake_grading)
    students = ["ada", "killed-1", "grace", "alan", "killed-2", "barbara", "edsger"]
    start = time.monotonic()
    results = {r.student: r for r in run_jobs([GradingJob(s, "a", "") for s in students], workers=2)}
    assert time.monotonic() - start < 60
    assert set(results) == set(students)
    for student, result in results.items():
        if student.startswith("killed"):
            assert result.error == WORKER_DIED
        else:
            assert result.error is None and result.grader_memory["pid"] != os.getpid()
    summary = RunSummary("a")
    record_result(None, results["killed-1"], [], summary)
    assert summary.failed == {"killed-1": f"not graded: {WORKER_DIED}"}


def test_the_spec_cache_reads_each_assignment_once_per_worker(monkeypatch, tmp_path):
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()  # noqa: F821 - nbgrader's defaults\n")
    loads = []
    monkeypatch.setattr(worker, "SPECS", worker.SpecCache(lambda assignment, root: loads.append(assignment) or [assignment]))
    monkeypatch.setattr(worker, "grade_folder", lambda specs, folder, job: {"specs": specs, "folder": folder})
    for student in ("ada", "grace", "alan"):
        result = worker.grade_submission(GradingJob(student, "02", "", root=str(tmp_path)))
        assert result == {"specs": ["02"], "folder": tmp_path / "submitted" / student / "02"}
    worker.grade_submission(GradingJob("ada", "03", "", root=str(tmp_path)))
    assert loads == ["02", "03"] and worker.SPECS.loads == 2
