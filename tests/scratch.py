"""One scratch course for the tests that need one (helpers for the tests).

:func:`scratch_class` makes a throwaway nbgrader course directory — the course's
nbgrader_config.py, the source of the given assignments, each one released by nbgrader, a roster
in its gradebook — and puts submissions where ``nbgrader collect`` would (:func:`submit`). Every
path comes from the course's layout (nbgrader's ``CourseDirectory``), none is joined by hand.
(``course_copy.copy_course`` is the other kind of copy: the whole kit, as a fresh clone has it.)
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

from autograder.coursedir.layout import layout
from autograder.coursedir.nbgrader_course import generate, import_roster, scratch_course


def scratch_class(dest: Path, assignments: list[str], *, roster: list[str] | Path = (),
                  submissions: dict[tuple[str, str], nbformat.NotebookNode] | None = None) -> Path:
    """A scratch course at ``dest``: ``assignments`` from this course's source/, each released;
    ``roster`` (student ids, or a roster CSV copied in under its own name) in the gradebook;
    ``submissions`` (``{(student, assignment): notebook}``) in submitted/. Returns ``dest``."""
    root = scratch_course(Path(dest), list(assignments))
    if isinstance(roster, Path):
        csv = root / roster.name
        shutil.copy(roster, csv)
    else:
        csv = root / "roster.csv"
        csv.write_text("id\n" + "".join(f"{student}\n" for student in roster))
    if isinstance(roster, Path) or roster:
        import_roster(csv, root)
    for assignment in assignments:
        generate(assignment, root)
    for (student, assignment), notebook in (submissions or {}).items():
        submit(root, student, assignment, notebook)
    return root


def submit(root: Path, student: str, assignment: str, notebook: nbformat.NotebookNode, name: str | None = None) -> Path:
    """Write ``notebook`` as ``student``'s submission of ``assignment`` (named ``name``, by default
    the assignment's one notebook); return its path."""
    if name is None:
        [name] = layout(Path(root)).notebooks(assignment)
    path = layout(Path(root)).submitted(student, assignment) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return path
