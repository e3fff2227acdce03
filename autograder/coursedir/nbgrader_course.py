"""nbgrader's own steps, run in-process on a course directory (no 4 s start-up per command).

A course directory is any folder with an ``nbgrader_config.py`` (the project's sets the course
root to the folder it sits in, so a copy of it makes a scratch course for tests).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from autograder import COURSE_ROOT
from autograder.coursedir.layout import layout, load_config  # noqa: F401 - load_config: the course config, asked here too


class NbgraderFailed(RuntimeError):
    """An nbgrader step reported failure; the message carries its log."""


def api(root: Path = COURSE_ROOT) -> NbGraderAPI:
    config = load_config(root)
    return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)


def assignments(root: Path = COURSE_ROOT) -> list[str]:
    """The assignment folders in ``source/``, in course order (their names start with a number)."""
    return layout(Path(root)).assignments()


def _checked(result: dict, what: str) -> dict:
    if not result.get("success"):
        raise NbgraderFailed(f"{what} failed:\n{result.get('error') or ''}\n{result.get('log') or ''}")
    return result


def generate(assignment: str, root: Path = COURSE_ROOT) -> None:
    """``nbgrader generate_assignment``: source/<assignment> → release/<assignment>."""
    _checked(api(root).generate_assignment(assignment, force=True, create=True),
             f"generate_assignment {assignment}")


def autograde(assignment: str, student: str, root: Path = COURSE_ROOT) -> dict:
    """``nbgrader autograde`` of submitted/<student>/<assignment>; returns nbgrader's result dict."""
    return _checked(api(root).autograde(assignment, student, force=True, create=True),
                    f"autograde {assignment} for {student}")


def scores(assignment: str, student: str, root: Path = COURSE_ROOT) -> dict[str, tuple[float, float]]:
    """``{grade_id: (score, max_score)}`` of every graded cell of the student's submission."""
    db_url = load_config(root).CourseDirectory.db_url
    with Gradebook(db_url) as gradebook:
        try:
            submission = gradebook.find_submission(assignment, student)
        except MissingEntry:
            return {}
        return {grade.name: (float(grade.score), float(grade.max_score))
                for notebook in submission.notebooks for grade in notebook.grades}


def scratch_course(dest: Path, assignment_names: list[str], root: Path = COURSE_ROOT) -> Path:
    """A throwaway course directory in ``dest`` with the given source assignments and the config."""
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "exchange").mkdir(exist_ok=True)
    shutil.copy(root / "nbgrader_config.py", dest / "nbgrader_config.py")
    for name in assignment_names:
        shutil.copytree(layout(Path(root)).source(name), layout(dest).source(name))
    return dest


def import_roster(csv_path: Path, root: Path = COURSE_ROOT) -> list[str]:
    """Add or update the students of a roster CSV (columns id, first_name, last_name, email) in the
    gradebook, like ``nbgrader db student import``; return their ids."""
    import csv

    with open(csv_path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if rows and "id" not in rows[0]:
        raise ValueError(f"{csv_path}: the roster needs an 'id' column (and optionally first_name, last_name, email)")
    with Gradebook(load_config(root).CourseDirectory.db_url) as gradebook:
        for row in rows:
            details = {k: (row.get(k) or None) for k in ("first_name", "last_name", "email")}
            gradebook.update_or_create_student(row["id"].strip(), **details)
    return [row["id"].strip() for row in rows]
