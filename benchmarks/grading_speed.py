"""Grade the same submissions of the full assignment set twice, in one run: with this pipeline
(parallel, sandboxed, lesson cells skipped) and with plain sequential ``nbgrader autograde``.
Prints seconds per submission for both and the ratio.

    .venv/bin/python benchmarks/grading_speed.py [--submissions 20] [--workers N] [--epochs 1]

A submission is one student's three notebooks (pooling, linear and activations, LeNet-5); the
students alternate between the instructor's solutions and plausible wrong answers. Both graders
see the same COURSE_EPOCHS (default 1: plain nbgrader runs the LeNet lesson's training, the
pipeline does not; with the notebook's own default of 10 epochs plain nbgrader is far slower).
The pipeline grades the three assignments in one process, as ``python -m autograder grade A B C``
does. Goal (issue 26): ≥ 20× on 2 cores.

Where a notebook's time went, measured 2026-12-07 on 2 cores (6 submissions): a cold sandbox,
Python and ``import torch`` for every notebook cost about 2 core-seconds before any grading (cold
pipeline 25.6 s, about 2.0–2.8 s a notebook). Now each worker forks its student processes from a
warm template (:mod:`autograder.sandbox.template`: about 50 ms to a ready child against 1.2–1.7 s
cold), the template and the grader preload the lessons' imports and torch's lazy autograd imports
(:mod:`autograder.sandbox.preload`), the templates are prepared once per process before the
workers fork, and a markdown cell is sanitised once per text: 0.25–0.8 s a notebook, most of it
the tests' calls across the sandbox. What is left per run is the templates' start (about 2 s)
and recording (the gradebook and the sanitised notebooks, in the parent).

    .venv/bin/python benchmarks/grading_speed.py --scheduler tcp://HOST:PORT|loopback [--workers N]

grades the same submissions on this machine's pool and then through a Dask cluster instead of
plain nbgrader (``loopback``: a scheduler and N one-thread workers started here, on 127.0.0.1),
and prints seconds per submission for both (the overhead the cluster adds) and notebooks per core
per minute (the figure that sizes a cluster).
"""

import argparse
import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
from autograder.grading.grade import Limits, grade_all  # noqa: E402
from autograder.coursedir.layout import layout  # noqa: E402
from autograder.coursedir.nbgrader_course import api, scores  # noqa: E402
from grading import SUBMISSIONS, build_submission  # noqa: E402
from scratch import scratch_class  # noqa: E402

ASSIGNMENTS = {"01_pooling": ("pooling.ipynb", "pooling"), "02_linear_activation": ("linear_activation.ipynb", "leaky_relu"),
               "03_lenet": ("lenet.ipynb", "lenet")}


def make_course(where: Path, submissions: int) -> tuple[Path, list[str]]:
    students = [f"student{i:02d}" for i in range(submissions)]
    handed_in = {}
    for assignment, (notebook, fixture_dir) in ASSIGNMENTS.items():
        wrong = sorted((SUBMISSIONS / fixture_dir).glob("*.py"))
        for i, student in enumerate(students):
            fixture = None if i % 2 == 0 else wrong[(i // 2) % len(wrong)]
            handed_in[student, assignment] = build_submission(assignment, notebook, fixture)
    return scratch_class(where, list(ASSIGNMENTS), roster=students, submissions=handed_in), students


def pipeline_scores(root: Path, students: list[str]) -> dict:
    """{(student, assignment, grade_id): score} from the pipeline's results.json files."""
    import json

    found = {}
    for assignment in ASSIGNMENTS:
        for student in students:
            result = json.loads(layout(root).results(student, assignment).read_text())
            found.update({(student, assignment, t["grade_id"]): t["score"] for nb in result["notebooks"] for t in nb["tests"]})
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submissions", type=int, default=20)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--scheduler", help="compare with grading through this Dask scheduler (or 'loopback')")
    args = parser.parse_args()
    os.environ["COURSE_EPOCHS"] = str(args.epochs)
    with tempfile.TemporaryDirectory() as tmp:
        root, students = make_course(Path(tmp) / "course", args.submissions)
        n = len(students)
        print(f"{n} submissions × {len(ASSIGNMENTS)} notebooks; {os.cpu_count()} cores; COURSE_EPOCHS={args.epochs}",
              flush=True)

        start = time.perf_counter()
        for assignment in ASSIGNMENTS:
            summary = grade_all(assignment, root, workers=args.workers, limits=Limits(), progress=False)
            assert not summary.failed, summary.failed
        ours = time.perf_counter() - start
        cores = args.workers or os.cpu_count()
        print(f"pipeline (parallel, sandboxed):     {ours:8.1f} s  {ours / n:6.2f} s per submission, "
              f"{ours * cores / (n * len(ASSIGNMENTS)):.2f} s per notebook-core ({cores} workers)", flush=True)
        graded = pipeline_scores(root, students)
        if args.scheduler:
            return cluster_figures(root, n, ours, args.scheduler, args.workers or os.cpu_count())

        start = time.perf_counter()
        nbgrader = api(root)
        for assignment in ASSIGNMENTS:
            for student in students:
                result = nbgrader.autograde(assignment, student, force=True, create=False)
                assert result["success"], result.get("error")
        plain = time.perf_counter() - start
        print(f"plain nbgrader autograde (serial):  {plain:8.1f} s  {plain / n:6.2f} s per submission, "
              f"{plain / (n * len(ASSIGNMENTS)):.2f} s per notebook-core", flush=True)
        by_nbgrader = {(s, a, gid): score for a in ASSIGNMENTS for s in students
                       for gid, (score, _) in scores(a, s, root).items() if (s, a, gid) in graded}
        differ = sorted(key for key in graded if graded[key] != by_nbgrader.get(key))
        print(f"scores: {len(graded) - len(differ)} of {len(graded)} test cells equal to nbgrader's"
              + (f"; differ: {differ[:5]}" if differ else " (all)"), flush=True)
    print(f"ratio {plain / ours:.1f}× (goal ≥ 20× on 2 cores)")
    return 0


def cluster_figures(root: Path, n: int, local: float, scheduler: str, workers: int) -> int:
    """Grade the same submissions again through Dask; print the overhead and notebooks per core per minute."""
    from dask_cluster import LoopbackCluster
    from distributed import Client

    with contextlib.ExitStack() as stack:
        if scheduler == "loopback":
            scheduler = stack.enter_context(LoopbackCluster(root.parent / "dask", workers=workers)).address
        with Client(scheduler, set_as_default=False) as client:
            cores = sum(client.nthreads().values())
        start = time.perf_counter()
        for assignment in ASSIGNMENTS:
            summary = grade_all(assignment, root, force=True, limits=Limits(), progress=False, scheduler=scheduler)
            assert not summary.failed, summary.failed
        took = time.perf_counter() - start
    notebooks = n * len(ASSIGNMENTS)
    print(f"through Dask ({cores} worker threads):  {took:8.1f} s  {took / n:6.2f} s per submission "
          f"({(took - local) / n:+.2f} s against this machine's pool)")
    print(f"notebooks per core per minute: {notebooks / (took / 60) / cores:.1f} through Dask, "
          f"{notebooks / (local / 60) / workers:.1f} on this machine's pool")
    return 0


if __name__ == "__main__":
    sys.exit(main())
