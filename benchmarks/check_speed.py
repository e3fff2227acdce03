"""Time a student's self-check: ``python -m autograder check ASSIGNMENT NOTEBOOK`` as the student runs it.

For each assignment, the instructor's solution is written as a student's notebook and the whole
command is timed from the shell's point of view (Python start-up, imports, the sandboxed student
process, every test cell, hidden tests included, and the feedback page). Prints seconds per
notebook for each round and the median. Goal: under 10 s per notebook on a 2-core machine.

    .venv/bin/python benchmarks/check_speed.py [--rounds 3]

The feedback page goes where the command always writes it, ``work/<assignment>/feedback.html``.
"""

import argparse
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
from grading import build_submission  # noqa: E402

NOTEBOOKS = {"01_pooling": "pooling.ipynb", "02_linear_activation": "linear_activation.ipynb", "03_lenet": "lenet.ipynb"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"self-check of the instructor's solution, whole command, {args.rounds} round(s):")
    with tempfile.TemporaryDirectory() as tmp:
        for assignment, notebook in NOTEBOOKS.items():
            path = Path(tmp) / assignment / notebook
            path.parent.mkdir()
            nbformat.write(build_submission(assignment, notebook, None), path)
            seconds = []
            for _ in range(args.rounds):
                start = time.perf_counter()
                run = subprocess.run([sys.executable, "-m", "autograder", "check", assignment, str(path)],
                                     cwd=ROOT, capture_output=True, text=True)
                seconds.append(time.perf_counter() - start)
                if run.returncode != 0:
                    sys.exit(f"check failed on the solution of {assignment}:\n{run.stdout}{run.stderr}")
            rounds = ", ".join(f"{s:.1f}" for s in seconds)
            print(f"  {assignment}/{notebook}: median {statistics.median(seconds):.1f} s per notebook "
                  f"(rounds: {rounds} s)")


if __name__ == "__main__":
    main()
