"""One row of statistics per graded cell of a class (:class:`CellStats`), computed from
:class:`~autograder.insight.class_scores.ClassScores`.

A student *lost points* on a cell when their score is below its maximum. For a cell graded for
fewer than :data:`MIN_STUDENTS` students only the counts are given (a rate of three students is
about three people); its rates, mean, reasons and discrimination stay empty.

``discrimination`` is Pearson's correlation, over the students graded on the cell, between their
score on it and their total on every other cell: near 1, the cell separates strong answers from
weak ones; near 0 or below, it does not (a rule everybody misses, or one the weak pass by luck).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from autograder.insight.class_scores import ClassScores, GradedCell
from autograder.insight.reasons import group_reason, names_pattern, without_names

MIN_STUDENTS = 5
COLUMNS = ("notebook", "grade_id", "kind", "max_points", "graded", "lost_points_count", "failure_rate",
           "mean_score", "top_reason", "top_reason_count", "visible_pass_hidden_fail", "discrimination")


@dataclass
class CellStats:
    cell: GradedCell
    graded: int
    lost_points_count: int
    failure_rate: float | None = None
    mean_score: float | None = None
    reasons: list[tuple[str, int]] = field(default_factory=list)     # grouped, most frequent first
    visible_pass_hidden_fail: int | None = None                      # hidden tests with a visible pair
    discrimination: float | None = None
    lost_by: list[str] = field(default_factory=list)                 # students (shown only with --names)

    def row(self) -> dict[str, object]:
        """The CSV row (empty where undefined or withheld)."""
        top, count = self.reasons[0] if self.reasons else ("", None)
        values = {"notebook": self.cell.notebook, "grade_id": self.cell.grade_id, "kind": self.cell.kind,
                  "max_points": self.cell.max_points, "graded": self.graded,
                  "lost_points_count": self.lost_points_count, "failure_rate": _round(self.failure_rate),
                  "mean_score": _round(self.mean_score), "top_reason": top, "top_reason_count": count,
                  "visible_pass_hidden_fail": self.visible_pass_hidden_fail,
                  "discrimination": _round(self.discrimination)}
        return {k: ("" if v is None else v) for k, v in values.items()}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def pearson(xs: list[float], ys: list[float]) -> float | None:
    """Pearson's r of two equally long lists; None for fewer than 3 pairs or a constant list."""
    n = len(xs)
    if n < 3:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx, syy = sum((x - mx) ** 2 for x in xs), sum((y - my) ** 2 for y in ys)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    return sxy / math.sqrt(sxx * syy)


def totals(scores: ClassScores) -> dict[str, float]:
    """{student: the sum of their scores on the graded cells}."""
    return {student: sum(cells.values()) for student, cells in scores.scores.items()}


def cell_stats(scores: ClassScores) -> list[CellStats]:
    """One :class:`CellStats` per cell of ``scores``, in the notebooks' order."""
    total = totals(scores)
    names = names_pattern(scores.names)
    by_id = {(c.notebook, c.grade_id): c for c in scores.cells}
    found = []
    for cell in scores.cells:
        key = (cell.notebook, cell.grade_id)
        graded = scores.graded(cell)
        lost = sorted(s for s, score in graded.items() if score < cell.max_points - 1e-9)
        stats = CellStats(cell, len(graded), len(lost), lost_by=lost)
        pair = by_id.get((cell.notebook, cell.pair)) if cell.pair else None
        if pair is not None:
            visible = scores.graded(pair)
            stats.visible_pass_hidden_fail = sum(
                1 for s in lost if s in visible and visible[s] >= pair.max_points - 1e-9)
        if len(graded) >= MIN_STUDENTS:
            stats.failure_rate = len(lost) / len(graded)
            stats.mean_score = sum(graded.values()) / len(graded)
            groups = Counter(group_reason(without_names(scores.reasons.get(s, {}).get(key, ""), names))
                             for s in lost)
            groups.pop("", None)
            stats.reasons = sorted(groups.items(), key=lambda item: (-item[1], item[0]))
            students = sorted(graded)
            stats.discrimination = pearson([graded[s] for s in students], [total[s] - graded[s] for s in students])
        found.append(stats)
    return found


def hardest(stats: list[CellStats], count: int = 5) -> list[CellStats]:
    """The ``count`` cells with the highest failure rate (cells with a rate only), ties in notebook order."""
    rated = [s for s in stats if s.failure_rate is not None and s.lost_points_count > 0]
    return sorted(rated, key=lambda s: -s.failure_rate)[:count]
