"""Grade on a Dask cluster: each submission is one task of Dask's ``distributed`` scheduler.

``grade_all(..., scheduler="tcp://HOST:PORT")`` (``python -m autograder grade A --scheduler ...``)
grades with a :class:`ClusterRunner` (the :class:`autograder.grading.runners.Runner` of a cluster), which
sends the grading of each submission — the sandboxed student's process and the grader's tests,
exactly :func:`autograder.grading.worker.grade_folder` — to the cluster's workers. What a task carries is
data: the submitted notebooks' bytes (read here, by the instructor's process, never following a
link), the assignment's :class:`~autograder.authoring.assignments.NotebookSpec` (its setup and test cells,
hidden tests included: they stay in the worker's grading process and never reach the student's),
the limits, and a fingerprint of the instructor's environment. A worker needs no access to
``submitted/`` or ``source/``: it writes the bytes into a scratch folder of its own.

A task returns the JSON form of the :class:`~autograder.publish.results.SubmissionResult` that
:func:`~autograder.grading.worker.grade_folder` returns; this process checks its shape against the
specs (:func:`checked`), reads it back (``SubmissionResult.from_json``) and records it with
:func:`~autograder.publish.recording.record_result`, like a result of the local pool: it stays the only
writer of results, gradebook, feedback and autograded notebooks.

Failures:

- a worker without bubblewrap, or whose environment differs from the instructor's (Python,
  torch, torchvision, numpy, nbformat, the code of ``course/`` and ``autograder/``), fails the
  task with :class:`WorkerUnfit`; the task is sent again to the other workers, and a submission no
  worker can grade is reported "not graded: <reason>"; a task kept for the fit workers fails when
  they have all left for longer than the scheduler's ``no-workers-timeout`` and is sent again to
  the fit workers connected then, or reported (without that setting it waits for them);
- a worker that dies mid-task: the scheduler runs the task again on another worker; a task whose
  workers keep dying (``distributed.scheduler.allowed-failures``, 3 by default) is reported "not
  graded"; the summary's ``reruns`` counts, per student, the runs beyond the first;
- a student's notebook over its limits is graded as on one machine ("time limit exceeded"): the
  limits act inside the task, which then ends normally and is never retried.

At most twice as many tasks as the cluster has threads are in flight, so the notebooks' bytes
are read as tasks are sent, not all at once.
"""

from __future__ import annotations

import functools
import hashlib
import math
import platform
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

from autograder import COURSE_ROOT
from autograder.authoring.assignments import NotebookSpec
from autograder.coursedir.layout import layout
from autograder.grading.notebook_grading import not_graded
from autograder.intake.submission import reason as _reason
from autograder.grading.runners import WORKER_DIED
from autograder.grading.worker import GradingJob, grade_folder, worker_init
from autograder.publish.results import SubmissionResult
from autograder.intake.submission import MAX_NOTEBOOK_BYTES, SubmissionRefused, open_regular

ATTEMPT_TOPIC = "autograder-attempt"        # each run of a task logs an event here (reruns counted)
PACKAGES = ("torch", "torchvision", "numpy", "nbformat")
MAX_RESENDS = 8                             # a task sent elsewhere (WorkerUnfit, NoValidWorkerError) at most this often


class WorkerUnfit(RuntimeError):
    """This worker cannot grade: no working bubblewrap, or not the instructor's environment.
    ``args``: (worker address, message)."""

    def __init__(self, worker: str, message: str):
        super().__init__(worker, message)

    def __str__(self) -> str:
        return self.args[1]


def environment() -> dict[str, str]:
    """What must be the same on the instructor's machine and every worker for the same notebook
    to get the same grade: Python, the packages that compute, and the grader's own code."""
    from importlib.metadata import version

    digest = hashlib.sha256()
    for package in ("course", "autograder"):
        for path in sorted((COURSE_ROOT / package).rglob("*.py")):
            digest.update(str(path.relative_to(COURSE_ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return {"python": platform.python_version(), **{name: version(name) for name in PACKAGES},
            "grader code (course/, autograder/)": digest.hexdigest()[:12]}


@functools.cache
def _bubblewrap_problem() -> str:
    """Why bubblewrap cannot sandbox here ("" when it can)."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return "bubblewrap (bwrap) is not installed (apt-get install bubblewrap)"
    try:
        run = subprocess.run([bwrap, "--unshare-all", "--ro-bind", "/", "/", "true"], capture_output=True,
                             text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bubblewrap does not run ({_reason(exc)})"
    return "" if run.returncode == 0 else f"bubblewrap does not work here ({run.stderr.strip()[:300]})"


def check_worker(expected: dict[str, str], sandbox: bool) -> None:
    """Raise :class:`WorkerUnfit` unless this worker can grade as the instructor's machine would."""
    from distributed import get_worker

    address = get_worker().address
    where = f"worker {address} ({platform.node()})"
    if sandbox and _bubblewrap_problem():
        raise WorkerUnfit(address, f"{where} cannot grade: {_bubblewrap_problem()}")
    here = environment()
    differ = [f"{key} {here.get(key)} (the instructor has {value})" for key, value in expected.items()
              if here.get(key) != value]
    if differ:
        raise WorkerUnfit(address, f"{where} has not the instructor's environment: {'; '.join(differ)}")


# -- on a worker --------------------------------------------------------------------------------

def dask_setup(worker) -> None:
    """``dask worker --preload autograder.grading.cluster``: what grading imports and checks, done when the
    worker starts rather than in its first task."""
    from autograder.sandbox.cpu_only import grade_on_cpu

    grade_on_cpu()
    worker_init()
    _bubblewrap_problem()


def grade_carried(task: dict) -> dict:
    """Grade the submission a task carries (runs on a Dask worker, in its own scratch folder)."""
    from distributed import get_worker

    from course.paths import data_dir

    from autograder.sandbox.cpu_only import grade_on_cpu

    worker = get_worker()
    worker.log_event(ATTEMPT_TOPIC, {"key": task["key"], "worker": worker.address})
    check_worker(task["environment"], task["limits"].sandbox)
    grade_on_cpu()
    worker_init()
    job = GradingJob(task["student"], task["assignment"], str(data_dir()), task["limits"])   # this worker's data sets
    try:
        with tempfile.TemporaryDirectory(prefix="carried-") as scratch:
            for spec in task["specs"]:
                if spec.name in task["notebooks"]:
                    (Path(scratch) / spec.name).write_bytes(task["notebooks"][spec.name])
            result = grade_folder(task["specs"], Path(scratch), job)
    except Exception as exc:  # noqa: BLE001 - the grader's own failure for this one submission
        return SubmissionResult.failed(task["student"], task["assignment"], _reason(exc)).to_json()
    for index, spec in enumerate(task["specs"]):
        if spec.name in task["refused"]:            # not readable on the instructor's machine
            result.notebooks[index] = not_graded(spec, task["refused"][spec.name])
    return result.to_json()


# -- on the instructor's machine ----------------------------------------------------------------

def carried_task(job: GradingJob, specs: list[NotebookSpec], expected: dict) -> dict:
    """A grading job as data: the notebooks' bytes (or why each was not read) and the specs."""
    folder = layout(Path(job.root)).submitted(job.student, job.assignment)
    notebooks, refused = {}, {}
    for spec in specs:
        try:
            notebooks[spec.name] = open_regular(folder / spec.name, MAX_NOTEBOOK_BYTES)
        except SubmissionRefused as exc:
            refused[spec.name] = f"the notebook was not graded: {exc}"
    return {"key": f"grade-{uuid.uuid4().hex}", "student": job.student, "assignment": job.assignment,
            "limits": job.limits, "specs": specs, "notebooks": notebooks, "refused": refused,
            "environment": expected}


def _shape_problem(result, job: GradingJob, specs: list[NotebookSpec]) -> str:
    """Why ``result`` is not a grade of ``job`` ("" when it is one)."""
    if not isinstance(result, dict):
        return "not a dict"
    if result.get("student") != job.student or result.get("assignment") != job.assignment:
        return "for another submission"
    if "error" in result:
        return "" if isinstance(result["error"], str) else "an error that is not text"
    seconds = result.get("seconds")
    if not isinstance(seconds, (int, float)) or not math.isfinite(seconds):
        return "no time"
    notebooks = result.get("notebooks")
    if not isinstance(notebooks, list) or len(notebooks) != len(specs):
        return "not one entry per notebook"
    for notebook, spec in zip(notebooks, specs):
        tests = notebook.get("tests") if isinstance(notebook, dict) else None
        if notebook.get("notebook") != spec.name or not isinstance(tests, list):
            return f"no tests for {spec.name}"
        if [t.get("grade_id") if isinstance(t, dict) else None for t in tests] != [c.grade_id for c in spec.tests]:
            return f"not the test cells of {spec.name}"
        for test, cell in zip(tests, spec.tests):
            score = test.get("score")
            if test.get("max_score") != cell.points or not isinstance(score, (int, float)) \
                    or not 0 <= score <= cell.points:
                return f"points out of range in {cell.grade_id}"
    return ""


def checked(result, job: GradingJob, specs: list[NotebookSpec]) -> SubmissionResult:
    """``result`` (a task's JSON form) read back if it is a well-formed grade (or error) of
    ``job``; else an error result."""
    problem = _shape_problem(result, job, specs)
    if problem:
        return SubmissionResult.failed(job.student, job.assignment, f"the worker's result was refused ({problem})")
    return SubmissionResult.from_json(result)


class ClusterRunner:
    """The runner of a Dask cluster at ``scheduler`` (``tcp://HOST:PORT``) for an assignment's
    ``specs``: :meth:`run` yields each job's result (:func:`run_on_cluster`); :meth:`report` gives
    the reruns per student and the unfit workers."""

    def __init__(self, scheduler: str, specs: list[NotebookSpec]):
        self.scheduler, self.specs, self._report = scheduler, specs, {}

    def run(self, jobs: list[GradingJob]):
        return run_on_cluster(jobs, self.specs, self.scheduler, self._report)

    def report(self) -> dict:
        return dict(self._report)


def run_on_cluster(jobs: list[GradingJob], specs: list[NotebookSpec], scheduler: str, summary: dict):
    """Yield the result of every job, each graded as a task on the Dask cluster at ``scheduler``,
    as each finishes (see the module docstring); adds ``reruns`` and ``unfit_workers`` to
    ``summary``."""
    from distributed import Client, as_completed

    expected = environment()
    unfit: dict[str, str] = {}
    with Client(scheduler, timeout=60, set_as_default=False) as client:
        in_flight = max(2, 2 * sum(client.nthreads().values()))
        pending = [(job, 0) for job in jobs]
        running: dict[str, tuple[GradingJob, int]] = {}
        keys: dict[str, list[str]] = {}         # student → keys of the tasks sent for it
        done = as_completed(loop=client.loop)

        def send(job: GradingJob, resends: int) -> None:
            task = carried_task(job, specs, expected)
            fit = [w for w in client.scheduler_info(n_workers=-1)["workers"] if w not in unfit]
            restriction = {"workers": fit, "allow_other_workers": False} if unfit and fit else {}
            future = client.submit(grade_carried, task, key=task["key"], pure=False, retries=0, **restriction)
            running[future.key] = (job, resends)
            keys.setdefault(job.student, []).append(future.key)
            done.add(future)

        while pending or running:
            while pending and len(running) < in_flight:
                send(*pending.pop(0))
            future = next(done)
            job, resends = running.pop(future.key)
            if future.status == "finished":
                result = checked(future.result(), job, specs)
            else:
                exc = future.exception()
                result = SubmissionResult.failed(job.student, job.assignment, "")
                if isinstance(exc, WorkerUnfit):
                    unfit[exc.args[0]] = str(exc)
                # NoValidWorkerError: every worker it was kept for (the fit ones) left the cluster
                # and the scheduler's no-workers-timeout passed; sent again to those fit now, if any
                elsewhere = isinstance(exc, WorkerUnfit) or type(exc).__name__ == "NoValidWorkerError"
                workers = client.scheduler_info(n_workers=-1)["workers"]
                if elsewhere and resends < MAX_RESENDS and any(w not in unfit for w in workers):
                    pending.insert(0, (job, resends + 1))
                    future.release()
                    continue
                if elsewhere and unfit:
                    result.error = f"no worker of the cluster can grade: {'; '.join(sorted(set(unfit.values())))}"
                elif type(exc).__name__ == "KilledWorker":
                    result.error = f"{WORKER_DIED}, on every worker that ran it"
                else:
                    result.error = f"the cluster failed the task ({_reason(exc)})"
            future.release()
            yield result

        attempts: dict[str, int] = {}
        for _, event in client.get_events(ATTEMPT_TOPIC):
            attempts[event["key"]] = attempts.get(event["key"], 0) + 1
    reruns = {student: n for student, sent in keys.items() if (n := sum(max(0, attempts.get(k, 0) - 1) for k in sent))}
    summary["reruns"] = reruns
    summary["unfit_workers"] = unfit
