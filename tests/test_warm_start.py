"""Warm student processes (issue 26): each notebook's process is forked from the worker's template
(:mod:`autograder.sandbox.template`), and nothing one student's process does reaches the next.

Student A does all it can to leave something behind: a global, a patched ``torch.add`` and
``course.checks``, a seeded RNG, torch's thread count and default dtype, an environment variable,
a signal handler, a thread still running, a daemon that outlives it, a file in every folder of
its sandbox it can write to; it also tries to read the template's memory and environment. Student
B, forked next by the same template, reports what it sees: exactly what a cold process sees.
"""

import os
import tempfile
from pathlib import Path

import pytest

from autograder.sandbox import warm
from autograder.sandbox.remote import StudentProcess, StudentProcessGone
from course.paths import data_dir

MOUNTS = '''
def folders():
    """Every mount point of this sandbox and the folders above them (where a file could be left)."""
    found = {os.getcwd(), "/"}
    for line in open("/proc/self/mountinfo"):
        path = line.split()[4]
        while path not in found:
            found.add(path)
            path = os.path.dirname(path)
    return sorted(p for p in found if not p.startswith(("/proc", "/sys/devices")))
'''

STUDENT_A = MOUNTS + r'''
import os, random, signal, sys, threading, time
import torch, course.checks
LEFT_BY_A = 1
torch.add = lambda *a, **k: "patched by A"
course.checks.LEFT_BY_A = True
torch.manual_seed(1234); random.seed(1234)
torch.set_num_threads(2); torch.set_default_dtype(torch.float64)
os.environ["LEFT_BY_A"] = "1"
signal.signal(signal.SIGTERM, signal.SIG_IGN)
threading.Thread(target=lambda: time.sleep(600), daemon=True).start()
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv("/bin/sleep", ["sleep", "987"])
    os._exit(0)
written = []
for folder in folders():
    try:
        with open(os.path.join(folder, "left_by_a"), "w") as handle:
            handle.write("A")
        written.append(folder)
    except OSError:
        pass
read_template = []
for pid in (1, os.getppid()):                     # bubblewrap's init and the template (the rest is A's own)
    for name in ("environ", "mem", "maps"):
        try:
            with open(f"/proc/{pid}/{name}", "rb") as handle:
                handle.read(1)
            read_template.append(f"{pid}/{name}")
        except OSError:
            pass
def report():
    return {"written": written, "read": read_template}
'''

STUDENT_B = MOUNTS + r'''
import os, signal, threading, torch, course.checks
def report():
    commands = []
    for pid in (p for p in os.listdir("/proc") if p.isdigit()):
        try:
            commands.append(open(f"/proc/{pid}/cmdline", "rb").read().decode(errors="replace"))
        except OSError:
            pass
    return {"global": "LEFT_BY_A" in globals(), "add": str(torch.add(torch.tensor(1.0), torch.tensor(1.0))),
            "checks": hasattr(course.checks, "LEFT_BY_A"), "seed": torch.initial_seed(),
            "rand": torch.rand(3).tolist(), "torch_threads": torch.get_num_threads(),
            "dtype": str(torch.get_default_dtype()), "env": os.environ.get("LEFT_BY_A"),
            "sigterm": str(signal.getsignal(signal.SIGTERM)), "threads": threading.active_count(),
            "daemon": [c for c in commands if "987" in c],
            "files": [f for f in folders() if os.path.exists(os.path.join(f, "left_by_a"))],
            "tmp": sorted(os.listdir("/tmp")), "cwd": os.getcwd(), "cwd_files": sorted(os.listdir("."))}
'''


def _run(code: str, warm_start: bool, tmp: Path) -> tuple[dict, object]:
    tmp.mkdir(parents=True, exist_ok=True)
    student = StudentProcess(tmp, data_dir(), memory_bytes=2 * 1024**3, call_seconds=30, warm_start=warm_start)
    try:
        ready = student.run([("cell", code)], ["report"], [], 60)
        assert ready["errors"] == [], ready
        reply = student.request({"op": "call", "export": "report", "args": [], "kwargs": {}, "tensors": [],
                                 "requires_grad": [], "call": 1})
        return reply["result"], student.process
    finally:
        student.close()


@pytest.fixture(scope="module")
def reports():
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        cold, _ = _run(STUDENT_B, False, tmp / "cold")
        a, a_process = _run(STUDENT_A, True, tmp / "a")
        b, b_process = _run(STUDENT_B, True, tmp / "b")
        b2, _ = _run(STUDENT_B, True, tmp / "b2")
    return {"cold": cold, "a": a, "b": b, "b2": b2, "a_process": a_process, "b_process": b_process}


def test_the_next_student_is_forked_by_the_same_template(reports):
    assert isinstance(reports["a_process"], warm.WarmChild) and isinstance(reports["b_process"], warm.WarmChild)
    assert reports["a_process"].template is reports["b_process"].template


def test_student_a_could_write_its_scratch_folders_and_nothing_else(reports):
    written = set(reports["a"]["written"])
    assert {"/tmp", "/dev/shm", reports["b"]["cwd"]} <= written, written
    assert written <= {"/tmp", "/dev/shm", reports["b"]["cwd"]} | {p for p in written if p.startswith("/dev/pts")}


def test_student_a_cannot_read_the_templates_memory_or_environment(reports):
    assert reports["a"]["read"] == []


def test_student_b_sees_nothing_of_student_a(reports):
    b = reports["b"]
    assert b["files"] == [] and b["daemon"] == [] and "left_by_a" not in b["cwd_files"]
    assert (b["global"], b["checks"], b["env"]) == (False, False, None)
    assert b["add"] == "tensor(2.)"


def test_each_process_draws_its_own_random_seed_as_a_fresh_one_does(reports):
    seeds = {reports[k]["seed"] for k in ("cold", "b", "b2")}
    assert len(seeds) == 3 and 1234 not in seeds
    assert reports["b"]["rand"] != reports["b2"]["rand"]


def test_student_b_sees_what_a_cold_process_sees(reports):
    same = ("global", "add", "checks", "torch_threads", "dtype", "env", "sigterm", "threads",
            "daemon", "files")
    assert {k: reports["b"][k] for k in same} == {k: reports["cold"][k] for k in same}


def test_a_student_who_kills_its_template_ends_only_its_own_notebook():
    with tempfile.TemporaryDirectory() as tmp:
        student = StudentProcess(Path(tmp), data_dir(), memory_bytes=2 * 1024**3, call_seconds=30)
        assert isinstance(student.process, warm.WarmChild)
        template = student.process.template
        try:        # its ready message may win the race with the end of the sandbox
            student.run([("cell", "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)")], [], [], 30)
            template.process.wait(timeout=10)
            with pytest.raises(StudentProcessGone):
                student.request({"op": "repr", "handle": 0})
        except StudentProcessGone:
            pass
        student.close()
        assert template.process.poll() is not None
        b, process = _run(STUDENT_B, True, Path(tmp) / "b")
        assert isinstance(process, warm.WarmChild) and process.template is not template
        assert b["add"] == "tensor(2.)" and b["files"] == []


def test_one_grade_command_grades_several_assignments_in_order(monkeypatch, capsys):
    """``grade A B``: one process, so its workers' warm templates serve both assignments."""
    from autograder import __main__ as commands
    from autograder.grading import grade
    from autograder.publish.results import RunSummary

    graded = []

    def fake_grade_all(assignment, **kwargs):
        graded.append(assignment)
        return RunSummary(assignment)

    monkeypatch.setattr(grade, "grade_all", fake_grade_all)
    assert commands.main(["grade", "01_pooling", "03_lenet"]) == 0
    assert graded == ["01_pooling", "03_lenet"]
    assert "01_pooling: graded 0" in capsys.readouterr().out


def test_a_child_that_cannot_enter_its_sandbox_says_why_and_this_process_grades_cold(monkeypatch, capsys):
    """Its error comes back over the control socket (not an opaque exit code 70 that costs the
    notebook its points): the grader says it once and starts cold sandboxes from then on."""
    from autograder.sandbox.limits import Limits

    monkeypatch.setattr(warm, "_unavailable", [])
    pipes = [os.pipe(), os.pipe()]
    try:
        spawn = dict(max_processes=Limits.max_processes, scratch_bytes=Limits.scratch_bytes)
        assert warm.spawn(pipes[0][0], pipes[1][1], data_dir(), memory_bytes=2**64, **spawn) is None
        assert "grading cold (a warm sandbox could not start here: OverflowError" in capsys.readouterr().err
        assert warm.spawn(pipes[0][0], pipes[1][1], data_dir(), memory_bytes=2 * 1024**3, **spawn) is None
        assert warm._templates == {}
        with tempfile.TemporaryDirectory() as tmp:
            b, process = _run(STUDENT_B, True, Path(tmp))
        assert not isinstance(process, warm.WarmChild) and b["add"] == "tensor(2.)"
    finally:
        for fd in (fd for pair in pipes for fd in pair):
            os.close(fd)
