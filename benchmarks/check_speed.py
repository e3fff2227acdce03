"""Time a student's self-check: ``python -m autograder check ASSIGNMENT NOTEBOOK`` as the student runs it.

For each assignment, the instructor's solution is written as a student's notebook and the whole
command is timed from the shell's point of view (Python start-up, imports, the sandboxed student
process, every test cell, hidden tests included, and the feedback page). Goal (issue 26): ≤ 5 s
per notebook on a 2-core machine.

    .venv/bin/python benchmarks/check_speed.py [--rounds 5]

Printed per notebook: the **first** check of a session (no helper yet: it imports everything and
starts the sandbox's template itself, then leaves the warm helper of
:mod:`autograder.grading.check_helper` behind) and the median of ``--rounds`` **later** checks
(run by that helper, each in a fresh fork of it). The helper is stopped at the end. Measured
2026-12-07 on this 2-core machine: first 4.3–4.6 s, later 1.7–1.8 s (01_pooling, the slowest).

The feedback page goes where the command always writes it, ``work/<assignment>/feedback.html``.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
from autograder.grading import check_helper  # noqa: E402
from grading import build_submission  # noqa: E402

NOTEBOOKS = {"01_pooling": "pooling.ipynb", "02_linear_activation": "linear_activation.ipynb", "03_lenet": "lenet.ipynb"}


def timed_check(assignment: str, path: Path) -> float:
    start = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "autograder", "check", assignment, str(path)],
                         cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if run.returncode != 0:
        sys.exit(f"check failed on the solution of {assignment}:\n{run.stdout}{run.stderr}")
    return seconds


def wait_for_helper(seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end and not check_helper.socket_path(ROOT).exists():
        time.sleep(0.1)
    time.sleep(1.0)                       # its imports and template, before the next check


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    os.environ["COURSE_CHECK_HELPER"] = "1"
    print(f"self-check of the instructor's solution, whole command, {os.cpu_count()} cores:")
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for assignment, notebook in NOTEBOOKS.items():
            path = Path(tmp) / assignment / notebook
            path.parent.mkdir()
            nbformat.write(build_submission(assignment, notebook, None), path)
            check_helper.stop(ROOT)
            first = timed_check(assignment, path)
            wait_for_helper()
            later = [timed_check(assignment, path) for _ in range(args.rounds)]
            worst = max(worst, statistics.median(later))
            print(f"  {assignment}/{notebook}: first check {first:.1f} s; later checks median "
                  f"{statistics.median(later):.1f} s (rounds: {', '.join(f'{s:.1f}' for s in later)})", flush=True)
    check_helper.stop(ROOT)
    print(f"slowest later check: {worst:.1f} s per notebook (goal ≤ 5 s)")


if __name__ == "__main__":
    main()
