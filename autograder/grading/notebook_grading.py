"""Grade one notebook: its code in its own sandboxed process, each test in the grader's.

For one notebook of one student (:func:`grade_notebook`):

1. the student's process (see :mod:`autograder.sandbox.student_process`) starts in the sandbox and runs
   the instructor's setup cells, the student's answer cells and any cells the student added;
2. the grader's process runs the instructor's setup cells and then every test cell of the source
   notebook — hidden tests included, restored whatever the student did to them — with stand-ins
   for the student's functions and classes (:mod:`autograder.sandbox.stand_ins`). All comparisons happen
   here, in a process that never ran the student's code;
3. a test earns its points if it runs without an exception; otherwise it earns nothing, with the
   exception's message as the reason. If the student's process ended, ran out of time or memory,
   every remaining test earns nothing with that reason.

The results are :class:`~autograder.publish.results.NotebookResult` (one per notebook) and its tests'; the limits are
:class:`autograder.sandbox.limits.Limits`.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import time
from pathlib import Path

from autograder.authoring.assignments import NotebookSpec, student_cells
from autograder.sandbox.limits import Limits
from autograder.intake.copied_solution import copy_flags
from autograder.intake.review import review
from autograder.intake.submission import SubmissionRefused, clean_text, read_notebook, reason
from autograder.publish.results import NotebookResult, TestResult


def _run_trusted(code: str, namespace: dict, label: str) -> None:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        exec(compile(code, label, "exec"), namespace)


def submission_seed(cells: list[tuple[str, str]]) -> int:
    """The seed of the hidden tests' random inputs for these cells (the code the student's process
    runs): another submission draws other inputs, so what feedback shows cannot be hard-coded into
    a resubmission; the same submission graded again draws the same ones."""
    digest = hashlib.sha256(json.dumps(cells, ensure_ascii=True).encode("ascii")).digest()
    return 1 + int.from_bytes(digest[:4], "big") % 1_000_000_007


def cell_errors(ready) -> list[dict]:
    """The ready message's per-cell errors (sent by the student's process: any shape) as at most
    20 dicts of clean text."""
    errors = ready.get("errors") if isinstance(ready, dict) else None
    if not isinstance(errors, list):
        return []
    return [{"cell": clean_text(e.get("cell"), 200), "type": clean_text(e.get("type"), 100),
             "message": clean_text(e.get("message"), 2000)} for e in errors[:20] if isinstance(e, dict)]


def not_graded(spec: NotebookSpec, ended: str) -> NotebookResult:
    """A notebook that was not run: every test earns nothing, with ``ended`` as the reason."""
    return NotebookResult(spec.name, [TestResult(t.grade_id, 0.0, t.points, ended) for t in spec.tests], ended=ended)


def grade_notebook(spec: NotebookSpec, submitted_path: Path, workdir: Path, data_dir: Path,
                   limits: Limits) -> NotebookResult:
    """Grade one submitted notebook against ``spec`` (see the module docstring)."""
    from autograder.sandbox.remote import StudentProcess, StudentProcessGone
    from autograder.sandbox.stand_ins import Session, stand_in

    start = time.perf_counter()
    result = NotebookResult(spec.name)
    try:
        submitted = read_notebook(submitted_path)
    except SubmissionRefused as exc:
        return not_graded(spec, f"the notebook was not graded: {exc}")
    except Exception as exc:  # noqa: BLE001 - not a notebook at all
        return not_graded(spec, f"the notebook could not be read ({reason(exc)})")

    cells = student_cells(spec, submitted)
    result.flags = review(cells, spec.shortcuts) + copy_flags(spec, submitted)
    namespace: dict = {"__name__": "__main__", "GRADING_SEED": submission_seed(cells)}
    workdir.mkdir(parents=True, exist_ok=True)
    # The student's process starts (imports torch) while this process runs the setup cells.
    student = StudentProcess(workdir, data_dir, memory_bytes=limits.memory_bytes, call_seconds=limits.call_seconds,
                             sandbox_on=limits.sandbox, output_limit=limits.output_bytes,
                             total_seconds=max(limits.notebook_seconds, 1.0), max_processes=limits.max_processes,
                             scratch_bytes=limits.scratch_bytes, warm_start=limits.warm)
    session = Session(student)
    try:
        for cell in spec.cells:
            if cell.kind == "setup":
                _run_trusted(cell.code, namespace, f"setup cell {cell.index}")
        try:
            ready = student.run(cells, spec.exports, spec.forbidden, limits.cell_seconds, spec.rules)
            result.cell_errors = cell_errors(ready)
            exports = ready.get("exports") if isinstance(ready, dict) else None
            for name in spec.exports:
                kind = exports.get(name) if isinstance(exports, dict) else None
                if kind in ("callable", "class"):
                    namespace[name] = stand_in(session, name, kind)
        except StudentProcessGone as gone:
            result.ended = str(gone)
        for test in spec.tests:
            if student.gone:
                result.ended = result.ended or student.gone
                result.tests.append(TestResult(test.grade_id, 0.0, test.points, student.gone))
                continue
            try:
                _run_trusted(test.code, namespace, test.grade_id)
                result.tests.append(TestResult(test.grade_id, test.points, test.points))
            except StudentProcessGone as gone:
                result.ended = str(gone)
                result.tests.append(TestResult(test.grade_id, 0.0, test.points, str(gone)))
            except BaseException as exc:  # noqa: BLE001 - a failed test, whatever it raised
                result.tests.append(TestResult(test.grade_id, 0.0, test.points, reason(exc)))
    finally:
        student.close()
        result.sandbox_peak_bytes = student.peak_bytes
    result.seconds = time.perf_counter() - start
    return result
