"""Runners: where the grading jobs run. Grading asks a runner for results and records them itself.

A runner takes the jobs of one run (:class:`~autograder.grading.worker.GradingJob`) and yields one
:class:`~autograder.publish.results.SubmissionResult` per job, in any order, as each finishes: a
grade from :func:`autograder.grading.worker.grade_submission`, or one with an ``error``. After the
run, :meth:`Runner.report` gives what the runner adds to the run's summary. Two implement it:
:class:`LocalRunner` (a pool of worker processes on this machine) and
:class:`autograder.grading.cluster.ClusterRunner` (tasks on a Dask cluster).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from autograder.grading import worker
from autograder.sandbox import warm
from autograder.sandbox.preload import preload
from autograder.grading.worker import GradingJob
from autograder.publish.results import SubmissionResult

WORKER_DIED = "the grading process died (likely out of memory)"


class Runner(Protocol):
    def run(self, jobs: list[GradingJob]) -> Iterator[SubmissionResult]:
        """One result per job, as each finishes."""

    def report(self) -> dict:
        """What this runner adds to the run's summary (after :meth:`run`)."""


class LocalRunner:
    """Grade over ``workers`` processes of this machine (see :func:`run_jobs`)."""

    def __init__(self, workers: int):
        self.workers = workers

    def run(self, jobs: list[GradingJob]) -> Iterator[SubmissionResult]:
        return run_jobs(jobs, self.workers)

    def report(self) -> dict:
        return {}


def _grade_safely(job: GradingJob) -> SubmissionResult:
    return worker.grade_safely(job)          # looked up when called: a test may stand in for the grading


def run_jobs(jobs: list[GradingJob], workers: int) -> Iterator[SubmissionResult]:
    """Yield the result of every job, graded over ``workers`` processes, as each finishes.

    At most ``workers`` jobs are in flight, so when a worker dies (the kernel's OOM killer, a
    signal) and the pool breaks, the suspects are known: each is graded again alone in a fresh
    pool, and one that breaks that pool too yields a result whose error is :data:`WORKER_DIED`. The others are
    graded as usual; the run never waits on a dead process."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("fork")        # workers inherit the imported modules
    queue, alone = list(jobs), []
    if jobs and jobs[0].limits.sandbox and jobs[0].limits.warm:   # one warm template per worker, kept
        warm.prepare(jobs[0].data_dir, jobs[0].limits.scratch_bytes, workers)
    preload()                                            # inherited by every worker: paid once
    try:
        if jobs and jobs[0].root:
            worker.SPECS.get(Path(jobs[0].root), jobs[0].assignment)
    except Exception:  # noqa: BLE001 - each worker meets the error again and reports it per job
        pass
    while queue or alone:
        solo = bool(alone)
        batch, width = ([alone.pop(0)], 1) if solo else (queue, workers)
        numbers = context.Value("i", 0)                 # each worker takes the next: its template
        pool = ProcessPoolExecutor(width, mp_context=context, initializer=worker.worker_init, initargs=(numbers,))
        running, broken = {}, []
        try:
            while batch or running:
                while batch and len(running) < width:
                    job = batch.pop(0)
                    running[pool.submit(_grade_safely, job)] = job
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    job = running.pop(future)
                    try:
                        yield future.result()
                    except BrokenProcessPool:
                        broken.append(job)
                if broken:
                    broken += list(running.values())
                    break
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        for job in broken:
            if solo:
                yield SubmissionResult.failed(job.student, job.assignment, WORKER_DIED)
            else:
                alone.append(job)
