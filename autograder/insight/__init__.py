"""Class insight: what a graded class missed, per graded cell (``python -m autograder stats A``).

``class_scores`` reads the gradebook (nbgrader's database, one query) and the grader's reasons
(``results.json``) into :class:`~autograder.insight.class_scores.ClassScores`; ``reasons`` groups
the reasons of lost points; ``cell_stats`` computes one row per graded cell; ``stats_page`` draws
the self-contained HTML page; ``report`` writes ``reports/<assignment>/stats.csv`` and ``stats.html``.
"""
