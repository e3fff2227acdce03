"""The student's workspace: their own copies of the released notebooks, never overwritten by the kit.

Students and self-learners work in ``work/<assignment>/<notebook>.ipynb`` (ignored by git), not in
``release/`` (which nbgrader regenerates from ``source/``). The kit:

- makes a copy when it is missing (:func:`prepare`, run by ``./kit setup`` and ``./kit lab``),
  and keeps the released notebook it was made from in ``work/<assignment>/.origin/``;
- says when the released notebook changed since the copy was made, and changes nothing;
- on ``./kit update ASSIGNMENT`` (:func:`update`), brings the new version in: every answer cell
  keeps the student's answer (matched by its nbgrader ``grade_id``), every cell the student added
  stays after the cell it followed, the instructor's cells come from the new version, and the old
  copy is kept beside it as ``<notebook>.backup-<date>.ipynb``;
- before nbgrader regenerates ``release/``, moves a student's edits of a released notebook into
  the workspace (:func:`rescue_release_edits`), so that regenerating never loses them.

No function here deletes or overwrites a student's notebook: every write goes to a new file or
replaces the student's copy only after a backup of it exists.

Command line (``./kit`` calls it): ``python -m kitlib.workspace prepare | update ASSIGNMENT``.
"""

from __future__ import annotations

import copy
import datetime
import hashlib
import json
import os
import shutil
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from course.paths import PROJECT_ROOT

WORK = "work"
ORIGIN = ".origin"
RELEASE_HASHES = Path(".kit") / "release-hashes.json"


class WorkspaceError(RuntimeError):
    """Something the student must fix first; nothing was changed."""


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def released_notebooks(root: Path = PROJECT_ROOT) -> list[tuple[str, Path]]:
    """``(assignment, path)`` of every notebook in ``release/``, in course order."""
    release = Path(root) / "release"
    if not release.is_dir():
        return []
    return [(p.parent.name, p) for p in sorted(release.glob("*/*.ipynb"))]


def work_copy(root: Path, assignment: str, notebook: str) -> Path:
    """Where the student's own copy of ``release/<assignment>/<notebook>`` lives."""
    return Path(root) / WORK / assignment / notebook


def origin_copy(root: Path, assignment: str, notebook: str) -> Path:
    """The released notebook that the student's copy was made from (or last updated to)."""
    return Path(root) / WORK / assignment / ORIGIN / notebook


def _write_new(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder (never half-written)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _backup_path(path: Path, label: str = "backup") -> Path:
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.stem}.{label}-{stamp}{path.suffix}")
    n = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}.{label}-{stamp}-{n}{path.suffix}")
        n += 1
    return candidate


# -- making copies and noticing updates -----------------------------------------------------------

def is_outdated(root: Path, assignment: str, notebook: str) -> bool:
    """True when the released notebook is not the one the student's copy was made from."""
    origin = origin_copy(root, assignment, notebook)
    release = Path(root) / "release" / assignment / notebook
    return not origin.is_file() or _sha256(origin) != _sha256(release)


def prepare(root: Path = PROJECT_ROOT) -> list[str]:
    """Make the missing workspace copies; return one line per copy made and per update available.

    An existing copy is never written: when its released notebook changed, the line says so and
    names the command that brings the new version in.
    """
    root = Path(root)
    lines, outdated = [], []
    for assignment, release in released_notebooks(root):
        target = work_copy(root, assignment, release.name)
        if not target.exists():
            _write_new(target, release.read_bytes())
            _write_new(origin_copy(root, assignment, release.name), release.read_bytes())
            lines.append(f"made your copy {target.relative_to(root)}")
        elif is_outdated(root, assignment, release.name):
            outdated.append((assignment, release.name))
    for assignment in sorted({a for a, _ in outdated}):
        names = ", ".join(n for a, n in outdated if a == assignment)
        lines.append(f"update available for {assignment}: the course's {names} changed since your copy in "
                     f"{WORK}/{assignment}/ was made. Your copy is untouched. To bring the new version in and keep "
                     f"your answers (the old copy is kept as a backup), run: ./kit update {assignment}")
    return lines


# -- merging a new release into the student's copy ------------------------------------------------

@dataclass
class MergeReport:
    kept_answers: list[str] = field(default_factory=list)
    new_answers: list[str] = field(default_factory=list)
    kept_added: int = 0
    orphaned_answers: list[str] = field(default_factory=list)
    replaced_edits: list[str] = field(default_factory=list)


def _grade_id(cell) -> str | None:
    meta = cell.get("metadata", {}).get("nbgrader")
    return meta.get("grade_id") if isinstance(meta, dict) else None


def _is_answer(cell) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader")
    return isinstance(meta, dict) and bool(meta.get("solution")) and bool(meta.get("grade_id"))


def read_student_notebook(path: Path):
    """The student's notebook, or :class:`WorkspaceError` saying what is wrong and what to do."""
    fix = (f"Nothing was changed. Fix it in a text editor, or rename it and run `./kit setup` for a fresh "
           f"copy (then paste your answers back).")
    try:
        data = json.loads(path.read_bytes())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        where = f" (line {exc.lineno}, column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise WorkspaceError(f"{path} is not a valid notebook file: not valid JSON{where}. {fix}") from None
    try:
        nb = nbformat.reads(json.dumps(data), as_version=4)
        nbformat.validate(nb)
    except Exception as exc:  # noqa: BLE001 - nbformat raises several kinds
        raise WorkspaceError(f"{path} is not a valid notebook: {str(exc).splitlines()[0]}. {fix}") from None
    return nb


def merge(student, release, origin=None, *, accept_missing: bool = False):
    """The new ``release`` notebook with the student's answers and added cells; and a :class:`MergeReport`.

    Args:
        student: the student's notebook (their current copy).
        release: the new released notebook.
        origin: the released notebook the student's copy was made from, when known. It tells the
            cells the student added (ids it does not have) from the instructor's, and the answer
            cells the student deleted.
        accept_missing: when an answer cell of ``origin`` is missing from ``student`` (deleted),
            take the new release's empty cell for it instead of stopping.

    Raises:
        WorkspaceError: answer cells are missing from the student's notebook (and not ``accept_missing``).
    """
    report = MergeReport()
    origin_cells = origin.cells if origin is not None else []
    origin_ids = {c.get("id") for c in origin_cells}
    origin_by_id = {c.get("id"): c for c in origin_cells}
    origin_answers = {_grade_id(c): c for c in origin_cells if _is_answer(c)}
    release_ids = {c.get("id") for c in release.cells}
    release_answer_ids = {_grade_id(c) for c in release.cells if _is_answer(c)}

    def instructor_key(cell):
        return ("grade", _grade_id(cell)) if _grade_id(cell) else ("id", cell.get("id"))

    # One pass over the student's cells: their answers (the first cell of each grade_id), and the
    # cells they added, grouped by the instructor cell they follow (None: the top of the notebook).
    release_keys = {instructor_key(c) for c in release.cells}
    answers: dict = {}
    added_after: dict = {}
    anchors: list = []                       # the instructor cells seen so far, nearest last
    for cell in student.cells:
        if _is_answer(cell) and _grade_id(cell) not in answers:
            answers[_grade_id(cell)] = cell
            anchors.append(instructor_key(cell))
            continue
        added = (cell.get("id") not in origin_ids) if origin is not None else \
                (cell.get("id") not in release_ids and not _grade_id(cell))
        if added or _is_answer(cell):        # a second cell with an answer's grade_id is theirs too
            kept = copy.deepcopy(cell)
            kept.metadata.pop("nbgrader", None)     # a pasted copy must not duplicate a grade_id
            anchor = next((a for a in reversed(anchors) if a in release_keys), None)
            added_after.setdefault(anchor, []).append(kept)
            report.kept_added += 1
            continue
        anchors.append(instructor_key(cell))
        old = origin_by_id.get(cell.get("id"))
        if old is not None and old.source != cell.source:
            report.replaced_edits.append(cell.get("id"))

    missing = sorted((set(origin_answers) & release_answer_ids) - set(answers))
    if missing and not accept_missing:
        raise WorkspaceError(
            f"answer cell(s) {', '.join(missing)} are missing from your notebook (deleted?). Nothing was "
            "changed. Restore them (Edit → Undo Cell Operation, or copy them from a backup), or run the update "
            "again with --accept-missing to take the new version's empty cell for each.")

    merged = copy.deepcopy(release)
    cells = list(added_after.get(None, []))
    for cell in merged.cells:
        gid = _grade_id(cell)
        if _is_answer(cell):
            if gid in answers:
                mine = answers[gid]
                cell.source = mine.source
                if cell.cell_type == "code" and mine.get("cell_type") == "code":
                    cell.outputs = copy.deepcopy(mine.get("outputs", []))
                if mine.get("attachments"):
                    cell.attachments = copy.deepcopy(mine.attachments)
                report.kept_answers.append(gid)
            else:
                report.new_answers.append(gid)
        cells.append(cell)
        cells += added_after.get(instructor_key(cell), [])

    # Answers to exercises the new version no longer has: kept at the end, as plain cells.
    orphans = [c for gid, c in answers.items() if gid not in release_answer_ids
               and not (gid in origin_answers and origin_answers[gid].source == c.source)]
    if orphans:
        cells.append(nbformat.v4.new_markdown_cell(
            "## Your answers to exercises that are no longer in this notebook\n\n"
            "The course's new version dropped or renamed these exercises; your answers are kept here."))
        for cell in orphans:
            kept = copy.deepcopy(cell)
            kept.metadata.pop("nbgrader", None)
            cells.append(kept)
            report.orphaned_answers.append(_grade_id(cell))

    seen = set()
    for cell in cells:                      # cell ids must stay unique
        if cell.get("id") in seen or not cell.get("id"):
            cell["id"] = uuid.uuid4().hex[:8]
        seen.add(cell["id"])
    merged.cells = cells
    return merged, report


def update(assignment: str, root: Path = PROJECT_ROOT, *, accept_missing: bool = False) -> list[str]:
    """Bring the released version of ``assignment`` into the student's copies; return what was done.

    For each notebook whose release changed: the student's copy is read and checked, merged with
    the new release (:func:`merge`), backed up beside itself, and only then replaced.
    """
    root = Path(root)
    released = [p for a, p in released_notebooks(root) if a == assignment]
    if not released:
        known = ", ".join(sorted({a for a, _ in released_notebooks(root)})) or "none"
        raise WorkspaceError(f"no assignment {assignment!r} in release/ (assignments: {known})")
    lines = []
    for release_path in released:
        target = work_copy(root, assignment, release_path.name)
        if not target.exists():
            lines += [line for line in prepare(root) if release_path.name in line]
            continue
        if not is_outdated(root, assignment, release_path.name):
            lines.append(f"{target.relative_to(root)} is already the current version; nothing changed")
            continue
        student = read_student_notebook(target)
        origin_path = origin_copy(root, assignment, release_path.name)
        origin = nbformat.read(origin_path, as_version=4) if origin_path.is_file() else None
        release = nbformat.read(release_path, as_version=4)
        merged, report = merge(student, release, origin, accept_missing=accept_missing)
        backup = _backup_path(target)
        shutil.copy2(target, backup)
        _write_new(target, nbformat.writes(merged).encode() + b"\n")
        _write_new(origin_path, release_path.read_bytes())
        lines.append(f"updated {target.relative_to(root)}: {len(report.kept_answers)} answer(s) kept"
                     f"{f', {report.kept_added} cell(s) you added kept' if report.kept_added else ''}"
                     f"{f', new exercise(s): ' + ', '.join(report.new_answers) if report.new_answers else ''}; "
                     f"your previous copy is {backup.relative_to(root)}")
        if report.orphaned_answers:
            lines.append(f"  answers to exercises the new version no longer has are kept at the end: "
                         f"{', '.join(report.orphaned_answers)}")
        if report.replaced_edits:
            lines.append(f"  {len(report.replaced_edits)} lesson cell(s) you had edited now show the course's new "
                         f"version; your edits are in {backup.name}")
        if origin is None:
            lines.append("  (the kit did not know which version your copy was made from: cells it could not place "
                         "as yours or the course's were kept)")
    return lines


# -- protecting edits made in release/ ------------------------------------------------------------

def record_release(root: Path = PROJECT_ROOT) -> None:
    """Remember the bytes nbgrader generated in release/ (so that later edits can be told apart)."""
    root = Path(root)
    hashes = {str(p.relative_to(root)): _sha256(p) for _, p in released_notebooks(root)}
    _write_new(root / RELEASE_HASHES, json.dumps(hashes, indent=1).encode())


def _committed_hash(root: Path, path: Path) -> str | None:
    try:
        blob = subprocess.run(["git", "-C", str(root), "show", f"HEAD:{path.relative_to(root).as_posix()}"],
                              capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return hashlib.sha256(blob.stdout).hexdigest() if blob.returncode == 0 else None


def _unindented(text: str) -> str:
    return "\n".join(line.strip() for line in text.splitlines())


def looks_generated(path: Path, stubs: dict[str, str]) -> bool:
    """True when a notebook is as nbgrader releases it: no outputs, no execution counts, and every
    answer cell still holding its stub (``stubs``: cell type → stub text, nbgrader's ClearSolutions)."""
    try:
        cells = json.loads(path.read_bytes())["cells"]
        for cell in cells:
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            if cell.get("outputs") or cell.get("execution_count") is not None:
                return False
            if _is_answer(cell) and _unindented(stubs.get(cell["cell_type"], "\0")) not in _unindented(source):
                return False
        return True
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False


def rescue_release_edits(root: Path = PROJECT_ROOT, stubs: dict[str, str] | None = None) -> list[str]:
    """Copy released notebooks that someone edited into the workspace, before release/ is regenerated.

    A notebook in release/ is taken as edited when its bytes are neither what the last generation
    wrote nor what git committed and, where neither is known (a course downloaded without git, never
    released here), when it does not look as nbgrader generates it (:func:`looks_generated`, given
    the answer-cell ``stubs``). It becomes the student's copy when they have none, and otherwise
    is kept beside it as ``<notebook>.from-release-<date>.ipynb``. Returns one line per rescue.
    """
    root = Path(root)
    try:
        generated = set(json.loads((root / RELEASE_HASHES).read_text()).values())
    except (OSError, ValueError):
        generated = set()
    lines = []
    for assignment, path in released_notebooks(root):
        digest = _sha256(path)
        committed = _committed_hash(root, path)
        if digest in generated or digest == committed:
            continue
        if not generated and committed is None and stubs is not None and looks_generated(path, stubs):
            continue
        target = work_copy(root, assignment, path.name)
        if not target.exists():
            _write_new(target, path.read_bytes())
            lines.append(f"your edits of {path.relative_to(root)} are now your copy {target.relative_to(root)} "
                         f"(work there: release/ is regenerated from source/)")
        else:
            kept = _backup_path(target, "from-release")
            _write_new(kept, path.read_bytes())
            lines.append(f"your edits of {path.relative_to(root)} are kept as {kept.relative_to(root)} "
                         f"(work in {target.relative_to(root)}: release/ is regenerated from source/)")
    return lines


def main(argv=None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m kitlib.workspace", description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=PROJECT_ROOT, help="the course folder (default: this one)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("prepare", help="make missing copies in work/ and say which have updates")
    update_parser = commands.add_parser("update", help="bring the new version of an assignment into work/")
    update_parser.add_argument("assignment")
    update_parser.add_argument("--accept-missing", action="store_true",
                               help="take the new version's empty cell for answer cells you deleted")
    args = parser.parse_args(argv)
    try:
        lines = prepare(args.root) if args.command == "prepare" else \
            update(args.assignment, args.root, accept_missing=args.accept_missing)
    except WorkspaceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for line in lines:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
