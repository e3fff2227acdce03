"""`./kit` itself, run for real on a copy of the course: the student's scenario, old Pythons, sudo.

The copies share this checkout's `.venv` (COURSE_VENV) so that no test installs torch again; each
one runs the kit's real setup steps (data, gradebook, release, workspace) in its own folder.
"""

import json
import os
import pwd
import subprocess
import uuid
from pathlib import Path

import nbformat
import pytest

from autograder import COURSE_ROOT
from autograder.authoring.assignments import load_notebook_spec
from course_copy import copy_course, kit
from grading import answer_cells, instructor_solution

A, NB = "02_linear_activation", "linear_activation.ipynb"


def test_a_too_old_python_gets_one_clear_message(tmp_path):
    # A stand-in interpreter that is Python 3.10 as far as the kit can tell: it reports 3.10 and
    # fails the kit's version test, as a real 3.10 does.
    old = tmp_path / "python3.10"
    old.write_text('#!/bin/sh\n[ "$1" = --version ] && { echo "Python 3.10.12"; exit 0; }\nexit 1\n')
    old.chmod(0o755)
    run = subprocess.run([str(COURSE_ROOT / "kit"), "setup"], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "COURSE_PYTHON": str(old), "COURSE_VENV": str(tmp_path / "no-venv")})
    assert run.returncode == 1
    assert "Python 3.10.12 is too old: the course needs Python 3.11 or newer" in run.stderr
    assert "COURSE_PYTHON=python3.11 ./kit lab" in run.stderr
    assert not (tmp_path / "no-venv").exists()


def test_a_debian_package_that_fails_to_install_does_not_stop_the_others(tmp_path):
    # The kit's own loop, run from the real script; apt-get (and sudo, for a run as a normal user) are
    # stand-ins on PATH that log their calls and fail for one package, as apt-get does for one this
    # system's sources lack: the kit must try every package, name the one that failed, and go on.
    bin_dir, log = tmp_path / "bin", tmp_path / "calls"
    bin_dir.mkdir()
    (bin_dir / "apt-get").write_text(f'#!/bin/sh\necho "$*" >> {log}\n'
                                     'case "$*" in *no-such-package*) exit 100 ;; esac\n')
    (bin_dir / "sudo").write_text('#!/bin/sh\n[ "$1" = -n ] && shift\nexec "$@"\n')
    for stand_in in bin_dir.iterdir():
        stand_in.chmod(0o755)
    run = subprocess.run(["bash", "-c", f"source {COURSE_ROOT / 'kit'} && install_debian_packages bubblewrap "
                          "no-such-package chromium && echo carried-on"], capture_output=True, text=True,
                         timeout=60, env={**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"})
    assert run.returncode == 0 and run.stdout.strip() == "carried-on", run.stderr
    installs = [line.split()[-1] for line in log.read_text().splitlines() if " install " in f" {line} "]
    assert installs == ["bubblewrap", "no-such-package", "chromium"]
    assert "could not install: no-such-package (" in run.stderr and "continuing without" in run.stderr


@pytest.mark.slow
def test_the_students_answers_survive_a_course_update(tmp_path):
    root = copy_course(tmp_path / "course")
    first = kit(root, "setup")
    assert first.returncode == 0, first.stderr
    assert f"made your copy work/{A}/{NB}" in first.stderr

    # The student answers every exercise in their copy...
    work = root / "work" / A / NB
    nb = nbformat.read(work, as_version=4)
    answers = answer_cells(A, NB)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") in answers:
            cell.source = instructor_solution(A, NB, cell.metadata["nbgrader"]["grade_id"])
    nbformat.write(nb, work)
    answered = work.read_bytes()

    # ...the course is updated (a lesson cell of source/ changes) and the kit runs again.
    source = root / "source" / A / NB
    data = json.loads(source.read_text())
    data["cells"][0]["source"] = ["# Linear layers and activations (updated)\n"] + data["cells"][0]["source"][1:]
    source.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    second = kit(root, "setup")
    assert second.returncode == 0, second.stderr
    assert f"update available for {A}" in second.stderr and f"./kit update {A}" in second.stderr
    assert work.read_bytes() == answered                     # untouched

    updated = kit(root, "update", A)
    assert updated.returncode == 0, updated.stderr
    assert f"{len(answers)} answer(s) kept" in updated.stdout
    merged = nbformat.read(work, as_version=4)
    assert merged.cells[0].source.startswith("# Linear layers and activations (updated)")
    assert all(instructor_solution(A, NB, gid) in [c.source for c in merged.cells] for gid in answers)
    assert [p.read_bytes() for p in work.parent.glob("linear_activation.backup-*.ipynb")] == [answered]

    checked = kit(root, "check", A)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    total = load_notebook_spec(A, NB, root).max_score
    assert f"{total:g} / {total:g} points" in checked.stdout
    assert not (root / "work" / A / ".origin" / "feedback.html").exists()


@pytest.fixture
def course_owner():
    """A throwaway Unix account that owns a copy of the course (removed afterwards)."""
    if os.geteuid() != 0:
        pytest.skip("needs root to create an account")
    name = f"kit{uuid.uuid4().hex[:8]}"
    subprocess.run(["useradd", "--create-home", name], check=True)
    try:
        yield name
    finally:
        subprocess.run(["pkill", "-KILL", "-u", name], check=False)
        subprocess.run(["userdel", "--remove", name], check=False, capture_output=True)


@pytest.mark.slow
def test_sudo_leaves_no_root_owned_file_and_a_root_owned_file_is_named(course_owner, system_copy):
    home = Path(pwd.getpwnam(course_owner).pw_dir)
    root = copy_course(home / "course")
    subprocess.run(["chown", "-R", f"{course_owner}:", str(root)], check=True)
    # The owner runs the course's environment: the hub's system copy, made from the system's Python
    # (this checkout's .venv may lie in a folder only root can enter, e.g. root's home).
    venv = {"COURSE_VENV": str(system_copy / "venv")}

    # `sudo ./kit setup` from the owner's account: sudo sets SUDO_USER and runs the kit as root.
    run = kit(root, "setup", env={"SUDO_USER": course_owner, **venv})
    assert run.returncode == 0, run.stderr
    assert f"running the rest as {course_owner}" in run.stderr
    not_theirs = subprocess.run(["find", str(root), "!", "-user", course_owner], capture_output=True, text=True).stdout
    assert not_theirs == ""
    assert (root / "work" / A / NB).is_file() and (root / "gradebook.db").is_file()

    # A file an earlier root run left behind stops the owner's next run with the command that fixes it.
    (root / ".kit" / "left-by-root").write_text("")
    again = kit(root, "setup", user=course_owner, env=venv)
    assert again.returncode == 1
    assert "left-by-root" in again.stderr and f"sudo chown -R {course_owner}:" in again.stderr


@pytest.mark.parametrize("command", ["hub", "test", "setup", "lab", "check", "update"])
def test_help_prints_at_once_and_changes_nothing(tmp_path, command):
    root = copy_course(tmp_path / "course")
    before = sorted(p for p in root.rglob("*"))
    run = kit(root, command, "--help", env={"COURSE_VENV": str(tmp_path / "no-venv"), "COURSE_SKIP_APT": "1"},
              timeout=30)
    assert run.returncode == 0, run.stderr
    expected = "usage: ./kit hub" if command == "hub" else f"./kit {command}"
    assert expected in run.stdout, run.stdout
    assert "--install" in run.stdout or command != "hub"
    assert sorted(p for p in root.rglob("*")) == before, "the help changed files"
    assert not (tmp_path / "no-venv").exists()
