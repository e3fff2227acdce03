"""Bring submissions into ``submitted/<student>/<assignment>/`` without trusting their names or files.

- :func:`collect_zip`: an LMS download, one zip. The student id is the part of each member's name
  that the LMS writes — the top folder (``<id>/<anything>.ipynb``) or, for a member at the top
  level, the prefix before the first ``__`` (``<id>__<upload name>``) — never the part the
  student chose. The upload name must end with one of the assignment's notebook names.
- :func:`collect_exchange`: nbgrader's exchange inbound folders (``<id>+<assignment>+<time>+…``),
  the latest per student, like ``nbgrader collect`` but never following a symbolic link (nbgrader
  copies a link's target with the instructor's rights).

Either way: an id must be a safe folder name (letters, digits, ``_.@+-``, not starting with a dot,
no separator); a symbolic link, a non-regular file, an unsafe or unknown name or a file over the
size limit is skipped and reported while the rest are collected; two files for the same student
and notebook are a reported conflict (neither is collected); a notebook already in ``submitted/``
with other content is never replaced (reported: move it away to collect again).
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from autograder.coursedir.layout import layout
from autograder.intake.submission import MAX_NOTEBOOK_BYTES, SubmissionRefused, clean_text, open_regular

SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@+-]{0,99}")


@dataclass
class CollectReport:
    collected: list[str] = field(default_factory=list)      # "<id>/<notebook>"
    unchanged: list[str] = field(default_factory=list)      # already there with the same content
    problems: list[str] = field(default_factory=list)       # one line per skipped file or conflict

    def lines(self, assignment: str) -> list[str]:
        ids = sorted({c.split("/")[0] for c in self.collected})
        out = [f"collected {len(self.collected)} notebooks for {assignment}: {', '.join(ids)}"]
        if self.unchanged:
            out.append(f"already collected, unchanged: {', '.join(self.unchanged)}")
        out += [f"  skipped {p}" for p in self.problems]
        return out


def safe_id(text: str) -> bool:
    return bool(SAFE_ID.fullmatch(text)) and ".." not in text


def assignment_notebooks(root: Path, assignment: str) -> list[str]:
    return layout(Path(root)).notebooks(assignment)


def notebook_for(upload_name: str, notebooks: list[str]) -> str | None:
    """The assignment notebook an upload is, by the end of its name (the longest that fits)."""
    for name in sorted(notebooks, key=len, reverse=True):
        if upload_name == name or (upload_name.endswith(name) and not upload_name[-len(name) - 1].isalnum()):
            return name
    return None


def _place(root: Path, assignment: str, student: str, notebook: str, data: bytes, report: CollectReport) -> None:
    """Write one notebook into submitted/, never through a symlink, never over other content."""
    submitted = layout(Path(root)).step("submitted")
    folder = layout(Path(root)).submitted(student, assignment)
    relative = folder.relative_to(submitted).parts          # (student, assignment) in nbgrader's default layout
    for part in (submitted.joinpath(*relative[:n]) for n in range(1, len(relative) + 1)):
        if part.is_symlink() or (os.path.lexists(part) and not part.is_dir()):
            report.problems.append(f"{student}/{notebook}: {part.relative_to(root)} is not a plain folder (refused)")
            return
    target = folder / notebook
    if os.path.lexists(target):
        try:
            same = open_regular(target, MAX_NOTEBOOK_BYTES) == data
        except SubmissionRefused:
            same = False
        if same:
            report.unchanged.append(f"{student}/{notebook}")
        else:
            report.problems.append(f"{student}/{notebook}: submitted/ already holds another version; not replaced "
                                   f"(move {target.relative_to(root)} away to collect this one)")
        return
    folder.mkdir(parents=True, exist_ok=True)
    with open(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644), "wb") as handle:
        handle.write(data)
    report.collected.append(f"{student}/{notebook}")


def _place_all(root: Path, assignment: str, found: dict[tuple[str, str], list[tuple[str, bytes]]],
               report: CollectReport) -> CollectReport:
    for (student, notebook), uploads in sorted(found.items()):
        if len(uploads) > 1:
            names = ", ".join(name for name, _ in uploads)
            report.problems.append(f"{student}/{notebook}: {len(uploads)} files for the same student and notebook "
                                   f"({names}): a conflict, none collected")
            continue
        _place(root, assignment, student, notebook, uploads[0][1], report)
    return report


def _zip_member_id(name: str) -> tuple[str | None, str, str]:
    """(student id or None, upload name, why not) of a zip member's name."""
    parts = name.replace("\\", "/").split("/")
    if any(p in ("", ".", "..") for p in parts) or name.startswith("/"):
        return None, parts[-1], "an unsafe name (absolute, empty, '.' or '..' parts)"
    if len(parts) > 1:
        student, upload = parts[0], parts[-1]
    elif "__" in parts[0]:
        student, upload = parts[0].split("__", 1)
    else:
        return None, parts[0], "no student id (expected <id>__<notebook> or <id>/<notebook>)"
    if not safe_id(student):
        return None, upload, f"the student id {student!r} is not a safe folder name"
    return student, upload, ""


def collect_zip(assignment: str, archive: Path, root: Path) -> CollectReport:
    """Collect the notebooks of an LMS zip into submitted/ (see the module docstring)."""
    notebooks = assignment_notebooks(root, assignment)
    report, found = CollectReport(), {}
    with zipfile.ZipFile(archive) as bundle:
        for info in bundle.infolist():
            name = clean_text(info.filename, 300)
            if info.is_dir():
                continue
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                report.problems.append(f"{name}: a symbolic link (refused, never followed)")
                continue
            if stat.S_IFMT(mode) not in (0, stat.S_IFREG):
                report.problems.append(f"{name}: not a regular file (refused)")
                continue
            student, upload, why = _zip_member_id(name)
            if student is None:
                report.problems.append(f"{name}: {why}")
                continue
            notebook = notebook_for(upload, notebooks)
            if notebook is None:
                report.problems.append(f"{name}: not a notebook of {assignment} ({', '.join(notebooks)})")
                continue
            if info.file_size > MAX_NOTEBOOK_BYTES:
                report.problems.append(f"{name}: {info.file_size} bytes, more than {MAX_NOTEBOOK_BYTES} allowed")
                continue
            with bundle.open(info) as member:
                data = member.read(MAX_NOTEBOOK_BYTES + 1)
            if len(data) > MAX_NOTEBOOK_BYTES:
                report.problems.append(f"{name}: more than {MAX_NOTEBOOK_BYTES} bytes")
                continue
            found.setdefault((student, notebook), []).append((name, data))
    return _place_all(root, assignment, found, report)


def collect_exchange(assignment: str, inbound: Path, root: Path) -> CollectReport:
    """Collect the latest submission of each student from nbgrader's exchange inbound folder."""
    notebooks = assignment_notebooks(root, assignment)
    report, latest = CollectReport(), {}
    for entry in sorted(os.scandir(inbound), key=lambda e: e.name) if Path(inbound).is_dir() else []:
        parts = entry.name.split("+")
        if len(parts) < 3 or parts[1] != assignment:
            continue
        if entry.is_symlink() or not entry.is_dir(follow_symlinks=False):
            report.problems.append(f"{clean_text(entry.name, 200)}: not a plain folder (refused, never followed)")
            continue
        if not safe_id(parts[0]):
            report.problems.append(f"{clean_text(entry.name, 200)}: the student id is not a safe folder name")
            continue
        if parts[0] not in latest or parts[2] > latest[parts[0]][0]:
            latest[parts[0]] = (parts[2], Path(entry.path))
    found = {}
    for student, (_, folder) in latest.items():
        for entry in os.scandir(folder):
            notebook = notebook_for(entry.name, notebooks) if entry.name.endswith(".ipynb") else None
            if notebook is None:
                continue
            try:
                data = open_regular(Path(entry.path), MAX_NOTEBOOK_BYTES)
            except SubmissionRefused as exc:
                report.problems.append(f"{student}/{clean_text(entry.name, 200)}: {exc}")
                continue
            found.setdefault((student, notebook), []).append((clean_text(entry.name, 200), data))
    return _place_all(root, assignment, found, report)
