"""The grading pipeline on hostile submissions: every score exact, every other grade intact.

All fixtures in tests/submissions/hostile/ are graded together, in parallel, in the sandbox, in a
scratch course; a TCP listener on the grader's loopback checks that nothing reaches the network.
"""

import csv
import json
import os
import tempfile
import socket
import sqlite3
import threading
import zipfile

import nbformat
import pytest

from autograder.__main__ import collect_zip
from autograder.publish.feedback import export_grades
from autograder import COURSE_ROOT
from autograder.authoring.assignments import load_notebook_spec
from autograder.sandbox.cgroup import availability
from autograder.intake.copied_solution import is_copy_flag
from autograder.grading.grade import Limits, grade_all, results_path
from autograder.coursedir.nbgrader_course import scores
from grading import SUBMISSIONS, build_submission
from scratch import scratch_class, submit
from test_linear_activation_grading import NEW

ASSIGNMENT, NOTEBOOK = "02_linear_activation", "linear_activation.ipynb"
VISIBLE = {"test_leaky_relu_visible", "test_module_visible"}
LIMITS = Limits(cell_seconds=30, call_seconds=15, memory_bytes=3 * 1024**3, notebook_seconds=50)
CGROUP = availability()[0] is not None          # whole-sandbox memory and process caps here?
HELD = "no whole-sandbox limit"

NOT_GRADED = None
FULL = load_notebook_spec(ASSIGNMENT, NOTEBOOK).max_score         # every test cell's points
TOTAL = sum(float(c.metadata["nbgrader"].get("points", 0)) for c in     # written answers too
            nbformat.read(COURSE_ROOT / "source" / ASSIGNMENT / NOTEBOOK, as_version=4).cells
            if (c.metadata.get("nbgrader") or {}).get("grade"))
SLOW = "the tests that finished before the notebook's time ran out"
# submission → (score out of FULL or NOT_GRADED, a phrase the reason for lost points (or for not
# grading it) must contain). Every fixture changes only LeakyReLU's cells (25 points) or the whole
# run: one that leaves the rest of the notebook running keeps the NEW points of the linear layer and
# the gradient check (sections 9c and 9d), which use nothing of LeakyReLU.
EXPECTED = {
    "solution": (FULL, None),
    "partly_wrong": (22.0 + NEW, "leaky_relu([-2, 0, 3], 2.5)"),
    "unanswered": (0.0, "NotImplementedError"),
    "syntax_error": (0.0 + NEW, "not defined"),
    "exception_at_import": (0.0 + NEW, "not defined"),
    "endless_loop": (0.0, "time limit exceeded"),
    "os_exit": (0.0, "exit code 3"),
    "sys_exit": (0.0 + NEW, "not defined"),
    "segfault": (0.0, "signal SIGSEGV"),
    "memory_hog": (0.0 + NEW, "not defined"),
    "huge_output": (FULL, None),
    "edited_test_cell": (10.0 + NEW, "element 0 is"),    # the values wrong: 15 of LeakyReLU's 25 lost
    "deleted_test_cell": (10.0 + NEW, "element 0 is"),
    "calls_torch": (0.0 + NEW, "aten::leaky_relu is not allowed"),
    "claims_no_rule": (0.0 + NEW, "aten::leaky_relu is not allowed"),   # the rules come from source/ only
    "patches_torch_and_checks": (10.0 + NEW, "element 1 is"),
    "shell_reconfigured": (6.0, "element 0 is"),   # in place and module (compared with its own function); its
                                                   # reconfigured shell skips its own later answer (9b): 0 there
    "reads_solutions_writes_gradebook": (0.0 + NEW, "not defined"),
    "reaches_network": (FULL, None),
    # §1 of issue 14: what the submission sends is data, validated where it enters the grader
    "lone_surrogate_message": (0.0 + NEW, "ValueError: bad \ufffd text"),
    "non_json_ready_message": (FULL, None),
    "null_nbgrader_metadata": (FULL, None),
    "invalid_timestamp": (FULL, None),
    # §2: nothing of the grader reaches the student; hidden tests' inputs are drawn per submission
    "reads_grader_environment": (FULL, None),
    "hard_codes_feedback": (10.0 + NEW, "element 0 is"),
    # §6: only the student's own file is graded (NOT_GRADED: the run reports it, records nothing)
    "symlink_to_source": (NOT_GRADED, "linear_activation.ipynb is a symbolic link (refused, never followed)"),
    "symlink_to_other_student": (NOT_GRADED, "linear_activation.ipynb is a symbolic link"),
    "fifo_notebook": (NOT_GRADED, "linear_activation.ipynb is not a regular file (refused)"),
    # §3: the student's replies are decoded in bounded memory, before anything is allocated
    "pickled_sets_reply": (0.0, "a reply header of"),
    "expanded_reply": (0.0, "a reply of 240000000 bytes is larger than allowed"),
    "zero_stride_reply": (0.0, "a reply whose tensors take 4000000000 bytes decoded"),
    "huge_module_reply": (0.0, "the Linear's weights are not those of Linear"),
    # §4: limits hold for the whole sandbox (memory and processes only where a cgroup is available)
    "memory_in_children": (FULL, None) if CGROUP else (0.0, HELD),
    "many_processes": (FULL, None) if CGROUP else (0.0, "no process cap"),
    "fills_disk": (FULL, None),
    "deep_folders": (FULL, None),
    "slow_replies": (SLOW, "time limit exceeded (the notebook's total of 50 s)"),
    # §7: taking the block on torch's op apart no longer earns its points (the allow-list holds during
    # each call); the tampering is flagged for review
    "removes_the_block": (0.0 + NEW, "aten::leaky_relu is not allowed"),
    # ... and also switching off the allow-list inside each call does: the points stand, flagged
    "escapes_the_allow_list": (FULL, None),
}
# the submissions the grade report lists as "flagged for review" (autograder/intake/review.py)
FLAGGED = {"calls_torch", "claims_no_rule", "patches_torch_and_checks", "non_json_ready_message", "pickled_sets_reply",
           "zero_stride_reply", "huge_module_reply", "removes_the_block", "escapes_the_allow_list", "segfault"}
SECRET = ("GRADER_SECRET_TOKEN", "hunter2-do-not-leak")


def _prepare(name):
    """The fixture's ``prepare(folder, notebook_path, root)`` (changes beyond the answer cells), or None."""
    namespace: dict = {}
    exec((SUBMISSIONS / "hostile" / f"{name}.py").read_text(), namespace)
    return namespace.get("prepare")


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.5)
    received, stop = [], threading.Event()

    def listen():
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
                received.append(connection.recv(1000))
                connection.close()
            except OSError:
                pass

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    names = sorted(p.stem for p in (SUBMISSIONS / "hostile").glob("*.py"))
    assert set(names) == set(EXPECTED), "every hostile fixture needs an expected score"
    root = scratch_class(tmp_path_factory.mktemp("pipeline") / "course", [ASSIGNMENT], roster=names)
    for name in names:
        nb = build_submission(ASSIGNMENT, NOTEBOOK, SUBMISSIONS / "hostile" / f"{name}.py",
                              {"PORT": listener.getsockname()[1]})
        path = submit(root, name, ASSIGNMENT, nb)
        if _prepare(name) is not None:
            _prepare(name)(path.parent, path, root)
    os.environ[SECRET[0]] = SECRET[1]                   # a secret in the instructor's shell
    temp, tempfile.tempdir = tempfile.tempdir, str(tmp_path_factory.mktemp("system-temp"))
    try:
        summary = grade_all(ASSIGNMENT, root, workers=2, limits=LIMITS, progress=False)
        # (torch's own compile cache, made by the grader's processes, is not the students')
        left_on_disk = sorted(n for n in os.listdir(tempfile.tempdir) if not n.startswith("torchinductor_"))
        running = _processes_under(tempfile.tempdir)
    finally:
        del os.environ[SECRET[0]]
        tempfile.tempdir = temp
    stop.set()
    thread.join()
    listener.close()
    return {"root": root, "summary": summary, "received": received, "left_on_disk": left_on_disk,
            "running": running}


def _processes_under(folder):
    """Processes whose working folder is under ``folder`` (the sandboxes' working folders are)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if os.readlink(f"/proc/{pid}/cwd").startswith(folder):
                found.append(pid)
        except OSError:
            pass
    return found


def _results(root, student):
    return json.loads(results_path(root, student, ASSIGNMENT).read_text())["notebooks"][0]


GRADED = sorted(name for name, (score, _) in EXPECTED.items() if score is not NOT_GRADED)


@pytest.mark.slow
def test_every_submission_graded_or_reported(course):
    summary = course["summary"]
    assert sorted(summary.graded) == GRADED
    assert sorted(summary.failed) == sorted(set(EXPECTED) - set(GRADED))
    for name, reason in summary.failed.items():
        assert reason.startswith("not graded: ") and EXPECTED[name][1] in reason, reason


@pytest.mark.slow
@pytest.mark.parametrize("name", GRADED)
def test_exact_score_and_reason(course, name):
    score, phrase = EXPECTED[name]
    result = _results(course["root"], name)
    if score is SLOW:
        score = sum(t["score"] for t in result["tests"] if not t["reason"])
    assert sum(t["score"] for t in result["tests"]) == score
    reasons = " | ".join(t["reason"] for t in result["tests"] if t["reason"])
    if phrase is None:
        assert reasons == ""
    else:
        assert phrase in reasons
    # the gradebook holds exactly the same scores
    gradebook = scores(ASSIGNMENT, name, course["root"])          # (and any manually graded cells)
    autograded = {t["grade_id"]: t["score"] for t in result["tests"]}
    assert {gid: s for gid, (s, _) in gradebook.items() if gid in autograded} == autograded


@pytest.mark.slow
def test_a_refused_submission_leaves_no_record_and_no_hidden_test(course):
    root = course["root"]
    for name in set(EXPECTED) - set(GRADED):
        assert scores(ASSIGNMENT, name, root) == {}
        assert not (root / "autograded" / name).exists() and not (root / "feedback" / name).exists()
    assert not any("BEGIN HIDDEN" in p.read_text() or "_random_values" in p.read_text()
                   for p in root.glob(f"autograded/*/{ASSIGNMENT}/{NOTEBOOK}"))


@pytest.mark.slow
def test_text_from_the_student_is_kept_as_clean_text(course):
    root = course["root"]
    assert _results(root, "non_json_ready_message")["cell_errors"] == [
        {"cell": "<Tensor>", "type": "<Tensor>", "message": "<dict>"}]
    html = (root / "feedback" / "lone_surrogate_message" / ASSIGNMENT / "feedback.html").read_text(encoding="utf-8")
    assert "bad \ufffd text" in html
    assert (root / "autograded" / "lone_surrogate_message" / ASSIGNMENT / NOTEBOOK).is_file()


@pytest.mark.slow
def test_every_graded_submission_has_its_notebook_for_the_graders(course):
    """autograded/ holds a notebook for each graded submission, malformed metadata included, with each
    test's outcome as its test cell's output."""
    root = course["root"]
    assert all((root / "autograded" / name / ASSIGNMENT / NOTEBOOK).is_file() for name in GRADED)
    for name in ("solution", "null_nbgrader_metadata"):
        notebook = nbformat.read(root / "autograded" / name / ASSIGNMENT / NOTEBOOK, as_version=4)
        outcomes = [c.outputs[0]["text"] for c in notebook.cells
                    if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade_id") in VISIBLE]
        assert len(outcomes) == len(VISIBLE) and all(" / " in text for text in outcomes), (name, outcomes)


@pytest.mark.slow
def test_invalid_timestamp_is_a_warning_and_the_file_time_is_used(course):
    root = course["root"]
    (warning,) = course["summary"].warnings["invalid_timestamp"]
    assert warning.startswith("timestamp.txt is not a valid time") and "file time" in warning
    assert json.loads(results_path(root, "invalid_timestamp", ASSIGNMENT).read_text())["warnings"] == [warning]
    with sqlite3.connect(root / "gradebook.db") as db:
        (stamp,) = db.execute("select s.timestamp from submitted_assignment s join student t on s.student_id = t.id "
                              "where t.id = 'invalid_timestamp'").fetchone()
    mtime = (root / "submitted" / "invalid_timestamp" / ASSIGNMENT / NOTEBOOK).stat().st_mtime
    from datetime import datetime, timezone
    assert stamp.startswith(datetime.fromtimestamp(mtime, timezone.utc).strftime("%Y-%m-%d %H:%M:%S"))


@pytest.mark.slow
def test_nothing_of_the_graders_environment_reaches_the_student(course):
    root = course["root"]
    for path in [*root.glob("feedback/*/*/*.html"), *root.glob("autograded/*/*/results.json")]:
        assert SECRET[1] not in path.read_text(encoding="utf-8"), path


def _hidden_reasons(root, student):
    return {t["grade_id"]: t["reason"] for t in _results(root, student)["tests"] if t["grade_id"].endswith("_hidden")}


@pytest.mark.slow
def test_hidden_inputs_are_drawn_per_submission(course):
    root = course["root"]
    same_code = _hidden_reasons(root, "edited_test_cell")            # same answer cells, other test cells
    assert same_code == _hidden_reasons(root, "deleted_test_cell")
    other_code = _hidden_reasons(root, "hard_codes_feedback")        # one line more
    assert set(other_code) == set(same_code)
    assert other_code["test_values_hidden"] != same_code["test_values_hidden"]


@pytest.mark.slow
def test_the_graders_memory_stays_near_its_baseline(course):
    grown = {name: json.loads(results_path(course["root"], name, ASSIGNMENT).read_text())["grader_memory"]
             for name in GRADED}
    growth = max(m["peak_bytes"] - m["baseline_bytes"] for m in grown.values())
    assert growth < 0.5 * 1024**3, f"a grading worker grew by {growth / 2**20:.0f} MiB"


@pytest.mark.slow
def test_nothing_left_on_disk_or_running(course):
    assert course["left_on_disk"] == [] and course["running"] == []


@pytest.mark.slow
def test_the_notebooks_total_time_is_bounded(course):
    result = _results(course["root"], "slow_replies")
    assert 50 <= result["seconds"] < 50 + 15, result["seconds"]
    # the first tests passed (the first two calls are answered at once), every later one ran out of time
    passed = [not t["reason"] for t in result["tests"]]
    assert passed[:2] == [True, True] and passed == sorted(passed, reverse=True) and not passed[-1]
    assert all("the notebook's total of 50 s" in t["reason"] for t in result["tests"] if t["reason"])


@pytest.mark.slow
def test_the_run_says_which_limits_hold(course):
    notes = " ".join(course["summary"].notes)
    assert ("cgroup" in notes) if CGROUP else ("no writable cgroup" in notes and "fallback" in notes)


@pytest.mark.slow
def test_tampering_is_flagged_for_review(course):
    flagged = course["summary"].flagged
    # (fixtures are built from the instructor's solution: its untouched cells are flagged as copies)
    assert {name for name, lines in flagged.items() if not all(map(is_copy_flag, lines))} == FLAGGED
    assert any("torch.library" in line for line in flagged["removes_the_block"])
    assert any("_destroy" in line for line in flagged["removes_the_block"])
    assert _results(course["root"], "removes_the_block")["flags"] == [
        line.split(": ", 1)[1] for line in flagged["removes_the_block"]]


@pytest.mark.slow
def test_nothing_reached_the_network(course):
    assert course["received"] == []


@pytest.mark.slow
def test_gradebook_and_source_untouched_by_students(course):
    root = course["root"]
    with sqlite3.connect(root / "gradebook.db") as db:
        assert db.execute("pragma integrity_check").fetchone() == ("ok",)
    source = (root / "source" / ASSIGNMENT / NOTEBOOK).read_text()
    assert "BEGIN SOLUTION" in source            # still the instructor's notebook
    assert _results(root, "reads_solutions_writes_gradebook")["cell_errors"] == []


@pytest.mark.slow
def test_feedback_has_reasons_and_no_hidden_tests(course):
    root = course["root"]
    html = (root / "feedback" / "partly_wrong" / ASSIGNMENT / "feedback.html").read_text()
    assert f"{EXPECTED['partly_wrong'][0]:g} / {FULL:g}" in html and "2.5" in html
    for hidden_fragment in ("BEGIN HIDDEN", "_random_values", "_expected(", "struct.unpack"):
        assert hidden_fragment not in html
    ended = (root / "feedback" / "endless_loop" / ASSIGNMENT / "feedback.html").read_text()
    assert "stopped early" in ended and "time limit" in ended


@pytest.mark.slow
def test_export_is_one_row_per_student_with_scores(course, tmp_path):
    rows = list(csv.DictReader(open(export_grades(course["root"], tmp_path / "grades.csv"))))
    by_student = {r["student_id"]: r for r in rows if r["assignment"] == ASSIGNMENT}
    assert set(by_student) == set(EXPECTED)
    for name, (score, _) in EXPECTED.items():
        if score is SLOW:
            continue
        score = 0.0 if score is NOT_GRADED else score
        # FULL autograded points and written answers that wait for a person (tests/test_manual_grading.py)
        assert float(by_student[name]["score"]) == score and float(by_student[name]["max_score"]) == TOTAL


@pytest.mark.slow
def test_rerun_skips_and_forcing_one_changes_no_other(course):
    root = course["root"]
    before = {name: scores(ASSIGNMENT, name, root) for name in EXPECTED}
    again = grade_all(ASSIGNMENT, root, workers=2, limits=LIMITS, progress=False)
    assert again.graded == [] and sorted(again.skipped) == GRADED
    assert sorted(again.failed) == sorted(set(EXPECTED) - set(GRADED))      # refused again, not skipped
    reasons = _hidden_reasons(root, "edited_test_cell")
    forced = grade_all(ASSIGNMENT, root, students=["partly_wrong", "edited_test_cell"], force=True, workers=1,
                       limits=LIMITS, progress=False)
    assert forced.graded == ["edited_test_cell", "partly_wrong"]
    assert _hidden_reasons(root, "edited_test_cell") == reasons          # a regrade draws the same inputs
    assert {name: scores(ASSIGNMENT, name, root) for name in EXPECTED} == before


@pytest.mark.slow
def test_lms_zip_is_collected_into_nbgraders_layout(tmp_path):
    root = scratch_class(tmp_path / "course", [ASSIGNMENT])
    archive = tmp_path / "lms-download.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for student in ("ada", "grace"):
            bundle.writestr(f"{student}__{NOTEBOOK}", nbformat.writes(build_submission(ASSIGNMENT, NOTEBOOK, None)))
    assert collect_zip(ASSIGNMENT, archive, root) == 0
    assert sorted(p.parent.parent.name for p in (root / "submitted").glob(f"*/{ASSIGNMENT}/{NOTEBOOK}")) == ["ada", "grace"]
