"""Grading tooling for the course: release the student notebooks, grade submissions with nbgrader.

Run from the repository root (the nbgrader course directory), e.g. ``.venv/bin/python -m
autograder release``. This package is not installed into the environment, so notebook kernels
(and the students' code in them) cannot import it.
"""

from pathlib import Path

COURSE_ROOT = Path(__file__).resolve().parent.parent

# nbgrader runs `alembic` from PATH when it opens a new gradebook: find the one beside this Python.
import os as _os
import sys as _sys

_bin = _os.path.dirname(_sys.executable)
if _bin not in _os.environ.get("PATH", "").split(_os.pathsep):
    _os.environ["PATH"] = _bin + _os.pathsep + _os.environ.get("PATH", "")
