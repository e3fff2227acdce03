"""The benchmark scripts run and print their figures (their speed goals are read, not asserted)."""

import subprocess
import sys

from autograder import COURSE_ROOT


def test_pooling_benchmark_prints_ratios():
    run = subprocess.run([sys.executable, "benchmarks/pooling_speed.py", "--repeats", "2"],
                         cwd=COURSE_ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "worst ratio" in run.stdout and run.stdout.count("×") >= 6
