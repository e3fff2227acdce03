"""Record a graded submission (the parent process only): results.json, the gradebook, the
autograded notebooks for the formgrader, the feedback report.

:func:`record_result` writes them inside a boundary: whatever fails is reported for this
submission as "not graded: <reason>", and results.json, written last and atomically, marks it
finished, so an interrupted run keeps what finished and a re-run retries the rest.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat

from autograder.authoring.assignments import NotebookSpec
from autograder.coursedir.layout import layout
from autograder.publish.results import NotebookResult, RunSummary, SubmissionResult
from autograder.publish.review_comment import is_review_comment, review_comment
from autograder.publish.sanitize import sanitize_notebook
from autograder.intake.submission import (MAX_NOTEBOOK_BYTES, SubmissionRefused, clean_text, json_safe, open_regular,
                                   parse_notebook, read_timestamp)
from autograder.intake.submission import reason as _reason


def results_path(root: Path, student: str, assignment: str) -> Path:
    return layout(root).results(student, assignment)


def write_json_atomically(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.part")
    tmp.write_text(json.dumps(data, indent=1))
    os.replace(tmp, path)


def roster(root: Path) -> list[str]:
    from autograder.coursedir.nbgrader_course import load_config
    from nbgrader.api import Gradebook

    with Gradebook(load_config(root).CourseDirectory.db_url) as gradebook:
        return sorted(s.id for s in gradebook.students)


def record_in_gradebook(root: Path, result: SubmissionResult, specs: list[NotebookSpec] = ()) -> list[str]:
    """Write one submission's scores into nbgrader's gradebook (only ever called by the parent);
    return warnings (an unreadable timestamp.txt: the notebook's file time is used).

    A notebook with flags (review.py, copied_solution.py) is shown for review in the formgrader:
    its tests' grades keep their scores but are marked as needing a manual grade, and the flags are
    the automatic comment of its first answer cell (in ``specs``' order)."""
    from autograder.coursedir.nbgrader_course import generate, load_config
    from nbgrader.api import Gradebook, MissingEntry

    db_url = load_config(root).CourseDirectory.db_url
    student, assignment = result.student, result.assignment
    with Gradebook(db_url) as gradebook:
        try:
            gradebook.find_assignment(assignment)
        except MissingEntry:
            generate(assignment, root)
        try:
            gradebook.find_submission(assignment, student)
        except MissingEntry:
            gradebook.add_submission(assignment, student)
        folder = layout(root).submitted(student, assignment)
        submission = gradebook.find_submission(assignment, student)
        notebooks = [folder / nb.notebook for nb in result.notebooks]
        timestamp, warning = read_timestamp(folder, notebooks[0] if notebooks else None)
        if timestamp is not None:
            submission.timestamp = timestamp
        for notebook in result.notebooks:
            name = Path(notebook.notebook).stem
            for test in notebook.tests:
                grade = gradebook.find_grade(test.grade_id, name, assignment, student)
                grade.auto_score = test.score
                grade.manual_score = None
                grade.needs_manual_grade = bool(notebook.flags)
            mark_for_review(gradebook, notebook, assignment, student, specs)
            tested = {test.grade_id for test in notebook.tests}
            for grade in gradebook.find_submission_notebook(name, assignment, student).grades:
                if grade.name not in tested:    # a written answer: left for people, as nbgrader's autograde does
                    grade.auto_score = None     # (a manual score given earlier is kept, to review again)
                    grade.needs_manual_grade = True
        gradebook.db.commit()
    return [warning] if warning else []


def mark_for_review(gradebook, notebook: NotebookResult, assignment: str, student: str, specs) -> None:
    """The flags of one graded ``notebook`` as the automatic comment of its first answer cell (a
    previous run's flag cleared when there is none now); a manual comment the instructor wrote wins,
    as nbgrader's ``Comment.comment`` does."""
    name = Path(notebook.notebook).stem
    comments = {c.cell.name: c for c in gradebook.find_submission_notebook(name, assignment, student).comments}
    order = [cell.grade_id for spec in specs if spec.name == notebook.notebook for cell in spec.answers]
    first = next((comments[g] for g in order if g in comments), None)
    if first is None and comments:
        first = comments[sorted(comments)[0]]
    for comment in comments.values():
        if is_review_comment(comment.auto_comment):
            comment.auto_comment = None
    if first is not None and notebook.flags:
        first.auto_comment = review_comment(notebook.flags)


def write_autograded_notebooks(root: Path, result: SubmissionResult, specs: list[NotebookSpec]) -> None:
    """The submitted notebooks with each test's outcome as its test cell's output, in autograded/ where
    nbgrader's formgrader shows them, sanitised. Read again as grading read them (never through a link,
    size capped): as nbformat reads them, so that the graders see the student's outputs and attached
    images; a notebook nbformat refuses (malformed metadata) as :func:`parse_notebook` cleans it."""
    for notebook, spec in zip(result.notebooks, specs):
        source_path = layout(root).submitted(result.student, result.assignment) / spec.name
        try:
            raw = open_regular(source_path, MAX_NOTEBOOK_BYTES)
        except SubmissionRefused:
            continue
        try:
            nb = nbformat.reads(raw.decode("utf-8", "replace"), as_version=4)
            for cell in nb.cells:       # a cell nbformat let through with metadata of the wrong shape
                if not isinstance(cell.get("metadata"), dict) or not isinstance(cell.metadata.get("nbgrader", {}), dict):
                    raise ValueError("malformed cell metadata")
        except Exception:  # noqa: BLE001 - whatever nbformat raises: the cleaned cells instead
            try:
                nb = parse_notebook(raw, spec.name)
            except SubmissionRefused:
                continue
        outcome = {t.grade_id: t for t in notebook.tests}
        tests = {c.grade_id: c for c in spec.tests}
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if isinstance(grade_id, str) and grade_id in tests and cell.cell_type == "code":
                cell.outputs = []
                test = outcome[grade_id]
                cell.outputs.append(nbformat.v4.new_output("stream", name="stdout",
                                                           text=f"{test.score:g} / {test.max_score:g}: {test.reason or 'passed'}\n"))
        out = layout(root).autograded(result.student, result.assignment) / spec.name
        out.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(sanitize_notebook(nb), out)        # what graders see holds no active content


def record_result(root: Path, result: SubmissionResult, specs: list[NotebookSpec], summary: RunSummary) -> None:
    """Write one submission's results (the parent only), inside a boundary: whatever fails is
    reported for this submission as "not graded: <reason>" in ``summary.failed``, and nothing
    marks it finished (results.json is written last), so the run goes on and a re-run retries it."""
    from autograder.publish.feedback import write_feedback

    student = clean_text(result.student)
    if result.error is not None:
        summary.failed[student] = f"not graded: {clean_text(result.error, 500)}"
        return
    try:
        result = SubmissionResult.from_json(json_safe(result.to_json()))   # the student's text: valid UTF-8, JSON only
        warnings = record_in_gradebook(root, result, specs)
        try:
            write_autograded_notebooks(root, result, specs)
        except Exception as exc:  # noqa: BLE001 - the scores stand; the formgrader copy is missing
            warnings.append(f"the autograded notebook could not be written ({_reason(exc)})")
        write_feedback(root, result)
        result.warnings = warnings
        write_json_atomically(results_path(root, student, result.assignment), result.to_json())
    except Exception as exc:  # noqa: BLE001 - this submission only; the run goes on
        summary.failed[student] = f"not graded: recording the results failed ({_reason(exc)})"
        return
    summary.graded.append(student)
    summary.seconds[student] = round(float(result.seconds), 2)
    if warnings:
        summary.warnings[student] = warnings
    flagged = [f"{nb.notebook}: {flag}" for nb in result.notebooks for flag in nb.flags]
    if flagged:
        summary.flagged[student] = flagged
