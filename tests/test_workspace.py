"""The student's workspace (kitlib.workspace): copies made once, never overwritten; updates keep answers.

Fast tests on small notebooks made here; tests/test_kit_scenario.py runs the same story through
`./kit setup` on the real course.
"""

import json
import subprocess

import nbformat
import pytest

from kitlib.workspace import (WorkspaceError, origin_copy, prepare, record_release, rescue_release_edits,
                              update, work_copy)

A, NB = "02_linear_activation", "lesson.ipynb"


def _answer(grade_id, source="# YOUR CODE HERE\nraise NotImplementedError()"):
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade": False, "grade_id": grade_id, "locked": False, "schema_version": 3,
                                 "solution": True, "task": False}
    cell.id = f"cell-{grade_id}"
    return cell


def _test(grade_id, source="assert f(1) == 1"):
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": grade_id, "locked": True, "points": 1,
                                 "schema_version": 3, "solution": False, "task": False}
    cell.id = f"cell-{grade_id}"
    return cell


def _lesson(cell_id, text, kind="markdown"):
    cell = nbformat.v4.new_markdown_cell(text) if kind == "markdown" else nbformat.v4.new_code_cell(text)
    cell.id = cell_id
    return cell


def _release(root, cells):
    path = root / "release" / A / NB
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    return path


def _version_one():
    return [_lesson("intro", "# Lesson"), _lesson("setup", "import math", "code"), _answer("f_answer"),
            _test("test_f"), _lesson("outro", "## Recap")]


def _student_copy(root):
    """The student's copy after some work: an answer, and two cells of their own."""
    path = work_copy(root, A, NB)
    nb = nbformat.read(path, as_version=4)
    nb.cells[2].source = "def f(x):\n    return x"
    mine = nbformat.v4.new_code_cell("print('my experiment')")
    mine.id = "mine-1"
    note = nbformat.v4.new_markdown_cell("my notes")
    note.id = "mine-2"
    nb.cells.insert(2, mine)                  # after the setup cell
    nb.cells.append(note)                     # at the end, after the recap
    nbformat.write(nb, path)
    return path


@pytest.fixture
def course(tmp_path):
    _release(tmp_path, _version_one())
    assert prepare(tmp_path) == [f"made your copy work/{A}/{NB}"]
    return tmp_path


def test_prepare_makes_a_copy_once_and_never_writes_it_again(course):
    path = _student_copy(course)
    before = path.read_bytes()
    assert prepare(course) == []
    assert path.read_bytes() == before
    assert origin_copy(course, A, NB).read_bytes() == (course / "release" / A / NB).read_bytes()


def test_a_changed_release_is_announced_and_changes_nothing(course):
    path = _student_copy(course)
    before = path.read_bytes()
    cells = _version_one()
    cells[0].source = "# Lesson, corrected"
    _release(course, cells)
    lines = prepare(course)
    assert len(lines) == 1 and A in lines[0] and f"./kit update {A}" in lines[0] and "untouched" in lines[0]
    assert path.read_bytes() == before


def test_update_keeps_answers_and_added_cells_brings_new_cells_and_keeps_a_backup(course):
    path = _student_copy(course)
    before = path.read_bytes()
    cells = _version_one()
    cells[0].source = "# Lesson, corrected"
    cells.insert(4, _lesson("new-lesson", "A new explanation"))
    cells.insert(5, _answer("g_answer"))
    _release(course, cells)

    lines = update(A, course)
    merged = nbformat.read(path, as_version=4)
    sources = [c.source for c in merged.cells]
    assert sources == ["# Lesson, corrected", "import math", "print('my experiment')", "def f(x):\n    return x",
                       "assert f(1) == 1", "A new explanation", "# YOUR CODE HERE\nraise NotImplementedError()",
                       "## Recap", "my notes"]
    assert merged.cells[3].metadata["nbgrader"]["grade_id"] == "f_answer"
    assert len({c.id for c in merged.cells}) == len(merged.cells)
    backups = list(path.parent.glob("lesson.backup-*.ipynb"))
    assert len(backups) == 1 and backups[0].read_bytes() == before
    assert "1 answer(s) kept" in lines[0] and "2 cell(s) you added kept" in lines[0] and "g_answer" in lines[0]
    assert prepare(course) == []                           # up to date now
    assert update(A, course)[0].endswith("already the current version; nothing changed")


def test_update_keeps_answers_of_exercises_the_new_version_dropped(course):
    path = _student_copy(course)
    cells = [c for c in _version_one() if c.id not in ("cell-f_answer", "cell-test_f")]
    _release(course, cells)
    lines = update(A, course)
    merged = nbformat.read(path, as_version=4)
    assert merged.cells[-1].source == "def f(x):\n    return x" and "nbgrader" not in merged.cells[-1].metadata
    assert "no longer in this notebook" in merged.cells[-2].source
    assert any("f_answer" in line for line in lines)


def test_update_refuses_a_notebook_that_is_not_json_and_changes_nothing(course):
    path = work_copy(course, A, NB)
    path.write_text('{"cells": [ oops')
    cells = _version_one()
    cells[0].source = "# changed"
    _release(course, cells)
    with pytest.raises(WorkspaceError, match="not valid JSON.*Nothing was changed"):
        update(A, course)
    assert path.read_text() == '{"cells": [ oops'
    assert list(path.parent.glob("*.backup-*")) == []


def test_update_refuses_when_answer_cells_were_deleted_unless_accepted(course):
    path = work_copy(course, A, NB)
    nb = nbformat.read(path, as_version=4)
    nb.cells = [c for c in nb.cells if c.id != "cell-f_answer"]
    nbformat.write(nb, path)
    before = path.read_bytes()
    cells = _version_one()
    cells[0].source = "# changed"
    _release(course, cells)
    with pytest.raises(WorkspaceError, match="f_answer.*missing.*Nothing was changed.*--accept-missing"):
        update(A, course)
    assert path.read_bytes() == before
    update(A, course, accept_missing=True)
    assert [c.id for c in nbformat.read(path, as_version=4).cells][2] == "cell-f_answer"


def test_edits_in_release_are_rescued_into_the_workspace(tmp_path):
    release = _release(tmp_path, _version_one())
    record_release(tmp_path)
    assert rescue_release_edits(tmp_path) == []                    # as generated: nothing to rescue
    edited = json.loads(release.read_text())
    edited["cells"][2]["source"] = "def f(x):\n    return x"
    release.write_text(json.dumps(edited))
    lines = rescue_release_edits(tmp_path)
    assert "are now your copy" in lines[0]
    assert work_copy(tmp_path, A, NB).read_text() == release.read_text()
    lines = rescue_release_edits(tmp_path)                          # a copy exists: kept beside it
    assert "are kept as" in lines[0] and len(list((tmp_path / "work" / A).glob("lesson.from-release-*"))) == 1


def test_a_committed_release_is_not_taken_for_an_edit(tmp_path):
    _release(tmp_path, _version_one())
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "add", "release"], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "r"],
                   check=True)
    assert rescue_release_edits(tmp_path) == []


def test_without_record_or_git_only_an_edited_release_is_rescued(tmp_path):
    stubs = {"code": "# YOUR CODE HERE\nraise NotImplementedError()", "markdown": "YOUR ANSWER HERE"}
    release = _release(tmp_path, _version_one())                   # as nbgrader generates it
    assert rescue_release_edits(tmp_path, stubs) == []
    edited = json.loads(release.read_text())
    edited["cells"][2]["source"] = "def f(x):\n    return x"
    release.write_text(json.dumps(edited))
    assert "are now your copy" in rescue_release_edits(tmp_path, stubs)[0]
