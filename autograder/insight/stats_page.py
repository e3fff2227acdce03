"""The class report as one self-contained HTML page (no network, opens from disk): a histogram of
total scores, the failure rate of each cell (hardest first), the grouped reasons of the hardest
cells, the hidden tests passed visibly and failed hidden, the spread of the written answers.

Plots are drawn with matplotlib (Agg) and embedded as PNG data URIs. Every text of the page is
escaped, and the body then goes through :func:`autograder.publish.safe_html.clean_html`, the
allow-list of what instructors open of the students' notebooks: a reason is a student's text.
The page's Content-Security-Policy allows images from data URIs and its own style sheet only.
"""

from __future__ import annotations

import base64
import html
import io

from autograder.insight.cell_stats import CellStats, hardest, totals
from autograder.insight.class_scores import ClassScores
from autograder.publish.safe_html import clean_html

HEAD = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<title>{title}</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}}
table{{border-collapse:collapse;margin:1em 0}}td,th{{border:1px solid #ccc;padding:.2em .5em;text-align:left}}
img{{max-width:100%}}</style></head><body>
"""


def _png(figure) -> str:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=96, bbox_inches="tight")
    plt.close(figure)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _figure(width: float, height: float):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(width, height))


def total_histogram(scores: ClassScores) -> str:
    figure, axes = _figure(6, 3)
    axes.hist(list(totals(scores).values()), bins=20, range=(0, max(sum(c.max_points for c in scores.cells), 1)),
              color="#4477aa")
    axes.set_xlabel("total score")
    axes.set_ylabel("students")
    return _png(figure)


def failure_bars(stats: list[CellStats]) -> str | None:
    rated = sorted((s for s in stats if s.failure_rate is not None), key=lambda s: -s.failure_rate)
    if not rated:
        return None
    figure, axes = _figure(6, 0.25 * len(rated) + 1)
    colours = {"visible": "#66ccee", "hidden": "#ee6677", "written": "#ccbb44"}
    axes.barh([s.cell.grade_id for s in rated][::-1], [s.failure_rate for s in rated][::-1],
              color=[colours[s.cell.kind] for s in rated][::-1])
    axes.set_xlim(0, 1)
    axes.set_xlabel("failure rate (students who lost points / students graded)")
    return _png(figure)


def written_spread(stats: list[CellStats], scores: ClassScores) -> str | None:
    written = [s for s in stats if s.cell.kind == "written" and s.failure_rate is not None]
    if not written:
        return None
    figure, axes = _figure(6, 3)
    axes.boxplot([list(scores.graded(s.cell).values()) for s in written], orientation="horizontal")
    axes.set_yticks(range(1, len(written) + 1), [s.cell.grade_id for s in written])
    axes.set_xlabel("score")
    return _png(figure)


def _table(header: list[str], rows: list[list[object]]) -> str:
    cells = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>"


def _image(uri: str | None, alt: str) -> str:
    return f'<p><img src="{uri}" alt="{html.escape(alt)}"></p>' if uri else "<p>(not enough graded students to plot)</p>"


def page(scores: ClassScores, stats: list[CellStats], names: bool = False) -> str:
    """The report's HTML (see the module docstring); students' ids only where ``names``."""
    graded = len(scores.scores)
    parts = [f"<h1>{html.escape(scores.assignment)}: what the class missed</h1>",
             f"<p>{graded} graded submissions, {scores.ungraded} not graded yet. A cell graded for fewer than "
             "5 students shows counts only.</p>",
             "<h2>Total scores</h2>", _image(total_histogram(scores), "histogram of total scores"),
             "<h2>Failure rate per cell, hardest first</h2>",
             "<p>Blue: visible tests, red: hidden tests, yellow: written answers.</p>",
             _image(failure_bars(stats), "failure rate per cell")]
    parts.append("<h2>Why points were lost on the hardest cells</h2>")
    for cell in hardest(stats):
        parts.append(f"<h3>{html.escape(cell.cell.grade_id)} ({cell.lost_points_count} of {cell.graded} lost points)</h3>")
        parts.append(_table(["reason (numbers, shapes and dtypes grouped)", "students"], cell.reasons)
                     if cell.reasons else "<p>(no reason recorded: a written answer, or graded by hand)</p>")
        if names:
            parts.append(f"<p>Lost points: {html.escape(', '.join(cell.lost_by))}</p>")
    pairs = [s for s in stats if s.visible_pass_hidden_fail is not None]
    parts.append("<h2>Passed the visible test, failed the hidden one</h2>")
    parts.append(_table(["visible test", "hidden test", "students", "graded"],
                        [[s.cell.pair, s.cell.grade_id, s.visible_pass_hidden_fail, s.graded] for s in pairs]))
    parts += ["<h2>Written answers</h2>", _image(written_spread(stats, scores), "scores of the written answers")]
    parts.append(_table(["cell", "graded", "mean", "max"],
                        [[s.cell.grade_id, s.graded, "" if s.mean_score is None else f"{s.mean_score:.2f}",
                          s.cell.max_points] for s in stats if s.cell.kind == "written"]))
    return HEAD.format(title=html.escape(f"{scores.assignment}: class report")) + clean_html("\n".join(parts)) + \
        "\n</body></html>\n"
