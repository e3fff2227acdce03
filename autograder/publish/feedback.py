"""Feedback for students: one HTML page per student and assignment, and the grades CSV export.

The page lists every test with the points earned and, for each lost point, the reason (the
test's own message, or why the notebook stopped). It never contains a test's source code, so
hidden tests stay hidden.
"""

from __future__ import annotations

import html
from pathlib import Path

from autograder.publish.results import SubmissionResult

_STYLE = """body{font-family:sans-serif;max-width:52em;margin:2em auto;color:#222}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.35em .5em;text-align:left;vertical-align:top}
.lost{color:#a40000}.ok{color:#1a6e1a}.note{background:#fff4e5;padding:.6em;border-left:4px solid #e69500}
code{background:#f4f4f4;padding:0 .2em}"""


def feedback_html(result: SubmissionResult) -> str:
    student, assignment = html.escape(result.student), html.escape(result.assignment)
    total, maximum = result.score, result.max_score
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>{assignment}: {student}</title>",
             f"<style>{_STYLE}</style></head><body>",
             f"<h1>{assignment}</h1><p>Student <b>{student}</b>: <b>{total:g} / {maximum:g}</b> points.</p>"]
    for nb in result.notebooks:
        parts.append(f"<h2>{html.escape(nb.notebook)}: {nb.score:g} / {nb.max_score:g}</h2>")
        if nb.ended:
            parts.append(f"<p class='note'>Your notebook stopped early: {html.escape(nb.ended)}. "
                         "The tests after that point earned no points.</p>")
        if nb.cell_errors:
            parts.append("<p class='note'>Cells that raised an error when your notebook ran:</p><ul>")
            parts += [f"<li><code>{html.escape(str(e.get('cell')))}</code>: {html.escape(str(e.get('type')))}: "
                      f"{html.escape(str(e.get('message'))[:300])}</li>" for e in nb.cell_errors]
            parts.append("</ul>")
        parts.append("<table><tr><th>test</th><th>points</th><th>why points were lost</th></tr>")
        for test in nb.tests:
            lost = test.score < test.max_score
            parts.append(f"<tr><td>{html.escape(test.grade_id)}</td>"
                         f"<td class='{'lost' if lost else 'ok'}'>{test.score:g} / {test.max_score:g}</td>"
                         f"<td>{html.escape(test.reason) if lost else ''}</td></tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_feedback(root: Path, result: SubmissionResult) -> Path:
    from autograder.coursedir.layout import layout

    path = layout(Path(root)).feedback_page(result.student, result.assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(feedback_html(result), encoding="utf-8")
    return path


def generate_feedback(root: Path, assignment: str, students: list[str] | None = None) -> tuple[list[Path], dict]:
    """Feedback for every graded submission of ``assignment`` (or just ``students``): nbgrader's
    ``generate_feedback`` (an HTML page per notebook; nbgrader_config.py sanitises it and leaves
    hidden tests out), then this module's feedback.html, written again because nbgrader deletes the
    folder ``feedback/<student>/<assignment>/`` it writes into. Returns the kit's pages written and
    ``{student: reason}`` for those whose feedback failed (the others are unaffected)."""
    import json

    from autograder.coursedir.nbgrader_course import api

    root = Path(root)
    written, failed = [], {}
    from autograder.coursedir.layout import RESULTS_FILE, layout

    for results in sorted(layout(root).step("autograded").glob(f"*/{assignment}/{RESULTS_FILE}")):
        student = results.parent.parent.name
        if students is not None and student not in students:
            continue
        outcome = api(root).generate_feedback(assignment, student, force=True)
        if not outcome.get("success"):
            failed[student] = (outcome.get("error") or outcome.get("log") or "nbgrader failed").strip().splitlines()[-1]
        written.append(write_feedback(root, SubmissionResult.from_json(json.loads(results.read_text(encoding="utf-8")))))
    return written, failed


def export_grades(root: Path, destination: Path) -> Path:
    """nbgrader's CSV export of the gradebook (one row per student and assignment)."""
    from nbgrader.api import Gradebook
    from nbgrader.plugins import CsvExportPlugin

    from autograder.coursedir.nbgrader_course import load_config

    with Gradebook(load_config(root).CourseDirectory.db_url) as gradebook:
        CsvExportPlugin(to=str(destination)).export(gradebook)
    return Path(destination)
