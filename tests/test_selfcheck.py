"""`./kit check`: a student grades their own notebook with the instructor's pipeline, gradebook untouched.

Real nbgrader release, the real sandbox, the real test cells, in a scratch course.
"""

import json
import shutil

import nbformat
import pytest
import torch

from autograder import COURSE_ROOT
from autograder.authoring.assignments import load_notebook_spec
from autograder.grading.grade import Limits, grade_all, results_path
from autograder.grading.selfcheck import check, run
from grading import SUBMISSIONS, build_submission
from scratch import scratch_class
from test_linear_activation_grading import LEAKY_RELU_CELLS

pytestmark = pytest.mark.slow
A, NB = "02_linear_activation", "linear_activation.ipynb"
LIMITS = dict(cell_seconds=20, call_seconds=10)
SPEC = load_notebook_spec(A, NB)                      # the instructor's tests: what a check runs
HIDDEN = [t for t in SPEC.tests if t.grade_id.endswith("_hidden")]


@pytest.fixture(autouse=True)
def _restore_environment(monkeypatch):
    """Checking hides GPUs in this process (autograder.sandbox.cpu_only); give the variables back afterwards."""
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "")
    monkeypatch.setenv("COURSE_DEVICE", "cpu")


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return scratch_class(tmp_path_factory.mktemp("selfcheck") / "course", [A], roster=COURSE_ROOT / "students.csv")


def _work(course, fixture, name):
    path = course / "work" / A / f"{name}" / NB
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(build_submission(A, NB, fixture), path)
    return path


def _scores(checked):
    return {t.grade_id: (t.score, t.max_score) for t in checked[0].result.tests}


def test_the_instructor_solution_gets_full_marks_and_the_gradebook_is_untouched(course, capsys):
    gradebook = course / "gradebook.db"
    before = gradebook.read_bytes()
    path = _work(course, None, "solution")
    assert run(A, [path], course, Limits(**LIMITS)) == 0
    out = capsys.readouterr().out
    assert f"{SPEC.max_score:g} / {SPEC.max_score:g} points" in out and "LOST" not in out
    assert out.count("ok  ") == len(SPEC.tests)
    assert gradebook.read_bytes() == before
    page = (course / "work" / A / "feedback.html").read_text()
    assert f"{SPEC.max_score:g} / {SPEC.max_score:g}" in page and "BEGIN HIDDEN TESTS" not in page


def test_a_wrong_answer_gets_the_instructor_grades_per_test_scores(course, capsys):
    fixture = SUBMISSIONS / "hostile" / "partly_wrong.py"
    mine = _scores(check(A, [_work(course, fixture, "partly_wrong")], course, Limits(**LIMITS)))
    folder = course / "submitted" / "ada" / A
    folder.mkdir(parents=True)
    nbformat.write(build_submission(A, NB, fixture), folder / NB)
    summary = grade_all(A, course, students=["ada"], workers=1, force=True, limits=Limits(**LIMITS), progress=False)
    assert summary.graded == ["ada"]
    graded = json.loads(results_path(course, "ada", A).read_text())["notebooks"][0]["tests"]
    assert mine == {t["grade_id"]: (t["score"], t["max_score"]) for t in graded}
    assert 0 < sum(s for s, _ in mine.values()) < SPEC.max_score


@pytest.mark.parametrize("fixture, phrase", [
    ("syntax_error", "answer cell leaky_relu_answer: SyntaxError"),
    ("endless_loop", "time limit exceeded"),
    ("unanswered", "not answered yet?"),
])
def test_a_broken_notebook_gets_a_clear_line_per_test(course, capsys, fixture, phrase):
    path = _work(course, SUBMISSIONS / "hostile" / f"{fixture}.py", fixture)
    limits = Limits(cell_seconds=5, call_seconds=5) if fixture == "endless_loop" else Limits(**LIMITS)
    assert run(A, [path], course, limits) == 1
    out = capsys.readouterr().out
    assert phrase in out, out
    lost = [line for line in out.splitlines() if line.lstrip().startswith("LOST")]
    # a syntax error in LeakyReLU's answer costs LeakyReLU's tests only (the linear layer and the
    # gradient check use nothing of it); a notebook that never ends or is blank loses every test
    failed = LEAKY_RELU_CELLS if fixture == "syntax_error" else {t.grade_id for t in SPEC.tests}
    assert {line.split()[1] for line in lost} == failed, out
    assert all(len(line.split("0 / ")[1].split(maxsplit=1)) == 2 for line in lost), out


def test_without_source_the_visible_tests_run_and_hidden_ones_are_named(course, tmp_path, capsys):
    copy = tmp_path / "student-course"
    shutil.copytree(course, copy, ignore=shutil.ignore_patterns("source", "submitted", "autograded", "work"))
    path = copy / "work" / A / NB
    path.parent.mkdir(parents=True)
    nbformat.write(build_submission(A, NB, None), path)
    assert run(A, None, copy, Limits(**LIMITS)) == 0
    out = capsys.readouterr().out
    visible = SPEC.max_score - sum(t.points for t in HIDDEN)
    assert f"{visible:g} / {visible:g} points" in out
    assert out.count("hidden test (") == len(HIDDEN) and "not run: source/ is not in this copy" in out


def test_scores_do_not_depend_on_whether_the_grader_sees_a_gpu(course, monkeypatch):
    """A hidden test that branched on torch.cuda.is_available(), or a setup cell that chose CUDA,
    would score differently here: this machine has no GPU to give CUDA tensors to."""
    paths = [_work(course, None, "gpu-solution"), _work(course, SUBMISSIONS / "hostile" / "partly_wrong.py", "gpu-wrong")]
    without = [_scores(check(A, [p], course, Limits(**LIMITS))) for p in paths]
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    with_gpu = [_scores(check(A, [p], course, Limits(**LIMITS))) for p in paths]
    assert with_gpu == without
    solution, wrong = (sum(s for s, _ in scores.values()) for scores in without)
    assert solution == SPEC.max_score and wrong < solution


@pytest.mark.parametrize("assignment", sorted(p.name for p in (COURSE_ROOT / "source").iterdir() if p.is_dir()))
def test_the_instructor_solution_raises_in_no_cell(assignment, tmp_path):
    """The lesson cells the tests need (tagged ``grader-setup``) run in the student's process too, where
    the exercise's forbidden torch operations raise: a setup cell that calls one would tell every
    student, even one with perfect answers, that a cell of their notebook failed."""
    for source in sorted((COURSE_ROOT / "source" / assignment).glob("*.ipynb")):
        path = tmp_path / source.name
        nbformat.write(build_submission(assignment, source.name, None), path)
        [checked] = check(assignment, [path], COURSE_ROOT, Limits(**LIMITS))
        assert checked.result.cell_errors == [] and not checked.result.ended, checked.result
        assert all(t.score == t.max_score for t in checked.result.tests), checked.result.tests
