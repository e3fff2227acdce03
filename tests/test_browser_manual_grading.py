"""The instructor grades a written answer in nbgrader's formgrader, in Chromium.

One submission (the instructor solution, written answer included) is graded by the sandboxed
grader, which leaves the written answer for a person. The instructor opens the manual-grading view,
sees the answer waiting (highlighted, no score), types a score, and the formgrader saves it: the
view shows it after a reload, the student's page shows the new total, and the gradebook has it.
"""

import pytest
from nbgrader.api import Gradebook

from autograder.grading.grade import Limits, grade_all
from autograder.coursedir.nbgrader_course import load_config
from grading import build_submission
from scratch import scratch_class
from test_browser import (ASSIGNMENT, NOTEBOOK, _shot, browser_context_args,  # noqa: F401 (fixtures)
                          browser_type_launch_args, lab, shoot_on_failure)
from test_browser_formgrader import _submission_url

pytestmark = pytest.mark.slow
WRITTEN = "leaky_over_relu_written"


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """The scratch course of this module (``lab`` serves it): one submission, autograded."""
    roster = tmp_path_factory.mktemp("roster") / "roster.csv"
    roster.write_text("id,first_name,last_name,email\nada,Ada,Lovelace,\n")
    root = scratch_class(tmp_path_factory.mktemp("manual") / "course", [ASSIGNMENT], roster=roster,
                         submissions={("ada", ASSIGNMENT): build_submission(ASSIGNMENT, NOTEBOOK, None)})
    summary = grade_all(ASSIGNMENT, root, workers=1, limits=Limits(cell_seconds=60), progress=False)
    assert summary.graded == ["ada"], summary
    return root


def _written_grade(course):
    with Gradebook(load_config(course).CourseDirectory.db_url) as gradebook:
        grade = gradebook.find_grade(WRITTEN, NOTEBOOK[:-len(".ipynb")], ASSIGNMENT, "ada")
        return grade.manual_score, grade.needs_manual_grade, gradebook.find_submission(ASSIGNMENT, "ada").score


def test_instructor_grades_a_written_answer_in_the_formgrader(lab, course, page, shoot_on_failure):
    base, token = lab
    page.set_default_timeout(60_000)
    page.goto(f"{base}/formgrader?token={token}")           # logs the instructor in (cookie)
    page.get_by_text(ASSIGNMENT).first.wait_for()
    assert _written_grade(course) == (None, True, 43.0)

    url = _submission_url(course, base, "ada")
    page.goto(url)
    page.get_by_text("the unit is dead").first.wait_for()       # the student's written answer is shown
    score = page.locator(f"input.score#{WRITTEN}")
    score.wait_for()
    assert "needs_manual_grade" in score.get_attribute("class")  # waiting for a person
    assert score.input_value() == ""
    score.scroll_into_view_if_needed()
    _shot(page, "manual-grading-before")
    score.fill("1.5")
    score.press("Tab")                                           # the change event saves the score
    page.wait_for_function(f"() => !document.getElementById('{WRITTEN}').classList.contains('needs_manual_grade')")
    for _ in range(50):                                          # the PUT reaches the gradebook
        if _written_grade(course)[0] is not None:
            break
        page.wait_for_timeout(200)
    assert _written_grade(course) == (1.5, False, 44.5)

    page.reload()
    score = page.locator(f"input.score#{WRITTEN}")
    score.wait_for()
    page.wait_for_function(f"() => document.getElementById('{WRITTEN}').value === '1.5'")
    assert "needs_manual_grade" not in score.get_attribute("class")
    _shot(page, "manual-grading-after")

    page.goto(f"{base}/formgrader/manage_students/ada")          # the student's page: the new total
    page.get_by_text("44.5 / 53").first.wait_for()           # 43 autograded + 1.5; 53 with the five written answers
