"""Written answers are graded by people: the sandboxed grader leaves them for manual grading, a
manual score given as the formgrader gives it reaches the export, and grading again keeps it.

Real nbgrader throughout: its gradebook, the formgrader's way of setting a score, its CSV export.
"""

import csv

import pytest
from nbgrader.api import Gradebook

from autograder.publish.feedback import export_grades
from autograder.grading.grade import Limits, grade_all
from autograder.coursedir.nbgrader_course import load_config
from grading import SUBMISSIONS, build_submission, written_answers
from scratch import scratch_class

ASSIGNMENT, NOTEBOOK, WRITTEN = "02_linear_activation", "linear_activation.ipynb", "leaky_over_relu_written"
LIMITS = Limits(cell_seconds=60, call_seconds=30)


def _grade(root, student, written=WRITTEN):
    with Gradebook(load_config(root).CourseDirectory.db_url) as gradebook:
        grade = gradebook.find_grade(written, NOTEBOOK[:-6], ASSIGNMENT, student)
        submission = gradebook.find_submission(ASSIGNMENT, student)
        return {"auto": grade.auto_score, "manual": grade.manual_score, "needs": grade.needs_manual_grade,
                "max": grade.max_score, "submission_needs": submission.needs_manual_grade}


def _set_manual_score(root, student, score, written=WRITTEN):
    """What the formgrader's PUT /formgrader/api/grade/<id> does (nbgrader's GradeHandler)."""
    with Gradebook(load_config(root).CourseDirectory.db_url) as gradebook:
        grade = gradebook.find_grade(written, NOTEBOOK[:-6], ASSIGNMENT, student)
        grade.manual_score = score
        grade.extra_credit = None
        grade.needs_manual_grade = grade.manual_score is None and grade.auto_score is None
        gradebook.db.commit()


def _exported(root, tmp_path):
    rows = list(csv.DictReader(open(export_grades(root, tmp_path / "grades.csv"))))
    [row] = [r for r in rows if r["assignment"] == ASSIGNMENT]
    return float(row["score"]), float(row["max_score"])


def test_every_notebook_has_a_written_answer():
    for assignment, notebook in (("01_pooling", "pooling.ipynb"), ("02_linear_activation", NOTEBOOK),
                                 ("03_lenet", "lenet.ipynb")):
        assert written_answers(assignment, notebook), f"{notebook} has no written answer"


@pytest.mark.slow
def test_written_answer_waits_for_a_person_and_its_score_reaches_the_export(tmp_path):
    # Right answers written otherwise than the instructor's (a verbatim copy of the solution would be
    # flagged for review, its tests waiting for a person too: tests/test_copied_solution.py), the
    # instructor's written answer.
    nb = build_submission(ASSIGNMENT, NOTEBOOK, SUBMISSIONS / "leaky_relu" / "honest_index_put.py")
    root = scratch_class(tmp_path / "course", [ASSIGNMENT], roster=["ada"], submissions={("ada", ASSIGNMENT): nb})

    summary = grade_all(ASSIGNMENT, root, workers=1, limits=LIMITS, progress=False)
    assert summary.graded == ["ada"], summary
    assert _grade(root, "ada") == {"auto": None, "manual": None, "needs": True, "max": 2.0, "submission_needs": True}
    assert _exported(root, tmp_path) == (43.0, 53.0)              # every autograded point, the five written ones pending

    _set_manual_score(root, "ada", 1.5)
    assert _grade(root, "ada")["needs"] is False
    assert _grade(root, "ada")["submission_needs"] is True           # four written answers still wait
    assert _exported(root, tmp_path) == (44.5, 53.0)
    others = sorted(written_answers(ASSIGNMENT, NOTEBOOK) - {WRITTEN})
    assert len(others) == 4, others
    for written in others:
        _set_manual_score(root, "ada", 2.0, written)
    assert _grade(root, "ada")["submission_needs"] is False
    assert _exported(root, tmp_path) == (52.5, 53.0)

    # Graded again (a resubmission): the written answers are to be reviewed again, their scores are not lost.
    again = grade_all(ASSIGNMENT, root, workers=1, force=True, limits=LIMITS, progress=False)
    assert again.graded == ["ada"], again
    assert _grade(root, "ada") == {"auto": None, "manual": 1.5, "needs": True, "max": 2.0, "submission_needs": True}
    assert [_grade(root, "ada", written)["manual"] for written in others] == [2.0] * 4
    assert _exported(root, tmp_path) == (52.5, 53.0)
