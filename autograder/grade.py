"""Grade submissions: each notebook's code in its own sandboxed process, each test in the grader's.

For one notebook of one student (:func:`grade_notebook`):

1. the student's process (see :mod:`autograder.student_process`) starts in the sandbox and runs
   the instructor's setup cells, the student's answer cells and any cells the student added;
2. the grader's process runs the instructor's setup cells and then every test cell of the source
   notebook — hidden tests included, restored whatever the student did to them — with stand-ins
   for the student's functions and classes (:mod:`autograder.remote`). All comparisons happen
   here, in a process that never ran the student's code;
3. a test earns its points if it runs without an exception; otherwise it earns nothing, with the
   exception's message as the reason. If the student's process ended, ran out of time or memory,
   every remaining test earns nothing with that reason.

:func:`grade_all` runs many submissions over a pool of worker processes, and only the parent
process writes results: a JSON file per submission (written atomically, so an interrupted run
keeps what finished), the nbgrader gradebook and an HTML feedback report.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from autograder import COURSE_ROOT
from autograder.assignments import NotebookSpec, load_assignment, student_cells
from autograder.copied_solution import copy_flags
from autograder.review_comment import is_review_comment, review_comment
from autograder.sanitize import sanitize_notebook
from autograder.review import review
from autograder.submission import (MAX_NOTEBOOK_BYTES, SubmissionRefused, clean_text, folder_problems, json_safe,
                                   open_regular, parse_notebook, read_notebook, read_timestamp)


@dataclass
class Limits:
    """Per notebook: seconds for its cells to run, seconds per call, seconds in all (cells and
    every call: past it, the tests that finished keep their points), memory of its sandbox (all its
    processes and tmpfs files, where a cgroup is available; per process otherwise), its number of
    processes (cgroup only), the size of each of its tmpfs mounts (working folder, /tmp, /dev/shm)."""

    cell_seconds: float = 120.0
    call_seconds: float = 30.0
    memory_bytes: int = 6 * 1024**3
    output_bytes: int = 10 * 1024**2
    sandbox: bool = True
    notebook_seconds: float = 300.0
    max_processes: int = 128
    scratch_bytes: int = 256 * 1024**2


@dataclass
class TestResult:
    grade_id: str
    score: float
    max_score: float
    reason: str = ""


@dataclass
class NotebookResult:
    notebook: str
    tests: list[TestResult] = field(default_factory=list)
    cell_errors: list[dict] = field(default_factory=list)
    ended: str = ""
    seconds: float = 0.0
    flags: list[str] = field(default_factory=list)     # for the instructor: autograder/review.py, copied_solution.py
    sandbox_peak_bytes: int | None = None                # all the sandbox's memory at its peak (cgroup)

    @property
    def score(self) -> float:
        return sum(t.score for t in self.tests)

    @property
    def max_score(self) -> float:
        return sum(t.max_score for t in self.tests)


def _run_trusted(code: str, namespace: dict, label: str) -> None:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        exec(compile(code, label, "exec"), namespace)


def _reason(exc: BaseException) -> str:
    try:
        text = f"{type(exc).__name__}: {exc}".strip()
    except Exception:  # noqa: BLE001 - an exception whose str() fails
        text = type(exc).__name__
    return clean_text(text, 500)


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
    from autograder.remote import StudentProcess, StudentProcessGone, stand_in

    start = time.perf_counter()
    result = NotebookResult(spec.name)
    try:
        submitted = read_notebook(submitted_path)
    except SubmissionRefused as exc:
        return not_graded(spec, f"the notebook was not graded: {exc}")
    except Exception as exc:  # noqa: BLE001 - not a notebook at all
        return not_graded(spec, f"the notebook could not be read ({_reason(exc)})")

    cells = student_cells(spec, submitted)
    result.flags = review(cells, spec.shortcuts) + copy_flags(spec, submitted)
    namespace: dict = {"__name__": "__main__", "GRADING_SEED": submission_seed(cells)}
    workdir.mkdir(parents=True, exist_ok=True)
    # The student's process starts (imports torch) while this process runs the setup cells.
    student = StudentProcess(workdir, data_dir, memory_bytes=limits.memory_bytes, call_seconds=limits.call_seconds,
                             sandbox_on=limits.sandbox, output_limit=limits.output_bytes,
                             total_seconds=max(limits.notebook_seconds, 1.0), max_processes=limits.max_processes,
                             scratch_bytes=limits.scratch_bytes)
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
                    namespace[name] = stand_in(student, name, kind)
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
                result.tests.append(TestResult(test.grade_id, 0.0, test.points, _reason(exc)))
    finally:
        student.close()
        result.sandbox_peak_bytes = student.peak_bytes
    result.seconds = time.perf_counter() - start
    return result


# -- one submission in a worker process ---------------------------------------------------------

_WORKER_STATE: dict = {}


def _worker_init() -> None:
    import matplotlib

    matplotlib.use("Agg")            # the grader's own setup cells may plot; nothing is shown
    import torch

    torch.set_num_threads(1)
    try:
        _WORKER_STATE["baseline_bytes"] = int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        pass


def _grader_memory() -> dict:
    """This grading worker's memory: its resident size when it started and its peak so far (bytes)."""
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"baseline_bytes": _WORKER_STATE.get("baseline_bytes", 0), "peak_bytes": peak}


def grade_submission(job: dict) -> dict:
    """Grade every notebook of one (student, assignment); runs in a worker process."""
    root, assignment = Path(job["root"]), job["assignment"]
    key = (str(root), assignment)
    if key not in _WORKER_STATE:                     # each worker reads the source notebooks once
        _WORKER_STATE[key] = load_assignment(assignment, root)
    specs = _WORKER_STATE[key]
    return grade_folder(specs, root / "submitted" / job["student"] / assignment, job)


def grade_folder(specs: list[NotebookSpec], folder: Path, job: dict) -> dict:
    """Grade the notebooks named by ``specs`` in ``folder`` (``job``: student, assignment, limits,
    data_dir); the result dict that :func:`record_result` records."""
    student, assignment = job["student"], job["assignment"]
    limits = Limits(**job["limits"])
    start = time.perf_counter()
    notebooks = []
    scratch = tempfile.mkdtemp(prefix="grade-")
    try:
        for spec in specs:
            workdir = Path(scratch) / Path(spec.name).stem
            notebooks.append(grade_notebook(spec, folder / spec.name, workdir, Path(job["data_dir"]), limits))
    finally:
        remove_tree(Path(scratch))
    return {"student": student, "assignment": assignment, "seconds": time.perf_counter() - start,
            "notebooks": [asdict(nb) for nb in notebooks], "grader_memory": _grader_memory()}


def remove_tree(path: Path) -> None:
    """Remove ``path`` whatever the student left in it (a 5000-deep folder chain, files without
    write permission): ``rm -rf`` (no recursion limit), then Python's bottom-up walk; never raises."""
    import shutil
    import subprocess

    try:
        subprocess.run(["rm", "-rf", "--one-file-system", "--", str(path)], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120, check=False)
    except (OSError, subprocess.SubprocessError):
        pass
    if os.path.lexists(path):
        shutil.rmtree(path, ignore_errors=True)


# -- the parent: discovery, results, gradebook, feedback ---------------------------------------

def results_path(root: Path, student: str, assignment: str) -> Path:
    return root / "autograded" / student / assignment / "results.json"


def write_json_atomically(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.part")
    tmp.write_text(json.dumps(data, indent=1))
    os.replace(tmp, path)


def find_submissions(root: Path, assignment: str) -> list[str]:
    folder = root / "submitted"
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if (p / assignment).is_dir())


def submission_problems(root: Path, student: str, assignment: str) -> list[str]:
    """Why ``submitted/<student>/<assignment>`` is refused: symbolic links (a link to the source
    notebook or to another student's work is never followed) and anything not a regular file."""
    folder = Path(root) / "submitted" / student
    if folder.is_symlink():
        return [f"submitted/{student} is a symbolic link (refused, never followed)"]
    return folder_problems(folder / assignment)


def collect_refusals(folder: Path) -> list[str]:
    """What the hub's collect refused of this submission (links, devices, others' files), one line each."""
    try:
        from hub.exchange import collect_refusals as read_note
    except ImportError:          # a course directory without the hub: nothing was collected by it
        return []
    return [clean_text(line, 300) for line in read_note(folder)]


def roster(root: Path) -> list[str]:
    from autograder.nbgrader_course import load_config
    from nbgrader.api import Gradebook

    with Gradebook(load_config(root).CourseDirectory.db_url) as gradebook:
        return sorted(s.id for s in gradebook.students)


def record_in_gradebook(root: Path, result: dict, specs: list[NotebookSpec] = ()) -> list[str]:
    """Write one submission's scores into nbgrader's gradebook (only ever called by the parent);
    return warnings (an unreadable timestamp.txt: the notebook's file time is used).

    A notebook with flags (review.py, copied_solution.py) is shown for review in the formgrader:
    its tests' grades keep their scores but are marked as needing a manual grade, and the flags are
    the automatic comment of its first answer cell (in ``specs``' order)."""
    from autograder.nbgrader_course import generate, load_config
    from nbgrader.api import Gradebook, MissingEntry

    db_url = load_config(root).CourseDirectory.db_url
    student, assignment = result["student"], result["assignment"]
    with Gradebook(db_url) as gradebook:
        try:
            gradebook.find_assignment(assignment)
        except MissingEntry:
            generate(assignment, root)
        try:
            gradebook.find_submission(assignment, student)
        except MissingEntry:
            gradebook.add_submission(assignment, student)
        folder = root / "submitted" / student / assignment
        submission = gradebook.find_submission(assignment, student)
        notebooks = [folder / nb["notebook"] for nb in result["notebooks"]]
        timestamp, warning = read_timestamp(folder, notebooks[0] if notebooks else None)
        if timestamp is not None:
            submission.timestamp = timestamp
        for notebook in result["notebooks"]:
            name = Path(notebook["notebook"]).stem
            for test in notebook["tests"]:
                grade = gradebook.find_grade(test["grade_id"], name, assignment, student)
                grade.auto_score = test["score"]
                grade.manual_score = None
                grade.needs_manual_grade = bool(notebook.get("flags"))
            mark_for_review(gradebook, notebook, assignment, student, specs)
            tested = {test["grade_id"] for test in notebook["tests"]}
            for grade in gradebook.find_submission_notebook(name, assignment, student).grades:
                if grade.name not in tested:    # a written answer: left for people, as nbgrader's autograde does
                    grade.auto_score = None     # (a manual score given earlier is kept, to review again)
                    grade.needs_manual_grade = True
        gradebook.db.commit()
    return [warning] if warning else []


def mark_for_review(gradebook, notebook: dict, assignment: str, student: str, specs) -> None:
    """The flags of one graded ``notebook`` as the automatic comment of its first answer cell (a
    previous run's flag cleared when there is none now); a manual comment the instructor wrote wins,
    as nbgrader's ``Comment.comment`` does."""
    name = Path(notebook["notebook"]).stem
    comments = {c.cell.name: c for c in gradebook.find_submission_notebook(name, assignment, student).comments}
    order = [cell.grade_id for spec in specs if spec.name == notebook["notebook"] for cell in spec.answers]
    first = next((comments[g] for g in order if g in comments), None)
    if first is None and comments:
        first = comments[sorted(comments)[0]]
    for comment in comments.values():
        if is_review_comment(comment.auto_comment):
            comment.auto_comment = None
    if first is not None and notebook.get("flags"):
        first.auto_comment = review_comment(notebook["flags"])


def write_autograded_notebooks(root: Path, result: dict, specs: list[NotebookSpec]) -> None:
    """The submitted notebooks with each test's outcome as its test cell's output, in autograded/ where
    nbgrader's formgrader shows them, sanitised. Read again as grading read them (never through a link,
    size capped): as nbformat reads them, so that the graders see the student's outputs and attached
    images; a notebook nbformat refuses (malformed metadata) as :func:`parse_notebook` cleans it."""
    for notebook, spec in zip(result["notebooks"], specs):
        source_path = root / "submitted" / result["student"] / result["assignment"] / spec.name
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
        outcome = {t["grade_id"]: t for t in notebook["tests"]}
        tests = {c.grade_id: c for c in spec.tests}
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if isinstance(grade_id, str) and grade_id in tests and cell.cell_type == "code":
                cell.outputs = []
                text = "passed" if not outcome[grade_id]["reason"] else outcome[grade_id]["reason"]
                cell.outputs.append(nbformat.v4.new_output("stream", name="stdout",
                                                           text=f"{outcome[grade_id]['score']:g} / {outcome[grade_id]['max_score']:g}: {text}\n"))
        out = root / "autograded" / result["student"] / result["assignment"] / spec.name
        out.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(sanitize_notebook(nb), out)        # what graders see holds no active content


def grade_all(assignment: str, root: Path = COURSE_ROOT, *, students: list[str] | None = None,
              workers: int | None = None, force: bool = False, limits: Limits | None = None,
              progress: bool = True, scheduler: str | None = None) -> dict:
    """Grade every submission of ``assignment`` (or just ``students``); return a summary dict.
    With ``scheduler`` (``tcp://HOST:PORT``) the grading runs on a Dask cluster (see
    :mod:`autograder.cluster`); results are recorded here either way."""
    from course.paths import data_dir

    from autograder.cpu_only import grade_on_cpu

    grade_on_cpu()                       # the same grade on any machine (see autograder.cpu_only)
    root = Path(root)
    limits = limits or Limits()
    specs = load_assignment(assignment, root)
    enrolled = set(roster(root))
    found = find_submissions(root, assignment) if students is None else list(students)
    unknown = sorted(set(found) - enrolled)
    todo, skipped = [], []
    for student in sorted(set(found) & enrolled):
        (skipped if results_path(root, student, assignment).exists() and not force else todo).append(student)
    summary = {"assignment": assignment, "graded": [], "failed": {}, "skipped": skipped,
               "not_on_roster": unknown, "seconds": {}, "warnings": {}, "notes": [], "flagged": {}}
    if limits.sandbox:
        from autograder.cgroup import availability
        from autograder.sandbox import bwrap_supports_size

        kind, sentence = availability()
        summary["notes"].append(sentence if kind else f"{sentence}; fallback: per-process limits")
        if not bwrap_supports_size():
            summary["notes"].append("this bubblewrap has no --size (0.7 or later): the sandbox's tmpfs mounts "
                                    "are capped only by its memory limit")
    for student in list(todo):
        problems = submission_problems(root, student, assignment)
        if problems:
            todo.remove(student)
            summary["failed"][student] = "not graded: " + "; ".join(problems)
    for student in sorted(set(found) & enrolled):
        refused = collect_refusals(root / "submitted" / student / assignment)
        if refused:
            summary.setdefault("collect_refused", {})[student] = refused
    jobs = [{"root": str(root), "student": s, "assignment": assignment, "data_dir": str(data_dir()),
             "limits": asdict(limits)} for s in todo]
    if not jobs:
        return summary
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    from tqdm.auto import tqdm

    with tqdm(total=len(jobs), desc=f"grading {assignment}", unit="submission", disable=not progress) as bar:
        if scheduler is None:
            results = run_jobs(jobs, workers)
        else:
            from autograder.cluster import run_on_cluster
            results = run_on_cluster(jobs, specs, scheduler, summary)
        for result in results:
            record_result(root, result, specs, summary)
            bar.update(1)
    return summary


WORKER_DIED = "the grading process died (likely out of memory)"


def run_jobs(jobs: list[dict], workers: int):
    """Yield the result of every job, graded over ``workers`` processes, as each finishes.

    At most ``workers`` jobs are in flight, so when a worker dies (the kernel's OOM killer, a
    signal) and the pool breaks, the suspects are known: each is graded again alone in a fresh
    pool, and one that breaks that pool too yields ``{"error": WORKER_DIED}``. The others are
    graded as usual; the run never waits on a dead process."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("fork")        # workers inherit the imported modules
    queue, alone = list(jobs), []
    while queue or alone:
        solo = bool(alone)
        batch, width = ([alone.pop(0)], 1) if solo else (queue, workers)
        pool = ProcessPoolExecutor(width, mp_context=context, initializer=_worker_init)
        running, broken = {}, []
        try:
            while batch or running:
                while batch and len(running) < width:
                    job = batch.pop(0)
                    running[pool.submit(_grade_safely, job)] = job
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    job = running.pop(future)
                    try:
                        yield future.result()
                    except BrokenProcessPool:
                        broken.append(job)
                if broken:
                    broken += list(running.values())
                    break
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        for job in broken:
            if solo:
                yield {"student": job["student"], "assignment": job["assignment"], "error": WORKER_DIED}
            else:
                alone.append(job)


def record_result(root: Path, result: dict, specs: list[NotebookSpec], summary: dict) -> None:
    """Write one submission's results (the parent only), inside a boundary: whatever fails is
    reported for this submission as "not graded: <reason>" in ``summary["failed"]``, and nothing
    marks it finished (results.json is written last), so the run goes on and a re-run retries it."""
    from autograder.feedback import write_feedback

    student = clean_text(result.get("student"))
    if "error" in result:
        summary["failed"][student] = f"not graded: {clean_text(result['error'], 500)}"
        return
    try:
        result = json_safe(result)                       # text from the student: valid UTF-8, JSON only
        warnings = record_in_gradebook(root, result, specs)
        try:
            write_autograded_notebooks(root, result, specs)
        except Exception as exc:  # noqa: BLE001 - the scores stand; the formgrader copy is missing
            warnings.append(f"the autograded notebook could not be written ({_reason(exc)})")
        write_feedback(root, result)
        result["warnings"] = warnings
        write_json_atomically(results_path(root, student, result["assignment"]), result)
    except Exception as exc:  # noqa: BLE001 - this submission only; the run goes on
        summary["failed"][student] = f"not graded: recording the results failed ({_reason(exc)})"
        return
    summary["graded"].append(student)
    summary["seconds"][student] = round(float(result["seconds"]), 2)
    if warnings:
        summary.setdefault("warnings", {})[student] = warnings
    flagged = [f"{nb['notebook']}: {flag}" for nb in result["notebooks"] for flag in nb.get("flags", [])]
    if flagged:
        summary.setdefault("flagged", {})[student] = flagged


def _grade_safely(job: dict) -> dict:
    try:
        return grade_submission(job)
    except Exception as exc:  # noqa: BLE001 - the grader's own failure for this one submission
        return {"student": job["student"], "assignment": job["assignment"], "error": _reason(exc)}
