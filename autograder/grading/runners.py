"""Runners: where the grading jobs run. Grading asks a runner for results and records them itself.

A runner takes the jobs of one run (dicts: root, student, assignment, data_dir, limits) and yields
one result dict per job, in any order, as each finishes: a grade from
:func:`autograder.grading.worker.grade_submission`, or ``{"student", "assignment", "error"}``. After the
run, :meth:`Runner.report` gives what the runner adds to the run's summary. Two implement it:
:class:`LocalRunner` (a pool of worker processes on this machine) and
:class:`autograder.grading.cluster.ClusterRunner` (tasks on a Dask cluster).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from autograder.grading import worker

WORKER_DIED = "the grading process died (likely out of memory)"


class Runner(Protocol):
    def run(self, jobs: list[dict]) -> Iterator[dict]:
        """One result per job, as each finishes."""

    def report(self) -> dict:
        """What this runner adds to the run's summary (after :meth:`run`)."""


class LocalRunner:
    """Grade over ``workers`` processes of this machine (see :func:`run_jobs`)."""

    def __init__(self, workers: int):
        self.workers = workers

    def run(self, jobs: list[dict]) -> Iterator[dict]:
        return run_jobs(jobs, self.workers)

    def report(self) -> dict:
        return {}


def _grade_safely(job: dict) -> dict:
    return worker.grade_safely(job)          # looked up when called: a test may stand in for the grading


def run_jobs(jobs: list[dict], workers: int):
    """Yield the result of every job, graded over ``workers`` processes, as each finishes.

    At most ``workers`` jobs are in flight, so when a worker dies (the kernel's OOM killer, a
    signal) and the pool breaks, the suspects are known: each is graded again alone in a fresh
    pool, and one that breaks that pool too yields ``{"error": WORKER_DIED}``. The others are
    graded as usual; the run never waits on a dead process."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("fork")        # workers inherit the imported modules
    queue, alone = list(jobs), []
    while queue or alone:
        solo = bool(alone)
        batch, width = ([alone.pop(0)], 1) if solo else (queue, workers)
        pool = ProcessPoolExecutor(width, mp_context=context, initializer=worker.worker_init)
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
                yield {"student": job["student"], "assignment": job["assignment"], "error": WORKER_DIED}
            else:
                alone.append(job)
