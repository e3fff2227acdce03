"""Grade notebooks through the real nbgrader pipeline in a scratch course (helpers for the tests)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from autograder import COURSE_ROOT
from autograder.nbgrader_course import autograde, generate, scores, scratch_course

SUBMISSIONS = Path(__file__).resolve().parent / "submissions"


def _cell(notebook, grade_id):
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            return cell
    raise KeyError(f"no cell with grade_id {grade_id!r}")


def instructor_solution(assignment: str, notebook: str, grade_id: str) -> str:
    """The source notebook's solution for one answer cell, without the nbgrader markers."""
    source = nbformat.read(COURSE_ROOT / "source" / assignment / notebook, as_version=4)
    text = _cell(source, grade_id).source
    return re.sub(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n", "", text, flags=re.M)


def student_notebook(assignment: str, notebook: str, answers: dict[str, str]):
    """The released notebook with the given answer cells filled in, as a student would hand it in."""
    nb = nbformat.read(COURSE_ROOT / "release" / assignment / notebook, as_version=4)
    for grade_id, code in answers.items():
        _cell(nb, grade_id).source = code
    return nb


def grade_all(workdir: Path, assignment: str, notebook: str, submissions: dict[str, object]):
    """Autograde each ``{student: notebook node}``; return ``{student: {grade_id: (score, max)}}``."""
    course = scratch_course(workdir, [assignment])
    generate(assignment, course)
    results = {}
    for student, nb in submissions.items():
        folder = course / "submitted" / student / assignment
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / notebook)
        autograde(assignment, student, course)
        results[student] = scores(assignment, student, course)
    return results


def total(cell_scores: dict[str, tuple[float, float]]) -> float:
    return sum(score for score, _ in cell_scores.values())


def failed_cells(cell_scores: dict[str, tuple[float, float]]) -> set[str]:
    return {grade_id for grade_id, (score, maximum) in cell_scores.items() if score < maximum}
