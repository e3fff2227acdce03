"""The benchmark scripts run and print their figures (their speed goals are read, not asserted)."""

import os
import subprocess
import sys

import pytest

from autograder import COURSE_ROOT


def test_pooling_benchmark_prints_ratios():
    run = subprocess.run([sys.executable, "benchmarks/pooling_speed.py", "--repeats", "2"],
                         cwd=COURSE_ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "worst ratio" in run.stdout and run.stdout.count("×") >= 6


@pytest.mark.slow
def test_lenet_benchmark_prints_both_loops_and_the_ratio():
    run = subprocess.run([sys.executable, "benchmarks/lenet_speed.py", "--epochs", "1", "--rounds", "1", "--skip-modern"],
                         cwd=COURSE_ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "(a) d2l.train_ch6" in run.stdout and "(b) course.training" in run.stdout
    assert "ratio" in run.stdout and "examples/s" in run.stdout
    assert "(c) course.training's step alone (one resident batch" in run.stdout


@pytest.mark.slow
def test_notebook_benchmark_prints_the_run_time_and_slowest_cells():
    env = {k: v for k, v in os.environ.items() if k != "COURSE_EPOCHS"}
    run = subprocess.run([sys.executable, "benchmarks/notebook_speed.py", "source/01_pooling/pooling.ipynb"],
                         cwd=COURSE_ROOT, capture_output=True, text=True, timeout=600, env=env)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "source/01_pooling/pooling.ipynb: " in run.stdout and "s in all; slowest cells: #" in run.stdout


@pytest.mark.slow
def test_sandbox_start_benchmark_prints_both_starts_and_children_see_nothing_of_each_other():
    run = subprocess.run([sys.executable, "benchmarks/sandbox_start.py", "--rounds", "2"],
                         cwd=COURSE_ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]                 # it fails when a child sees another's file
    assert "cold start to ready" in run.stdout and "a forked child in fresh namespaces" in run.stdout
    assert "saved per notebook" in run.stdout


def test_stats_benchmark_prints_a_time_per_class_size():
    run = subprocess.run([sys.executable, "benchmarks/stats_speed.py", "--students", "3", "--rounds", "1"],
                         cwd=COURSE_ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    header, row = run.stdout.strip().splitlines()[-2:]
    assert header.split() == ["students", "median", "s", "max", "s"] and row.split()[0] == "3"
    assert float(row.split()[1]) > 0
