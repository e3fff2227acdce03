"""Time the class report on a synthetic class: ``python -m autograder stats 02_linear_activation``
as the instructor runs it (a fresh Python: imports, the gradebook query, the reasons, the plots and
both files), for classes of several sizes (tests/synthetic_class.py makes each gradebook).
Goal (issue 27): a class of 500 in under 30 s on 2 cores.

    .venv/bin/python benchmarks/stats_speed.py [--students 1 50 500] [--rounds 3]

Printed per size: the median wall-clock seconds of ``--rounds`` runs, and the slowest.
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

STATS = ("import sys; from pathlib import Path; from autograder import __main__ as m; "
         "m.COURSE_ROOT = Path(sys.argv[1]); sys.exit(m.main(['stats', '02_linear_activation']))")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, nargs="+", default=[1, 50, 500])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    from synthetic_class import synthetic_class

    print(f"{'students':>8}  {'median s':>8}  {'max s':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        for students in args.students:
            root, _, _ = synthetic_class(Path(tmp) / f"class{students}", students)
            times = []
            for _ in range(args.rounds):
                started = time.perf_counter()
                subprocess.run([sys.executable, "-c", STATS, str(root)], cwd=ROOT, check=True, capture_output=True)
                times.append(time.perf_counter() - started)
            print(f"{students:>8}  {statistics.median(times):>8.2f}  {max(times):>6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
