"""A submission that is a copy of the instructor's notebook (its markers, its solution cells verbatim)
is flagged for review (autograder/intake/copied_solution.py); the score is unchanged, and nothing of the
flag or of a hidden test reaches the student's feedback."""

import contextlib
import io
import nbformat
import pytest

from autograder import COURSE_ROOT
from autograder.authoring.assignments import load_notebook_spec
from autograder.intake.copied_solution import copy_flags, is_copy_flag
from grading import SUBMISSIONS, build_submission, grade_in_sandbox

ASSIGNMENT, NOTEBOOK = "02_linear_activation", "linear_activation.ipynb"
SOURCE = COURSE_ROOT / "source" / ASSIGNMENT / NOTEBOOK
HONEST = SUBMISSIONS / "leaky_relu" / "honest_index_put.py"
ANSWERS = ("leaky_relu_answer", "leaky_relu_function_answer", "linear_answer", "linear_function_answer",
           "gradient_check_answer")


def _spec():
    return load_notebook_spec(ASSIGNMENT, NOTEBOOK)


def test_the_source_notebook_is_flagged_for_its_markers_and_its_solution_cells():
    flags = copy_flags(_spec(), nbformat.read(SOURCE, as_version=4))
    where = f"(a copy of source/{ASSIGNMENT}/{NOTEBOOK}?)"
    assert flags == [f"the notebook carries the instructor's marker {m} {where}" for m in
                     ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")] + \
        [f"answer cell {a} is the instructor's solution cell verbatim {where}" for a in ANSWERS]
    assert all(map(is_copy_flag, flags))


def test_a_marker_in_any_cell_is_enough_and_whitespace_does_not_hide_a_copy():
    nb = build_submission(ASSIGNMENT, NOTEBOOK, HONEST)
    assert copy_flags(_spec(), nb) == []
    nb.cells[0].source += "\n\n### BEGIN HIDDEN TESTS"                       # a markdown cell
    assert copy_flags(_spec(), nb) == [f"the notebook carries the instructor's marker BEGIN HIDDEN TESTS "
                                       f"(a copy of source/{ASSIGNMENT}/{NOTEBOOK}?)"]
    spaced = build_submission(ASSIGNMENT, NOTEBOOK, None)
    for cell in spaced.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "leaky_relu_answer":
            cell.source = "\n\n".join(line.replace("    ", "\t") + "   " for line in cell.source.splitlines())
    assert [f.split(" is ")[0] for f in copy_flags(_spec(), spaced)] == [f"answer cell {a}" for a in ANSWERS]


def test_an_honest_answer_written_like_the_solution_without_its_comments_is_not_flagged():
    nb = build_submission(ASSIGNMENT, NOTEBOOK, None)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "leaky_relu_function_answer":
            cell.source = "\n".join(line for line in cell.source.splitlines() if not line.strip().startswith("#"))
    assert [f.split(" is ")[0] for f in copy_flags(_spec(), nb)] == [f"answer cell {a}" for a in ANSWERS
                                                                 if a != "leaky_relu_function_answer"]


def test_a_release_spec_compares_no_answer_cells():
    """The self-check of a student's copy without source/ grades against release/, whose answer
    cells are the stubs: an unanswered notebook is no copy of them."""
    spec = load_notebook_spec(ASSIGNMENT, NOTEBOOK, folder="release")
    assert copy_flags(spec, nbformat.read(COURSE_ROOT / "release" / ASSIGNMENT / NOTEBOOK, as_version=4)) == []


@pytest.mark.slow
def test_a_copy_of_source_is_flagged_in_results_and_summary_with_its_score_unchanged(tmp_path):
    from autograder.__main__ import print_summary

    summary, results = grade_in_sandbox(tmp_path / "course", ASSIGNMENT, NOTEBOOK, {
        "copies_source": nbformat.read(SOURCE, as_version=4), "honest": build_submission(ASSIGNMENT, NOTEBOOK, HONEST)})
    assert summary.failed == {}
    full = _spec().max_score
    assert [sum(t["score"] for t in r["tests"]) for r in results.values()] == [full, full]   # the score stands
    assert results["copies_source"]["flags"] == copy_flags(_spec(), nbformat.read(SOURCE, as_version=4))
    assert not any(map(is_copy_flag, results["honest"]["flags"]))
    assert "honest" not in summary.flagged
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        print_summary(summary)
    assert "flagged for review, copies_source" in printed.getvalue()
    assert (f"{NOTEBOOK}: the notebook carries the instructor's marker BEGIN HIDDEN TESTS "
            f"(a copy of source/{ASSIGNMENT}/{NOTEBOOK}?)") in printed.getvalue()
    assert f"{NOTEBOOK}: answer cell leaky_relu_answer is the instructor's solution cell verbatim" in printed.getvalue()
    _assert_formgrader_shows_the_flags_of(tmp_path / "course", "copies_source", not_of="honest")
    from autograder.publish.feedback import generate_feedback

    written, failed = generate_feedback(tmp_path / "course", ASSIGNMENT, ["copies_source"])
    assert failed == {}
    pages = sorted((tmp_path / "course" / "feedback" / "copies_source" / ASSIGNMENT).glob("*.html"))
    assert [p.name for p in pages] == ["feedback.html", NOTEBOOK.replace(".ipynb", ".html")]  # the kit's, nbgrader's
    for page in pages:
        feedback = page.read_text()
        for private in ("instructor's", "Flagged", "flagged", "_random_values", "struct.unpack"):
            assert private not in feedback, (page.name, private)


def _assert_formgrader_shows_the_flags_of(root, flagged, not_of):
    """In the gradebook the formgrader reads: the flagged student's tests need a manual grade (their
    automatic scores kept) and the first answer cell carries the flags as its comment."""
    from nbgrader.api import Gradebook
    from autograder.publish.review_comment import REVIEW_PREFIX
    from autograder.coursedir.nbgrader_course import load_config

    with Gradebook(load_config(root).CourseDirectory.db_url) as gradebook:
        for student, shown in ((flagged, True), (not_of, False)):
            notebook = gradebook.find_submission_notebook(NOTEBOOK[:-len(".ipynb")], ASSIGNMENT, student)
            tests = [g for g in notebook.grades if g.auto_score is not None]
            assert tests and all(g.needs_manual_grade == shown for g in tests)
            assert sum(g.score for g in tests) == _spec().max_score
            comments = {c.cell.name: c.comment for c in notebook.comments}
            if shown:
                assert comments["leaky_relu_answer"].startswith(REVIEW_PREFIX)
                assert "BEGIN HIDDEN TESTS" in comments["leaky_relu_answer"]
                assert not any(c and c.startswith(REVIEW_PREFIX) for g, c in comments.items() if g != "leaky_relu_answer")
            else:
                assert not any(c and c.startswith(REVIEW_PREFIX) for c in comments.values())
