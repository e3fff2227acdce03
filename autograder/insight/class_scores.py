"""A graded class as the report reads it: every graded cell of an assignment, every submission's
score on each, and the grader's reason for each lost point.

The scores come from nbgrader's gradebook (one query of its database, what the formgrader shows:
a manual score wins over the automatic one, extra credit added), the reasons from the grader's
``results.json`` of each submission, the kind of each cell from the assignment's source notebooks:
a test cell holding ``### BEGIN HIDDEN TESTS`` is ``hidden``, another test cell ``visible``, a graded
answer (markdown, or code the instructor grades by hand) ``written``. A hidden test is paired with
the visible test before it in its notebook: in this course each rule is shown by a visible test and
then checked on more cases by a hidden one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from autograder.coursedir.layout import layout
from autograder.coursedir.nbgrader_course import load_config

HIDDEN_MARK = "### BEGIN HIDDEN TESTS"
MAX_RESULTS_BYTES = 8 * 1024**2          # a results.json is the grader's; larger is not one of them


class NothingToReport(RuntimeError):
    """No graded submission of the assignment (the message says what to run)."""


@dataclass(frozen=True)
class GradedCell:
    notebook: str                  # the notebook's file name, e.g. "linear_activation.ipynb"
    grade_id: str
    kind: str                      # "visible", "hidden" or "written"
    max_points: float
    pair: str | None = None        # a hidden test's visible test (its grade_id), else None


@dataclass
class ClassScores:
    assignment: str
    cells: list[GradedCell]
    scores: dict[str, dict[tuple[str, str], float]] = field(default_factory=dict)  # student → cell → score
    reasons: dict[str, dict[tuple[str, str], str]] = field(default_factory=dict)   # student → cell → why
    names: set[str] = field(default_factory=set)         # ids and names of the class (kept out of reports)
    ungraded: int = 0                                    # submissions in the gradebook with no score yet

    def graded(self, cell: GradedCell) -> dict[str, float]:
        """{student: score} of the students graded on ``cell``."""
        key = (cell.notebook, cell.grade_id)
        return {student: cells[key] for student, cells in self.scores.items() if key in cells}


def cell_kinds(assignment: str, root: Path) -> dict[tuple[str, str], tuple[str, str | None]]:
    """{(notebook, grade_id): (kind, pair)} of the graded cells of the source notebooks, in order."""
    import nbformat

    found = {}
    for path in sorted(layout(root).source(assignment).glob("*.ipynb")):
        visible = None
        for cell in nbformat.read(path, as_version=4).cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if not meta.get("grade") or not meta.get("grade_id"):
                continue
            if cell.cell_type != "code" or meta.get("solution"):
                kind, pair = "written", None
            elif HIDDEN_MARK in cell.source:
                kind, pair = "hidden", visible
            else:
                kind, pair, visible = "visible", None, meta["grade_id"]
            found[(path.name, meta["grade_id"])] = (kind, pair)
    return found


def _gradebook_rows(assignment: str, root: Path):
    """(student, first, last, notebook, grade_id, max, cell_type, auto, manual, extra) for every grade,
    and every cell of the assignment (notebook, grade_id, max, cell_type)."""
    from nbgrader.api import (Assignment, Grade, GradeCell, Gradebook, Notebook, Student, SubmittedAssignment,
                              SubmittedNotebook)

    with Gradebook(load_config(root).CourseDirectory.db_url) as gradebook:
        db = gradebook.db
        cells = (db.query(Notebook.name, GradeCell.name, GradeCell.max_score, GradeCell.cell_type)
                 .join(GradeCell, GradeCell.notebook_id == Notebook.id)
                 .join(Assignment, Assignment.id == Notebook.assignment_id)
                 .filter(Assignment.name == assignment).all())
        grades = (db.query(Student.id, Student.first_name, Student.last_name, Notebook.name, GradeCell.name,
                           Grade.auto_score, Grade.manual_score, Grade.extra_credit)
                  .join(SubmittedAssignment, SubmittedAssignment.student_id == Student.id)
                  .join(Assignment, Assignment.id == SubmittedAssignment.assignment_id)
                  .join(SubmittedNotebook, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
                  .join(Notebook, Notebook.id == SubmittedNotebook.notebook_id)
                  .join(Grade, Grade.notebook_id == SubmittedNotebook.id)
                  .join(GradeCell, GradeCell.id == Grade.cell_id)
                  .filter(Assignment.name == assignment).all())
        submitted = [s for (s,) in db.query(Student.id).join(SubmittedAssignment, SubmittedAssignment.student_id == Student.id)
                     .join(Assignment, Assignment.id == SubmittedAssignment.assignment_id)
                     .filter(Assignment.name == assignment).all()]
    return cells, grades, submitted


def _reasons(root: Path, student: str, assignment: str) -> dict[tuple[str, str], str]:
    """The grader's reasons for the lost points of one submission ({} where it has no results)."""
    path = layout(root).results(student, assignment)
    try:
        if path.is_symlink() or path.stat().st_size > MAX_RESULTS_BYTES:
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
        return {(str(nb["notebook"]), str(t["grade_id"])): str(t.get("reason") or "")
                for nb in data.get("notebooks", []) for t in nb.get("tests", [])
                if float(t["score"]) < float(t["max_score"])}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def read_class(assignment: str, root: Path) -> ClassScores:
    """The class's scores of ``assignment`` (see the module docstring); :class:`NothingToReport`
    when no submission of it has a score in the gradebook."""
    cells, grades, submitted = _gradebook_rows(assignment, root)
    kinds = cell_kinds(assignment, root)
    order = {key: n for n, key in enumerate(kinds)}
    graded_cells = []
    for notebook, grade_id, points, cell_type in cells:
        name = f"{notebook}.ipynb"
        kind, pair = kinds.get((name, grade_id), ("written" if cell_type == "markdown" else "visible", None))
        graded_cells.append(GradedCell(name, grade_id, kind, float(points), pair))
    graded_cells.sort(key=lambda c: (order.get((c.notebook, c.grade_id), len(order)), c.notebook, c.grade_id))
    scores: dict[str, dict[tuple[str, str], float]] = {}
    names: set[str] = set(submitted)
    for student, first, last, nb, gid, auto, manual, extra in grades:
        names.update(n for n in (first, last) if n)
        if manual is None and auto is None:
            continue
        score = (manual if manual is not None else auto) + (extra or 0.0)
        scores.setdefault(student, {})[(f"{nb}.ipynb", gid)] = float(score)
    if not cells and assignment not in layout(root).assignments():
        raise NothingToReport(f"the course has no assignment {assignment!r}: it has "
                              f"{', '.join(layout(root).assignments()) or 'none'} (in source/)")
    if not scores:
        raise NothingToReport(
            f"no submission of {assignment} has been graded: collect and grade first "
            f"(python -m autograder collect {assignment} --exchange; python -m autograder grade {assignment})")
    reasons = {student: _reasons(root, student, assignment) for student in scores}
    return ClassScores(assignment, graded_cells, scores, reasons, names, ungraded=len(set(submitted) - set(scores)))
