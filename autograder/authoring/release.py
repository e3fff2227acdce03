"""Release: generate ``release/`` from ``source/`` with nbgrader, and check that it is current.

``release/`` is committed, so students get it with the repository. :func:`stale_files` rebuilds it in
a scratch course and compares bytes: a test fails when someone edits source/ and forgets to
release, or when a released notebook holds solution code or hidden tests.
"""

from __future__ import annotations

import json
import sys
import shutil
import tempfile
from pathlib import Path

from autograder import COURSE_ROOT
from autograder.coursedir.layout import layout
from autograder.coursedir.nbgrader_course import assignments, generate, load_config, scratch_course

LEAK_MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")


def release(root: Path = COURSE_ROOT) -> list[str]:
    """Regenerate release/<assignment> for every assignment in source/; return their names.

    A released notebook that someone edited (a student who worked in release/) is first moved into
    the student's workspace, so that regenerating never loses it (:mod:`kitlib.workspace`).
    """
    from kitlib.workspace import record_release, rescue_release_edits

    solutions = load_config(root).ClearSolutions
    stubs = {"code": solutions.code_stub["python"], "markdown": solutions.text_stub}
    for line in rescue_release_edits(root, stubs):
        print(line, file=sys.stderr)
    from autograder.authoring.translation import build_editions

    names = assignments(root)
    for name in names:
        generate(name, root)
    record_release(root)
    build_editions(root)             # release/<lang>/: the English release with the catalogues' text
    return names


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and ".ipynb_checkpoints" not in p.parts}


def stale_files(root: Path = COURSE_ROOT) -> list[str]:
    """Paths under release/ that differ from a fresh generation (missing, extra or changed)."""
    with tempfile.TemporaryDirectory() as tmp:
        scratch = scratch_course(Path(tmp) / "course", assignments(root), root)
        if (Path(root) / "locale").is_dir():
            shutil.copytree(Path(root) / "locale", scratch / "locale")
        release(scratch)
        fresh, committed = _files(layout(scratch).step("release")), _files(layout(Path(root)).step("release"))
    return sorted(name for name in fresh.keys() | committed.keys() if fresh.get(name) != committed.get(name))


def leaks(root: Path = COURSE_ROOT) -> list[str]:
    """Released notebooks that hold solution code or hidden tests: ``'path: marker'`` each."""
    found = []
    for path in sorted(layout(Path(root)).step("release").rglob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            found += [f"{path.relative_to(root)}: {m}" for m in LEAK_MARKERS if m in source]
    return found
