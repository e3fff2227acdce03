"""A copy of the course, as a fresh clone has it, and its `./kit` run for real (helpers for the tests).

The copies share this checkout's `.venv` (COURSE_VENV) so that no test installs torch again; each
one runs the kit's real setup steps (data, gradebook, release, workspace) in its own folder.
"""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import COURSE_ROOT

VENV = Path(sys.prefix)


def copy_course(dest: Path) -> Path:
    """The course's files as a fresh clone would have them (tracked and new files, nothing ignored)."""
    listed = subprocess.run(["git", "-C", str(COURSE_ROOT), "ls-files", "-co", "--exclude-standard", "-z"],
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = COURSE_ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


def kit_environment(root: Path, env: dict | None = None) -> dict:
    """The environment to run the copy's kit in: the shared venv, the copy's own packages."""
    # A stale shared venv would make the copy's kit reinstall it, pointing its editable install at the copy.
    stamp = hashlib.sha256((root / "pyproject.toml").read_bytes()).hexdigest()[:16]
    if (VENV / ".kit-installed").read_text().strip() != stamp:
        pytest.fail(f"{VENV} is not current with pyproject.toml: run ./kit setup first")
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "COURSE_"))}
    environment.update({"COURSE_VENV": str(VENV), "PYTHONPATH": str(root), **(env or {})})
    return environment


def kit(root: Path, *args, user: str | None = None, env: dict | None = None, timeout=600):
    """Run ``root/kit args`` (as ``user`` through runuser, when given); the CompletedProcess."""
    environment = kit_environment(root, env)
    command = [str(root / "kit"), *args]
    if user:
        command = ["runuser", "-u", user, "--", "env", *[f"{k}={v}" for k, v in environment.items()], *command]
    return subprocess.run(command, cwd=root, env=environment, capture_output=True, text=True, timeout=timeout)
