"""Grade every submission of an assignment: find them, refuse what cannot be graded, hand the jobs
to a runner, record each result as it comes.

- :mod:`autograder.grading.notebook_grading` grades one notebook (the sandboxed student's process, the
  tests in the grader's); :class:`Limits` are its limits;
- :mod:`autograder.grading.worker` grades one submission in a worker process;
- :mod:`autograder.grading.runners` runs the jobs (:class:`~autograder.grading.runners.LocalRunner`, a pool of
  processes here; :class:`~autograder.grading.cluster.ClusterRunner`, a Dask cluster);
- :mod:`autograder.publish.recording` writes the results (the parent only): a JSON file per submission
  (written atomically, so an interrupted run keeps what finished), the nbgrader gradebook, the
  formgrader's autograded notebooks and an HTML feedback report.
"""

from __future__ import annotations

import os
from pathlib import Path

from autograder import COURSE_ROOT
from autograder.authoring.assignments import load_assignment
from autograder.coursedir.layout import layout
from autograder.grading.notebook_grading import Limits, grade_notebook  # noqa: F401 - the public face
from autograder.grading.runners import WORKER_DIED, LocalRunner, run_jobs  # noqa: F401
from autograder.grading.worker import GradingJob
from autograder.publish.recording import record_result, results_path, roster
from autograder.publish.results import NotebookResult, RunSummary, SubmissionResult, TestResult  # noqa: F401
from autograder.intake.submission import clean_text, folder_problems


def submission_problems(root: Path, student: str, assignment: str) -> list[str]:
    """Why ``submitted/<student>/<assignment>`` is refused: symbolic links (a link to the source
    notebook or to another student's work is never followed) and anything not a regular file."""
    folder = layout(root).submitted(student, assignment)
    if folder.parent.is_symlink():
        return [f"submitted/{student} is a symbolic link (refused, never followed)"]
    return folder_problems(folder)


def collect_refusals(folder: Path) -> list[str]:
    """What the hub's collect refused of this submission (links, devices, others' files), one line each."""
    try:
        from hub.exchange import collect_refusals as read_note
    except ImportError:          # a course directory without the hub: nothing was collected by it
        return []
    return [clean_text(line, 300) for line in read_note(folder)]


def grade_all(assignment: str, root: Path = COURSE_ROOT, *, students: list[str] | None = None,
              workers: int | None = None, force: bool = False, limits: Limits | None = None,
              progress: bool = True, scheduler: str | None = None) -> RunSummary:
    """Grade every submission of ``assignment`` (or just ``students``); return the run's summary.
    With ``scheduler`` (``tcp://HOST:PORT``) the grading runs on a Dask cluster (see
    :mod:`autograder.grading.cluster`); results are recorded here either way."""
    from course.paths import data_dir

    from autograder.sandbox.cpu_only import grade_on_cpu

    grade_on_cpu()                       # the same grade on any machine (see autograder.sandbox.cpu_only)
    root = Path(root)
    limits = limits or Limits()
    specs = load_assignment(assignment, root)
    enrolled = set(roster(root))
    found = layout(root).students_with(assignment) if students is None else list(students)
    unknown = sorted(set(found) - enrolled)
    todo, skipped = [], []
    for student in sorted(set(found) & enrolled):
        (skipped if results_path(root, student, assignment).exists() and not force else todo).append(student)
    summary = RunSummary(assignment, skipped=skipped, not_on_roster=unknown)
    if limits.sandbox:
        from autograder.sandbox.cgroup import availability
        from autograder.sandbox.bwrap import bwrap_supports_size

        kind, sentence = availability()
        summary.notes.append(sentence if kind else f"{sentence}; fallback: per-process limits")
        if not bwrap_supports_size():
            summary.notes.append("this bubblewrap has no --size (0.7 or later): the sandbox's tmpfs mounts "
                                    "are capped only by its memory limit")
    for student in list(todo):
        problems = submission_problems(root, student, assignment)
        if problems:
            todo.remove(student)
            summary.failed[student] = "not graded: " + "; ".join(problems)
    for student in sorted(set(found) & enrolled):
        refused = collect_refusals(layout(root).submitted(student, assignment))
        if refused:
            summary.collect_refused[student] = refused
    jobs = [GradingJob(s, assignment, str(data_dir()), limits, root=str(root)) for s in todo]
    if not jobs:
        return summary
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    from tqdm.auto import tqdm

    with tqdm(total=len(jobs), desc=f"grading {assignment}", unit="submission", disable=not progress) as bar:
        if scheduler is None:
            runner = LocalRunner(workers)
        else:
            from autograder.grading.cluster import ClusterRunner
            runner = ClusterRunner(scheduler, specs)
        for result in runner.run(jobs):
            record_result(root, result, specs, summary)
            bar.update(1)
    for name, value in runner.report().items():          # a cluster's reruns and unfit workers
        setattr(summary, name, value)
    return summary
