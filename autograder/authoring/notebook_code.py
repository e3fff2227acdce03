"""Read the code of a source notebook: its cells without nbgrader's markers, and the instructor
solution as a namespace (for benchmarks and for checking the hidden tests against torch)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from autograder import COURSE_ROOT

_MARKER = re.compile(r"^[ \t]*### (BEGIN|END) (SOLUTION|HIDDEN TESTS)[ \t]*\n?", flags=re.M)


def strip_markers(code: str) -> str:
    """Code with the ``### BEGIN/END SOLUTION`` and ``### BEGIN/END HIDDEN TESTS`` lines removed."""
    return _MARKER.sub("", code)


def code_cells(assignment: str, notebook: str, root: Path = COURSE_ROOT) -> list[tuple[dict, str]]:
    """``(nbgrader metadata or {}, code without markers)`` for every code cell, in order."""
    from autograder.coursedir.layout import layout

    source = nbformat.read(layout(Path(root)).source(assignment) / notebook, as_version=4)
    return [(cell.metadata.get("nbgrader", {}), strip_markers(cell.source))
            for cell in source.cells if cell.cell_type == "code"]


def instructor_namespace(assignment: str, notebook: str, grade_ids: list[str], root: Path = COURSE_ROOT) -> dict:
    """Run the cells with these grade_ids (in notebook order) and return what they define."""
    import torch
    import torch.nn.functional as F
    from torch import nn

    namespace = {"torch": torch, "F": F, "nn": nn, "__name__": f"{assignment}.solution"}
    found = set()
    for meta, code in code_cells(assignment, notebook, root):
        if meta.get("grade_id") in grade_ids:
            exec(compile(code, meta["grade_id"], "exec"), namespace)
            found.add(meta["grade_id"])
    missing = set(grade_ids) - found
    if missing:
        raise KeyError(f"{assignment}/{notebook} has no cells {sorted(missing)}")
    return namespace
