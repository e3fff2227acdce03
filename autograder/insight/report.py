"""``python -m autograder stats ASSIGNMENT``: ``reports/<assignment>/stats.csv`` (one row per graded
cell, :data:`~autograder.insight.cell_stats.COLUMNS`) and ``stats.html`` (:mod:`.stats_page`), and a
summary: the five cells most students lost points on.

The report holds no student's id or name unless ``names`` (``--names``: a ``lost_by`` column and
the lists on the page). Its folder is the instructor's alone (0700, files 0600), as the gradebook is.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from autograder.insight.cell_stats import COLUMNS, CellStats, cell_stats, hardest
from autograder.insight.class_scores import ClassScores, read_class
from autograder.insight.stats_page import page

REPORTS = "reports"


def report_folder(root: Path, assignment: str) -> Path:
    return Path(root) / REPORTS / assignment


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, readable by this user only."""
    part = path.with_name(path.name + ".part")
    descriptor = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    os.replace(part, path)


def as_text(value: object) -> object:
    """A CSV field a spreadsheet shows as text, never runs: a string that starts like a formula
    (``=``, ``+``, ``-``, ``@``, a tab or a carriage return; a reason holds a student's text) gets a
    leading apostrophe, as OWASP advises for CSV injection."""
    return "'" + value if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def stats_csv(stats: list[CellStats], names: bool = False) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS) + (["lost_by"] if names else []))
    writer.writeheader()
    for cell in stats:
        row = {**cell.row(), **({"lost_by": ";".join(cell.lost_by)} if names else {})}
        writer.writerow({key: as_text(value) for key, value in row.items()})
    return buffer.getvalue()


def summary(scores: ClassScores, stats: list[CellStats]) -> list[str]:
    lines = [f"{scores.assignment}: {len(scores.scores)} graded submissions, {scores.ungraded} not graded yet"]
    most = hardest(stats)
    if most:
        lines.append("most missed:")
        lines += [f"  {s.cell.grade_id} ({s.cell.kind}): {s.failure_rate:.0%} of {s.graded} lost points"
                  + (f"; most often: {s.reasons[0][0]}" if s.reasons else "") for s in most]
    else:
        lines.append("no cell was missed by anyone (or fewer than 5 students were graded on each)")
    return lines


def write_report(assignment: str, root: Path, names: bool = False) -> tuple[Path, Path, list[str]]:
    """Write both files; their paths and the summary's lines.
    :class:`~autograder.insight.class_scores.NothingToReport` when nothing is graded."""
    scores = read_class(assignment, root)
    stats = cell_stats(scores)
    folder = report_folder(root, assignment)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    for path in (folder.parent, folder):
        path.chmod(0o700)
    csv_path, html_path = folder / "stats.csv", folder / "stats.html"
    _write_private(csv_path, stats_csv(stats, names))
    _write_private(html_path, page(scores, stats, names))
    return csv_path, html_path, summary(scores, stats)
