"""One submission in a grading worker process: what the local pool and the Dask cluster both run.

:func:`worker_init` prepares a worker (no display, one torch thread, its starting memory);
:func:`grade_submission` grades every notebook of one (student, assignment) job, reading the
assignment's source notebooks once per worker (:data:`SPECS`); :func:`grade_folder` grades the
notebooks of a folder against given specs (the cluster's workers call it on the bytes a task
carries). The result is a plain dict (JSON-ready) that only the parent records.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from autograder.authoring.assignments import NotebookSpec, load_assignment
from autograder.coursedir.layout import layout
from autograder.grading.notebook_grading import Limits, grade_notebook
from autograder.intake.submission import reason


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


def worker_init() -> None:
    """Prepare this process to grade: no display for plots, one torch thread, its starting memory."""
    import matplotlib

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


def grade_submission(job: dict) -> dict:
    """Grade every notebook of one (student, assignment); runs in a worker process."""
    root, assignment = Path(job["root"]), job["assignment"]
    specs = SPECS.get(root, assignment)              # each worker reads the source notebooks once
    return grade_folder(specs, layout(root).submitted(job["student"], assignment), job)


def grade_folder(specs: list[NotebookSpec], folder: Path, job: dict) -> dict:
    """Grade the notebooks named by ``specs`` in ``folder`` (``job``: student, assignment, limits,
    data_dir); the result dict that :func:`record_result` records."""
    student, assignment = job["student"], job["assignment"]
    limits = Limits(**job["limits"])
    start = time.perf_counter()
    notebooks = []
    scratch = tempfile.mkdtemp(prefix="grade-")
    try:
        for spec in specs:
            workdir = Path(scratch) / Path(spec.name).stem
            notebooks.append(grade_notebook(spec, folder / spec.name, workdir, Path(job["data_dir"]), limits))
    finally:
        remove_tree(Path(scratch))
    return {"student": student, "assignment": assignment, "seconds": time.perf_counter() - start,
            "notebooks": [asdict(nb) for nb in notebooks], "grader_memory": _grader_memory()}


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


def grade_safely(job: dict) -> dict:
    """:func:`grade_submission`, or an error result where the grader itself fails on this submission."""
    try:
        return grade_submission(job)
    except Exception as exc:  # noqa: BLE001 - the grader's own failure for this one submission
        return {"student": job["student"], "assignment": job["assignment"], "error": reason(exc)}
