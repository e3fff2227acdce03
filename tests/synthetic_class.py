"""A synthetic graded class for the tests of the class report (helpers for the tests):
``synthetic_class(dest, n)`` makes a scratch course of 02_linear_activation whose gradebook holds
``n`` submissions with known scores and whose results.json files hold known reasons.

Student ``s0001``… (first name ``Ada0001``…, last name ``Lovelace``) loses a test cell's points
when ``lost(student_number, cell_number)``; a test cell lost is scored 0, and its reason names
the shape a student got, ``(k, k+1)`` against ``(k+1, k)`` for the student's own ``k`` (one group
after grouping), except on the cells ``cell_number % 4 == 3``, which fail with the student's own
name in the reason. Every seventh student's submission is collected but not graded. Written cells
get a manual score of ``student_number % 3`` (of 2) for even students and stay ungraded for odd.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

from sqlalchemy import bindparam, text, update

from autograder.coursedir.layout import layout
from autograder.coursedir.nbgrader_course import load_config
from autograder.insight.class_scores import cell_kinds
from scratch import scratch_class

ASSIGNMENT = "02_linear_activation"
NOTEBOOK = "linear_activation.ipynb"


def student_id(n: int) -> str:
    return f"s{n:04d}"


def lost(student: int, cell: int) -> bool:
    """Whether student number ``student`` loses test cell number ``cell`` (cells in notebook order)."""
    return (student * 7 + cell * 3) % (cell + 4) == 0 or (cell % 5 == 1 and student % 3 == 0)


def ungraded(student: int) -> bool:
    return student % 7 == 6


def written_score(student: int) -> float | None:
    return float(student % 3) if student % 2 == 0 else None


def reason(student: int, cell: int) -> str:
    if cell % 4 == 3:
        return f"AssertionError: Ada{student:04d} Lovelace was here"
    return f"expected shape ({student + 1}, {student}), got ({student}, {student + 1})"


def synthetic_class(dest: Path, n: int) -> Path:
    from nbgrader.api import Grade, GradeCell, Gradebook, Student, SubmittedAssignment, SubmittedNotebook

    root = scratch_class(Path(dest), [ASSIGNMENT])
    kinds = cell_kinds(ASSIGNMENT, root)
    tests = [gid for (_, gid), (kind, _) in kinds.items() if kind != "written"]
    written = [gid for (_, gid), (kind, _) in kinds.items() if kind == "written"]
    with Gradebook(load_config(root).CourseDirectory.db_url) as gradebook, warnings.catch_warnings():
        warnings.simplefilter("ignore")                      # nbgrader's own add_submission warns (SQLAlchemy)
        gradebook.db.execute(text("PRAGMA synchronous=OFF"))  # a throwaway gradebook: no fsync per commit
        for number in range(n):
            gradebook.add_student(student_id(number), first_name=f"Ada{number:04d}", last_name="Lovelace")
            gradebook.add_submission(ASSIGNMENT, student_id(number))
        rows = (gradebook.db.query(Grade.id, Student.id, GradeCell.name, GradeCell.max_score)
                .join(SubmittedNotebook, SubmittedNotebook.id == Grade.notebook_id)
                .join(SubmittedAssignment, SubmittedAssignment.id == SubmittedNotebook.assignment_id)
                .join(Student, Student.id == SubmittedAssignment.student_id)
                .join(GradeCell, GradeCell.id == Grade.cell_id).all())
        updates, results = [], {}
        for grade, student, grade_id, points in rows:
            number = int(student[1:])
            if ungraded(number):
                continue
            if grade_id in tests:
                cell = tests.index(grade_id)
                score = 0.0 if lost(number, cell) else points
                updates.append({"gid": grade, "auto": score, "manual": None})
                results.setdefault(student, []).append({"grade_id": grade_id, "score": score, "max_score": points,
                                                        "reason": reason(number, cell) if score < points else ""})
            else:
                updates.append({"gid": grade, "auto": None, "manual": written_score(number)})
        if updates:
            gradebook.db.execute(update(Grade.__table__).where(Grade.__table__.c.id == bindparam("gid"))
                                 .values(auto_score=bindparam("auto"), manual_score=bindparam("manual")), updates)
        for student, tests_of in results.items():
            path = layout(root).results(student, ASSIGNMENT)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps({"student": student, "assignment": ASSIGNMENT,
                                        "notebooks": [{"notebook": NOTEBOOK, "tests": tests_of}]}))
        gradebook.db.commit()
    return root, tests, written
