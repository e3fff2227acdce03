"""Self-check: a student grades their own notebook with the instructor's pipeline, gradebook untouched.

``./kit check ASSIGNMENT [NOTEBOOK ...]`` (``python -m autograder check``) grades the student's copy
in ``work/<assignment>/`` (or the notebooks named) exactly as ``python -m autograder grade`` does —
the same sandboxed student process, the same test cells run in a process that never runs the
student's code — and prints every test's points and the reason for each lost point (the test's
message, the exception, "time limit exceeded"), never a test's code.

- Where ``source/`` is present (a self-learner's clone), the hidden tests run too.
- Where it is not (a student's copy of the release), the visible tests run, and each hidden test is
  listed as not run, with its points.
- It writes the same feedback page as the instructor's grading, to ``work/<assignment>/feedback.html``,
  and never opens the gradebook.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from autograder import COURSE_ROOT
from autograder.authoring.assignments import NotebookSpec, load_notebook_spec
from autograder.authoring.hidden_test_note import is_hidden_test_note
from autograder.publish.results import NotebookResult, SubmissionResult

WORK = "work"


class CheckError(RuntimeError):
    """The check cannot start (unknown assignment or notebook); the message says what to do."""


@dataclass
class CheckedNotebook:
    path: Path
    result: NotebookResult
    hidden_not_run: list[tuple[str, float]] = field(default_factory=list)


def notebook_spec(assignment: str, notebook: str, root: Path) -> tuple[NotebookSpec, list[tuple[str, float]]]:
    """The spec to grade against, and the hidden tests it cannot run (``(grade_id, points)``).

    With ``source/``: the instructor's notebook, hidden tests included. Without it: the released
    notebook, whose hidden test cells hold only a note; those are left out and listed.
    """
    from autograder.coursedir.layout import layout

    if (layout(Path(root)).source(assignment) / notebook).is_file():
        return load_notebook_spec(assignment, notebook, root), []
    spec = load_notebook_spec(assignment, notebook, root, folder="release")
    hidden = [c for c in spec.tests if is_hidden_test_note(c.code) or not c.code.strip()]
    spec.cells = [c for c in spec.cells if c not in hidden]
    return spec, [(c.grade_id, c.points) for c in hidden]


def _assignment_notebooks(assignment: str, root: Path) -> list[str]:
    from autograder.coursedir.layout import layout

    names = layout(Path(root)).notebooks(assignment)
    if names:
        return names
    known = layout(Path(root)).released_assignments()
    raise CheckError(f"no assignment {assignment!r} in this course (assignments: {', '.join(known) or 'none'})")


def _which_spec_notebook(path: Path, names: list[str]) -> str:
    if path.name in names:
        return path.name
    if len(names) == 1:
        return names[0]
    raise CheckError(f"{path} is not one of this assignment's notebooks ({', '.join(names)}): name it like one")


def check(assignment: str, notebooks: list[Path] | None = None, root: Path = COURSE_ROOT,
          limits=None) -> list[CheckedNotebook]:
    """Grade the student's notebooks of ``assignment`` (default: their copies in ``work/``)."""
    from autograder.sandbox.cpu_only import grade_on_cpu

    grade_on_cpu()                          # the same scores as the instructor's grading, on any machine
    from autograder.grading.notebook_grading import Limits, grade_notebook
    from autograder.sandbox.bwrap import SandboxUnavailable, bwrap_command
    from course.paths import data_dir

    root = Path(root)
    names = _assignment_notebooks(assignment, root)
    paths = [Path(p) for p in notebooks] if notebooks else [root / WORK / assignment / n for n in names]
    for path in paths:
        if not path.is_file():
            hint = " (run ./kit setup to make your copies in work/)" if WORK in path.parts else ""
            raise CheckError(f"{path} does not exist{hint}")
    limits = limits or Limits()
    if limits.sandbox:
        try:
            bwrap_command(root, data_dir())
        except SandboxUnavailable:
            print("note: bubblewrap is not installed, so your code runs without the grader's sandbox "
                  "(fine for your own notebook; ./kit setup installs it on Debian/Ubuntu)")
            limits.sandbox = False
    checked = []
    with tempfile.TemporaryDirectory(prefix="selfcheck-") as scratch:
        for path in paths:
            spec, hidden = notebook_spec(assignment, _which_spec_notebook(path, names), root)
            workdir = Path(scratch) / path.stem
            checked.append(CheckedNotebook(path, grade_notebook(spec, path, workdir, data_dir(), limits), hidden))
    return checked


def feedback_result(assignment: str, checked: list[CheckedNotebook]) -> SubmissionResult:
    """The result :mod:`autograder.publish.feedback` renders, as for the instructor's grading."""
    return SubmissionResult("self-check", assignment, [c.result for c in checked])


def report_lines(checked: list[CheckedNotebook]) -> list[str]:
    """What the command prints: per test its points and, for a lost point, why."""
    lines = []
    for item in checked:
        result = item.result
        lines.append(f"{item.path}: {result.score:g} / {result.max_score:g} points ({result.seconds:.1f} s)")
        if result.ended:
            lines.append(f"  your notebook stopped early: {result.ended}")
        for error in result.cell_errors:
            lines.append(f"  a cell raised an error: {error.get('cell')}: {error.get('type')}: "
                         f"{str(error.get('message'))[:200]}")
        width = max((len(t.grade_id) for t in result.tests), default=10)
        for test in result.tests:
            mark = "ok  " if test.score >= test.max_score else "LOST"
            why = f"  {test.reason}" if test.score < test.max_score else ""
            if test.score < test.max_score and test.reason.startswith("NotImplementedError"):
                why += " (an answer cell still raises NotImplementedError: not answered yet?)"
            lines.append(f"  {mark} {test.grade_id:<{width}} {test.score:g} / {test.max_score:g}{why}")
        for grade_id, points in item.hidden_not_run:
            lines.append(f"  ---- {grade_id:<{width}} hidden test ({points:g} points), not run: source/ is not in "
                         "this copy of the course; it runs when your instructor grades")
    return lines


def run(assignment: str, notebooks: list[Path] | None = None, root: Path = COURSE_ROOT, limits=None) -> int:
    """The ``check`` command: grade, print, write the feedback page; 0 when every test passed."""
    from autograder.publish.feedback import feedback_html

    try:
        checked = check(assignment, notebooks, root, limits)
    except CheckError as exc:
        print(f"error: {exc}")
        return 2
    for line in report_lines(checked):
        print(line)
    page = Path(root) / WORK / assignment / "feedback.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(feedback_html(feedback_result(assignment, checked)), encoding="utf-8")
    print(f"feedback page: {page}")
    return 0 if all(c.result.score >= c.result.max_score for c in checked) else 1
