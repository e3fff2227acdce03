"""Grade notebooks through the real nbgrader pipeline in a scratch course (helpers for the tests)."""

from __future__ import annotations

from pathlib import Path

import nbformat

from autograder import COURSE_ROOT
from autograder.coursedir.nbgrader_course import autograde, scores
from autograder.authoring.notebook_code import strip_markers
from scratch import scratch_class, submit

SUBMISSIONS = Path(__file__).resolve().parent / "submissions"


def _cell(notebook, grade_id):
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            return cell
    raise KeyError(f"no cell with grade_id {grade_id!r}")


def instructor_solution(assignment: str, notebook: str, grade_id: str) -> str:
    """The source notebook's solution for one answer cell, without the nbgrader markers."""
    source = nbformat.read(COURSE_ROOT / "source" / assignment / notebook, as_version=4)
    return strip_markers(_cell(source, grade_id).source)


def written_answers(assignment: str, notebook: str) -> set[str]:
    """The grade_ids of the source notebook's written answers (markdown cells that people grade)."""
    source = nbformat.read(COURSE_ROOT / "source" / assignment / notebook, as_version=4)
    return {c.metadata["nbgrader"]["grade_id"] for c in source.cells
            if c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("grade")}


def answer_cells(assignment: str, notebook: str) -> list[str]:
    """The grade_ids of the source notebook's answer (solution) cells, in order."""
    source = nbformat.read(COURSE_ROOT / "source" / assignment / notebook, as_version=4)
    return [c.metadata["nbgrader"]["grade_id"] for c in source.cells
            if c.metadata.get("nbgrader", {}).get("solution")]


def _fixture_spec(fixture: Path | None, substitutions: dict | None = None) -> dict:
    spec: dict = {}
    if fixture is not None:                         # None: the instructor solution itself
        text = fixture.read_text()
        for key, value in (substitutions or {}).items():
            text = text.replace("{" + key + "}", str(value))
        exec(text, spec)
    return spec


def fixture_answers(assignment: str, notebook: str, fixture: Path | None, substitutions: dict | None = None) -> dict[str, str]:
    """Every answer cell of a fixture submission: the instructor solution, changed as the fixture says.

    A fixture module defines ``REPLACE = {grade_id: [(old, new), ...]}`` (each ``old`` must occur in
    the solution, so a fixture cannot silently go stale), ``APPEND = {grade_id: code}`` and/or
    ``PREPEND = {grade_id: code}`` and/or ``CODE = {grade_id: code}`` (the whole cell).
    """
    spec = _fixture_spec(fixture, substitutions)
    answers = {gid: instructor_solution(assignment, notebook, gid) for gid in answer_cells(assignment, notebook)}
    for grade_id, edits in spec.get("REPLACE", {}).items():
        for old, new in edits:
            if old not in answers[grade_id]:
                raise ValueError(f"{fixture.name}: {old!r} is not in the solution of {grade_id}")
            answers[grade_id] = answers[grade_id].replace(old, new)
    for grade_id, code in spec.get("APPEND", {}).items():
        answers[grade_id] += "\n" + code
    for grade_id, code in spec.get("PREPEND", {}).items():
        answers[grade_id] = code + answers[grade_id]
    answers.update({gid: code.strip() for gid, code in spec.get("CODE", {}).items()})
    return answers


def student_notebook(assignment: str, notebook: str, answers: dict[str, str]):
    """The released notebook with the given answer cells filled in, as a student would hand it in."""
    nb = nbformat.read(COURSE_ROOT / "release" / assignment / notebook, as_version=4)
    for grade_id, code in answers.items():
        _cell(nb, grade_id).source = code
    return nb


def grade_all(workdir: Path, assignment: str, notebook: str, submissions: dict[str, object]):
    """Autograde each ``{student: notebook node}``; return ``{student: {grade_id: (score, max)}}``."""
    course = scratch_class(workdir, [assignment])
    results = {}
    for student, nb in submissions.items():
        submit(course, student, assignment, nb, notebook)
        autograde(assignment, student, course)
        graded = scores(assignment, student, course)
        # Written answers wait for a person (0 points until then); the rest is the autograded score.
        assert written_answers(assignment, notebook) <= set(graded), "a written answer is missing from the gradebook"
        results[student] = {gid: s for gid, s in graded.items() if gid not in written_answers(assignment, notebook)}
    return results


def total(cell_scores: dict[str, tuple[float, float]]) -> float:
    return sum(score for score, _ in cell_scores.values())


def failed_cells(cell_scores: dict[str, tuple[float, float]]) -> set[str]:
    return {grade_id for grade_id, (score, maximum) in cell_scores.items() if score < maximum}


def grade_fixture_set(workdir: Path, assignment: str, notebook: str, fixture_dir: str,
                      expected_names) -> dict[str, dict[str, tuple[float, float]]]:
    """Grade the instructor solution, an unanswered notebook and every fixture in submissions/<fixture_dir>."""
    submissions = {"solution": student_notebook(assignment, notebook, fixture_answers(assignment, notebook, None)),
                   "unanswered": student_notebook(assignment, notebook, {})}
    for path in sorted((SUBMISSIONS / fixture_dir).glob("*.py")):
        submissions[path.stem] = student_notebook(assignment, notebook, fixture_answers(assignment, notebook, path))
    assert set(submissions) == set(expected_names), "every fixture submission needs an expected score"
    return grade_all(workdir, assignment, notebook, submissions)


def assert_graded(cell_scores, every_cell: set[str], max_score: float, expected_score: float,
                  expected_failures: set[str]) -> None:
    """The submission was graded on every test cell, failed exactly these, and scored exactly this."""
    assert set(cell_scores) == every_cell
    assert sum(maximum for _, maximum in cell_scores.values()) == max_score
    failed = failed_cells(cell_scores)
    assert failed == expected_failures, f"failed {sorted(failed)}, expected {sorted(expected_failures)}"
    assert total(cell_scores) == expected_score, f"scored {total(cell_scores)}, expected {expected_score}"


def hidden_share(cell_scores) -> float:
    """The fraction of all points that hidden test cells carry."""
    hidden = sum(m for grade_id, (_, m) in cell_scores.items() if grade_id.endswith("_hidden"))
    return hidden / sum(m for _, m in cell_scores.values())


def build_submission(assignment: str, notebook: str, fixture: Path | None, substitutions: dict | None = None):
    """A whole submitted notebook from a fixture: its answers, plus ``TESTS = {grade_id: source}``
    (test cells the student edited), ``DELETE = [grade_id, ...]`` (cells the student deleted) and
    ``UNANSWERED = True`` (the release notebook untouched)."""
    spec = _fixture_spec(fixture, substitutions)
    if spec.get("UNANSWERED"):
        return student_notebook(assignment, notebook, {})
    nb = student_notebook(assignment, notebook, fixture_answers(assignment, notebook, fixture, substitutions))
    for grade_id, code in spec.get("TESTS", {}).items():
        _cell(nb, grade_id).source = code
    deleted = set(spec.get("DELETE", []))
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") not in deleted]
    # ``CELLS = [cell JSON, ...]`` (cells the student appended, outputs included) and
    # ``NOTEBOOK_METADATA = {...}`` (merged into the notebook's metadata), as raw JSON, unvalidated.
    nb.cells += [nbformat.from_dict(cell) for cell in spec.get("CELLS", [])]
    nb.metadata.update(nbformat.from_dict(spec.get("NOTEBOOK_METADATA", {})))
    return nb


def grading_tests(assignment: str, notebook: str, fixture_dir: str, expected: dict, every_cell: set[str],
                  max_score: float, env: dict | None = None):
    """The fixture and tests every nbgrader grading module shares: grade all fixtures once (module
    scope), then one test per fixture asserting its exact score and failed cells, and one that
    hidden tests carry most of the points. Assign the three to module-level names."""
    import pytest

    @pytest.fixture(scope="module")
    def graded(tmp_path_factory):
        with pytest.MonkeyPatch.context() as patch:
            for key, value in (env or {}).items():
                patch.setenv(key, value)
            return grade_fixture_set(tmp_path_factory.mktemp("course"), assignment, notebook, fixture_dir, expected)

    @pytest.mark.slow
    @pytest.mark.parametrize("name", sorted(expected))
    def test_score(graded, name):
        assert_graded(graded[name], every_cell, max_score, *expected[name])

    @pytest.mark.slow
    def test_hidden_tests_carry_most_points(graded):
        # Each rule has a visible test (a point or so, on a worked example); the hidden tests check
        # the same rules on many more cases and carry most of the points.
        assert hidden_share(graded["solution"]) > 0.5

    return graded, test_score, test_hidden_tests_carry_most_points


def grade_in_sandbox(root: Path, assignment: str, notebook: str, submissions: dict[str, object], limits=None):
    """Grade ``{student: notebook node}`` with the sandboxed pipeline (``python -m autograder grade``)
    in a scratch course at ``root``; return the run's summary and ``{student: the notebook's result}``
    (results.json's, with its tests, flags, ...)."""
    import json

    from autograder.grading.grade import Limits, grade_all, results_path

    root = scratch_class(root, [assignment], roster=list(submissions))
    for name, nb in submissions.items():
        submit(root, name, assignment, nb, notebook)
    summary = grade_all(assignment, root, workers=2, limits=limits or Limits(cell_seconds=60), progress=False)
    return summary, {name: json.loads(results_path(root, name, assignment).read_text())["notebooks"][0]
                     for name in submissions if name in summary.graded}
