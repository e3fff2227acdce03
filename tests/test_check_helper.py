"""The self-check's warm helper (issue 26): the first `check` starts it, a later one is run by it
with the same output, and a helper whose kit changed since it started hands the check back."""

import io
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from autograder import COURSE_ROOT
from autograder.grading import check_helper
from grading import build_submission

pytestmark = pytest.mark.slow


def _without_times(text: str) -> list[str]:
    return [re.sub(r"\(\d+\.\d s\)", "", line) for line in text.splitlines()]


@pytest.fixture
def helper_socket(tmp_path, monkeypatch):
    sock = tmp_path / "helper.sock"
    monkeypatch.setenv("COURSE_CHECK_HELPER", "1")
    monkeypatch.setenv("COURSE_CHECK_HELPER_SOCKET", str(sock))
    yield sock
    check_helper.stop(COURSE_ROOT)


def test_a_later_check_is_run_by_the_helper_with_the_same_output(tmp_path, helper_socket, monkeypatch):
    notebook = tmp_path / "01_pooling" / "pooling.ipynb"
    notebook.parent.mkdir()
    nbformat.write(build_submission("01_pooling", "pooling.ipynb", None), notebook)
    first = subprocess.run([sys.executable, "-m", "autograder", "check", "01_pooling", str(notebook)], cwd=COURSE_ROOT,
                           capture_output=True, text=True, env=os.environ.copy(), timeout=300)
    assert first.returncode == 0, first.stdout + first.stderr
    for _ in range(600):                                  # the first check started the helper
        if helper_socket.exists():
            break
        time.sleep(0.1)
    assert oct(helper_socket.stat().st_mode & 0o777) == "0o600"

    out = io.BytesIO()
    request = {"assignment": "01_pooling", "notebooks": [str(notebook)], "cell_seconds": 120, "call_seconds": 30}
    assert check_helper.ask(COURSE_ROOT, request, out) == 0
    assert _without_times(out.getvalue().decode()) == _without_times(first.stdout)

    monkeypatch.setattr(check_helper, "fingerprint", lambda root: "the kit changed")
    assert check_helper.ask(COURSE_ROOT, request, io.BytesIO()) is None      # the caller runs it itself
    for _ in range(100):
        if not helper_socket.exists():
            break
        time.sleep(0.1)
    assert not helper_socket.exists()


def test_without_a_helper_the_caller_runs_the_check(helper_socket):
    assert check_helper.ask(Path(COURSE_ROOT), {"assignment": "01_pooling"}, io.BytesIO()) is None
