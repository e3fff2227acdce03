"""One submission in a grading worker process: what the local pool and the Dask cluster both run.

:func:`worker_init` prepares a worker (no display, one torch thread, its starting memory);
:func:`grade_submission` grades every notebook of one (student, assignment) job, reading the
assignment's source notebooks once per worker (:data:`SPECS`); :func:`grade_folder` grades the
notebooks of a folder against given specs (the cluster's workers call it on the bytes a task
carries). A job is a :class:`GradingJob`; the result a
:class:`~autograder.publish.results.SubmissionResult`, which only the parent records.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from autograder.authoring.assignments import NotebookSpec, load_assignment
from autograder.coursedir.layout import layout
from autograder.grading.notebook_grading import Limits, grade_notebook
from autograder.intake.submission import reason
from autograder.publish.results import SubmissionResult


@dataclass
class GradingJob:
    """One (student, assignment) to grade: its notebooks under ``root``'s ``submitted/``, the data
    sets in ``data_dir``, within ``limits``. Plain data, so a process pool or Dask can carry it."""
    student: str
    assignment: str
    data_dir: str
    limits: Limits = field(default_factory=Limits)
    root: str = ""                      # the course directory ("" where the notebooks travel with the task)


class SpecCache:
    """The specs of each (course root, assignment), read from the source notebooks once per process;
    ``loads`` counts the reads."""

    def __init__(self, load=load_assignment):
        self._load, self._specs, self.loads = load, {}, 0

    def get(self, root: Path, assignment: str) -> list[NotebookSpec]:
        key = (str(root), assignment)
        if key not in self._specs:
            self._specs[key] = self._load(assignment, root)
            self.loads += 1
        return self._specs[key]


SPECS = SpecCache()

_MEMORY_AT_START: dict = {}


def worker_init(numbers=None) -> None:
    """Prepare this process to grade: no display for plots, one torch thread, its starting memory;
    with ``numbers`` (a shared counter), take the next number and that warm template
    (:func:`autograder.sandbox.warm.claim`)."""
    import matplotlib

    if numbers is not None:
        from autograder.sandbox import warm

        with numbers.get_lock():
            index, numbers.value = numbers.value, numbers.value + 1
        warm.claim(index)
    matplotlib.use("Agg")            # the grader's own setup cells may plot; nothing is shown
    import torch

    torch.set_num_threads(1)
    try:
        _MEMORY_AT_START["baseline_bytes"] = int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        pass


def _grader_memory() -> dict:
    """This grading worker's memory: its resident size when it started and its peak so far (bytes)."""
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"baseline_bytes": _MEMORY_AT_START.get("baseline_bytes", 0), "peak_bytes": peak}


def grade_submission(job: GradingJob) -> SubmissionResult:
    """Grade every notebook of one (student, assignment); runs in a worker process."""
    root = Path(job.root)
    specs = SPECS.get(root, job.assignment)              # each worker reads the source notebooks once
    return grade_folder(specs, layout(root).submitted(job.student, job.assignment), job)


def grade_folder(specs: list[NotebookSpec], folder: Path, job: GradingJob) -> SubmissionResult:
    """Grade the notebooks named by ``specs`` in ``folder``, with ``job``'s data sets and limits."""
    start = time.perf_counter()
    notebooks = []
    scratch = tempfile.mkdtemp(prefix="grade-")
    try:
        for spec in specs:
            workdir = Path(scratch) / Path(spec.name).stem
            notebooks.append(grade_notebook(spec, folder / spec.name, workdir, Path(job.data_dir), job.limits))
    finally:
        remove_tree(Path(scratch))
    return SubmissionResult(job.student, job.assignment, notebooks, seconds=time.perf_counter() - start,
                            grader_memory=_grader_memory())


def remove_tree(path: Path) -> None:
    """Remove ``path`` whatever the student left in it (a 5000-deep folder chain, files without
    write permission): ``rm -rf`` (no recursion limit), then Python's bottom-up walk; never raises."""
    import shutil
    import subprocess

    try:
        subprocess.run(["rm", "-rf", "--one-file-system", "--", str(path)], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120, check=False)
    except (OSError, subprocess.SubprocessError):
        pass
    if os.path.lexists(path):
        shutil.rmtree(path, ignore_errors=True)


def grade_safely(job: GradingJob) -> SubmissionResult:
    """:func:`grade_submission`, or an error result where the grader itself fails on this submission."""
    try:
        return grade_submission(job)
    except Exception as exc:  # noqa: BLE001 - the grader's own failure for this one submission
        return SubmissionResult.failed(job.student, job.assignment, reason(exc))
