"""What comes from a submission, read as hostile data and validated where it enters the grader.

Everything a student controls — the submitted notebook, its metadata, ``timestamp.txt``, what the
student's process reports (cell errors, exception messages) — passes through here before the
grader keeps, writes or shows it:

- :func:`clean_text`: any text as valid UTF-8 (a lone surrogate becomes U+FFFD), NUL removed;
- :func:`json_safe`: only JSON values (str, int, finite float, bool, None, lists, dicts with str
  keys), bounded depth; anything else becomes a short description;
- :func:`open_regular`: a file read without following a symbolic link, refused unless it is a
  regular file, at most ``max_bytes``;
- :func:`read_notebook`: a submitted notebook with every metadata shape checked (a ``"nbgrader":
  null``, a list where a dict belongs, a non-string ``grade_id``… are dropped);
- :func:`read_timestamp`: ``timestamp.txt`` parsed, or the notebook's file time with a warning;
- :func:`folder_problems`: symbolic links and non-regular files in a submission folder.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
import re
import stat
from pathlib import Path

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
MAX_TIMESTAMP_BYTES = 200
_SURROGATE = re.compile("[\ud800-\udfff]")


class SubmissionRefused(ValueError):
    """A file of the submission that the grader will not read (a symlink, a device, too large)."""


def clean_text(text, limit: int | None = None) -> str:
    """``text`` (any object: non-strings are described by their type) as valid UTF-8 text."""
    if not isinstance(text, str):
        return f"<{type(text).__name__}>"
    text = _SURROGATE.sub("\ufffd", text).replace("\x00", "")
    if limit is not None and len(text) > limit:
        text = text[:limit - 3] + "..."
    return text


def reason(exc: BaseException) -> str:
    """An exception as one line of clean text (its type and message, at most 500 characters)."""
    try:
        text = f"{type(exc).__name__}: {exc}".strip()
    except Exception:  # noqa: BLE001 - an exception whose str() fails
        text = type(exc).__name__
    return clean_text(text, 500)


def json_safe(value, depth: int = 0):
    """``value`` with only JSON values kept: strings made valid UTF-8, non-finite floats as text,
    dict keys as text, other objects replaced by ``"<TypeName>"``; nesting beyond 20 levels cut."""
    if depth > 20:
        return "<too deeply nested>"
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else repr(float(value))
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, (list, tuple)):
        return [json_safe(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {clean_text(k) if isinstance(k, str) else f"<{type(k).__name__}>": json_safe(v, depth + 1)
                for k, v in value.items()}
    return f"<{type(value).__name__}>"


def open_regular(path: Path, max_bytes: int) -> bytes:
    """The bytes of ``path``, never following a symbolic link; refused if not a regular file."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if os.path.islink(path):
            raise SubmissionRefused(f"{Path(path).name} is a symbolic link (refused, never followed)") from None
        raise SubmissionRefused(f"{Path(path).name} cannot be opened ({exc.strerror})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise SubmissionRefused(f"{Path(path).name} is not a regular file (refused)")
        if info.st_size > max_bytes:
            raise SubmissionRefused(f"{Path(path).name} is {info.st_size} bytes, more than {max_bytes} allowed")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise SubmissionRefused(f"{Path(path).name} is larger than {max_bytes} bytes allowed")
        return data
    finally:
        os.close(fd)


def _clean_metadata(metadata) -> dict:
    """A cell's metadata as a dict whose ``nbgrader`` entry, if kept, is a dict of sane values."""
    if not isinstance(metadata, dict):
        return {}
    metadata = dict(metadata)
    nbgrader = metadata.get("nbgrader")
    if "nbgrader" in metadata and not isinstance(nbgrader, dict):
        del metadata["nbgrader"]
    elif isinstance(nbgrader, dict):
        kept = {}
        for key, value in nbgrader.items():
            if key in ("grade", "solution", "locked", "task") and isinstance(value, bool):
                kept[key] = value
            elif key in ("grade_id", "schema_version", "points", "checksum", "cell_type"):
                if isinstance(value, str) or (key in ("points", "schema_version") and isinstance(value, (int, float))
                                              and not isinstance(value, bool) and math.isfinite(value)):
                    kept[key] = value
        metadata["nbgrader"] = kept
    if "tags" in metadata and not (isinstance(metadata["tags"], list) and all(isinstance(t, str) for t in metadata["tags"])):
        del metadata["tags"]
    return metadata


def _source(value) -> str:
    if isinstance(value, list):
        value = "".join(v for v in value if isinstance(v, str))
    return clean_text(value) if isinstance(value, str) else ""


def read_notebook(path: Path, max_bytes: int = MAX_NOTEBOOK_BYTES):
    """The submitted notebook at ``path`` as an nbformat v4 node, every shape checked.

    Raises :class:`SubmissionRefused` for a symlink, a non-regular file, an oversized file or
    something that is not a notebook at all. Cells are kept with a str ``cell_type`` of code,
    markdown or raw, a str ``source`` (valid UTF-8), a dict ``metadata`` whose ``nbgrader``
    entry is a dict of the expected types or absent, and a str ``id``; outputs are dropped.
    """
    return parse_notebook(open_regular(Path(path), max_bytes), Path(path).name)


def parse_notebook(raw: bytes, name: str):
    """:func:`read_notebook` for bytes already read (``name``: the file's, for the messages)."""
    import nbformat

    try:
        data = json.loads(raw.decode("utf-8", "replace"))
    except (ValueError, RecursionError) as exc:
        raise SubmissionRefused(f"{name} is not a notebook (not JSON: {clean_text(str(exc), 200)})") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise SubmissionRefused(f"{name} is not a notebook (no list of cells)")
    cells = []
    for index, cell in enumerate(data["cells"]):
        if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown", "raw"):
            continue
        cell_id = cell.get("id")
        clean = {"cell_type": cell["cell_type"], "metadata": _clean_metadata(cell.get("metadata")),
                 "source": _source(cell.get("source")),
                 "id": clean_text(cell_id, 64) if isinstance(cell_id, str) and cell_id else f"cell-{index}"}
        if cell["cell_type"] == "code":
            clean.update(outputs=[], execution_count=None)
        cells.append(clean)
    metadata = data.get("metadata")
    notebook = {"cells": cells, "metadata": json_safe(metadata) if isinstance(metadata, dict) else {},
                "nbformat": 4, "nbformat_minor": 5}
    return nbformat.from_dict(notebook)


def read_timestamp(folder: Path, notebook: Path | None = None) -> tuple[_dt.datetime | None, str]:
    """``(submission time in UTC or None, warning or "")`` from ``folder/timestamp.txt``.

    A file that cannot be parsed (or is a symlink, or too large) gives the notebook's file time
    (or None without a notebook) and a warning saying so."""
    path = Path(folder) / "timestamp.txt"
    if not os.path.lexists(path):
        return None, ""
    try:
        from nbgrader.utils import parse_utc

        text = clean_text(open_regular(path, MAX_TIMESTAMP_BYTES).decode("utf-8", "replace")).strip()
        return parse_utc(text), ""
    except Exception as exc:  # noqa: BLE001 - whatever the student wrote: not a time
        fallback = None
        if notebook is not None:
            try:
                fallback = _dt.datetime.fromtimestamp(os.lstat(notebook).st_mtime, _dt.timezone.utc).replace(tzinfo=None)
            except OSError:
                pass
        what = clean_text(str(exc), 120)
        used = f"the notebook's file time {fallback:%Y-%m-%d %H:%M:%S} UTC used" if fallback else "no time recorded"
        return fallback, f"timestamp.txt is not a valid time ({what}); {used}"


def folder_problems(folder: Path) -> list[str]:
    """Every symbolic link or non-regular file at or under ``folder`` (lstat only, nothing followed)."""
    problems = []
    folder = Path(folder)
    try:
        info = os.lstat(folder)
    except OSError:
        return []
    if stat.S_ISLNK(info.st_mode):
        return [f"{folder.name} is a symbolic link (refused, never followed)"]
    stack = [folder]
    while stack and len(problems) < 20:
        current = stack.pop()
        try:
            entries = list(os.scandir(current))
        except OSError as exc:
            problems.append(f"{current.relative_to(folder.parent)} cannot be listed ({exc.strerror})")
            continue
        for entry in entries:
            relative = Path(entry.path).relative_to(folder.parent)
            if entry.is_symlink():
                problems.append(f"{relative} is a symbolic link (refused, never followed)")
            elif entry.is_dir(follow_symlinks=False):
                stack.append(Path(entry.path))
            elif not entry.is_file(follow_symlinks=False):
                problems.append(f"{relative} is not a regular file (refused)")
    return problems
