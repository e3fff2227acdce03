"""What the warm start saves (issue 26): time from asking for a student process to its answer
that an (almost) empty notebook has run, cold and warm, both on the grader's own path.

    .venv/bin/python benchmarks/sandbox_start.py [--rounds 5]

1. **cold** (``Limits(warm=False)``, as every notebook started before issue 26): a fresh
   bubblewrap sandbox, a fresh Python, ``import torch`` and the student process's modules;
2. **warm** (the default): a child forked by the worker's template
   (:mod:`autograder.sandbox.template`) into its own user and mount namespaces, fresh tmpfs on
   ``/tmp``, ``/dev/shm`` and its working folder, its own cgroup. The template's own start, paid
   once per worker, is printed apart.

Each notebook lists what it finds in ``/tmp`` and in its working folder and then leaves a file in
both; the benchmark fails if a process finds a file an earlier one left. Measured 2026-12-07 on
this 2-core machine: cold about 1.2–1.7 s, warm about 50 ms, template start about 1.4–1.7 s.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder.sandbox import warm  # noqa: E402
from autograder.sandbox.limits import Limits  # noqa: E402
from autograder.sandbox.remote import StudentProcess  # noqa: E402
from course.paths import data_dir  # noqa: E402

NOTEBOOK = """
import os
seen = sorted(os.listdir("/tmp")) + sorted(os.listdir("."))
assert not any(name.startswith("left_by_") for name in seen), f"a file an earlier notebook left: {seen}"
open("/tmp/left_by_a_notebook", "w").write("x")
open("left_by_a_notebook", "w").write("x")
"""


def time_to_ready(warm_start: bool) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        student = StudentProcess(Path(tmp), data_dir(), memory_bytes=2 * 1024**3, call_seconds=60,
                                 warm_start=warm_start)
        try:
            ready = student.run([("cell", NOTEBOOK)], [], [], 120)
            seconds = time.perf_counter() - start
        finally:
            student.close()
    if ready.get("errors"):
        sys.exit(f"a notebook failed: {ready['errors']}")
    if warm_start and not isinstance(student.process, warm.WarmChild):
        sys.exit("the warm start fell back to a cold sandbox")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    cold = [time_to_ready(False) for _ in range(args.rounds)]
    print(f"cold start to ready (fresh sandbox, Python, imports): median {statistics.median(cold):.2f} s "
          f"of {args.rounds} ({', '.join(f'{t:.2f}' for t in cold)})", flush=True)
    start = time.perf_counter()
    warm.prepare(data_dir(), Limits.scratch_bytes, 1)
    started = time.perf_counter() - start
    children = [time_to_ready(True) for _ in range(args.rounds)]
    print(f"template sandbox started once in {started:.2f} s; a forked child in fresh namespaces to ready: "
          f"median {statistics.median(children) * 1000:.0f} ms ({', '.join(f'{t * 1000:.0f}' for t in children)})")
    print(f"saved per notebook: {statistics.median(cold) - statistics.median(children):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
