"""The shape every graded notebook keeps (issue: fair grading and a gentle ramp): a points table at
the top that adds up, at least four written questions each with its rubric, and torch's edge cases
as a challenge worth at most a fifth of the notebook's points.

Conventions the authoring guide (source/README.md) states:

- the notebook's first markdown cell holds a table whose header ends in ``Points``; its last column
  is a number per row (one row per graded step, in order) and the rows add up to the notebook's
  points (every nbgrader grade cell: tests and written answers);
- a written question is a markdown answer cell (nbgrader ``solution`` and ``grade``); the markdown
  cell right before it asks the question and holds its rubric: a line ``Rubric`` followed by items
  that each start with their points, ``- **1 point**: ...``, adding up to the answer's points;
- test cells of torch's edge cases have a ``grade_id`` starting with ``challenge_``.
"""

import re

import nbformat
import pytest

from autograder import COURSE_ROOT

NOTEBOOKS = sorted((COURSE_ROOT / "source").glob("*/*.ipynb"))
IDS = [p.parent.name for p in NOTEBOOKS]
_ROW_POINTS = re.compile(r"^\|.*\|\s*\**([0-9]+(?:\.[0-9]+)?)\**\s*\|\s*$")
_RUBRIC_ITEM = re.compile(r"^\s*[-*]\s+\**([0-9]+(?:\.[0-9]+)?)\s+points?\**", re.I)


def _meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _graded(cells):
    return [c for c in cells if _meta(c).get("grade")]


def points_table(markdown: str) -> list[float]:
    """The last column of the table whose header's last column is ``Points`` (empty: no such table)."""
    lines = markdown.splitlines()
    for i, line in enumerate(lines):
        if line.strip().startswith("|") and line.strip().rstrip("|").split("|")[-1].strip().strip("*") == "Points":
            rows = []
            for row in lines[i + 2:]:
                if not row.strip().startswith("|"):
                    break
                match = _ROW_POINTS.match(row.strip())
                if match is None:
                    raise AssertionError(f"a row of the points table has no number in its last column: {row!r}")
                rows.append(float(match.group(1)))
            return rows
    return []


def rubric_points(markdown: str) -> list[float]:
    after = markdown.split("Rubric", 1)
    return [float(m.group(1)) for line in after[1].splitlines() if (m := _RUBRIC_ITEM.match(line))] if len(after) == 2 else []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_the_points_table_at_the_top_adds_up_to_the_notebook(path):
    cells = nbformat.read(path, as_version=4).cells
    first = next(c for c in cells if c.cell_type == "markdown")
    rows = points_table(first.source)
    total = sum(_meta(c).get("points", 0) for c in _graded(cells))
    assert rows, f"{path.parent.name}: no points table (a header ending in 'Points') in the first cell"
    assert sum(rows) == total, f"{path.parent.name}: the table says {sum(rows)} points, the notebook grades {total}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_at_least_four_written_questions_each_with_a_rubric_that_adds_up(path):
    cells = nbformat.read(path, as_version=4).cells
    written = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and _meta(c).get("solution") and _meta(c).get("grade")]
    assert len(written) >= 4, f"{path.parent.name}: {len(written)} written questions"
    for i in written:
        question = cells[i - 1]
        assert question.cell_type == "markdown" and not _meta(question).get("solution")
        points = rubric_points(question.source)
        assert points, f"{_meta(cells[i])['grade_id']}: the question before it has no rubric"
        assert sum(points) == _meta(cells[i])["points"], f"{_meta(cells[i])['grade_id']}: rubric {points}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_torchs_edge_cases_are_a_challenge_worth_at_most_a_fifth(path):
    cells = _graded(nbformat.read(path, as_version=4).cells)
    total = sum(_meta(c)["points"] for c in cells)
    challenge = sum(_meta(c)["points"] for c in cells if _meta(c)["grade_id"].startswith("challenge_"))
    assert challenge <= 0.2 * total, f"{path.parent.name}: the challenge carries {challenge} of {total} points"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_hidden_test_follows_the_visible_test_of_its_rule(path):
    """Contract rule 1: a hidden test checks a rule a visible test shows. The hidden cell comes right
    after that visible cell (no other graded code cell between them), and is not the first of a rule."""
    code = [c for c in _graded(nbformat.read(path, as_version=4).cells) if c.cell_type == "code"]
    for before, cell in zip([None] + code, code):
        if "BEGIN HIDDEN TESTS" in cell.source:
            assert before is not None and "BEGIN HIDDEN TESTS" not in before.source, (
                f"{_meta(cell)['grade_id']}: no visible test of its rule right before it")
            assert _meta(cell)["grade_id"].endswith("_hidden") and _meta(before)["grade_id"].endswith("_visible")


def test_the_parsers_read_what_they_claim():
    table = "Steps\n\n| Step | What | Points |\n|---|---|---|\n| 1 | loop | 4 |\n| 2 | written | **2.5** |\n\nafter"
    assert points_table(table) == [4.0, 2.5]
    assert points_table("| a | b |\n|---|---|\n| 1 | 2 |") == []
    with pytest.raises(AssertionError, match="no number"):
        points_table("| Step | Points |\n|---|---|\n| 1 | many |")
    assert rubric_points("Why?\n\nRubric\n- **1 point**: names the maximum\n- 2 points: uses the measurement\n") == [1.0, 2.0]
    assert rubric_points("Why? no rubric\n- 1 point: x") == []
