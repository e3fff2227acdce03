"""Signs that a submission is a copy of the instructor's notebook: flagged for review, never scored.

Students never see ``source/`` (the sandbox hides it, the class server keeps it private), so a
submitted notebook that holds nbgrader's instructor markers (``### BEGIN SOLUTION``, ``### BEGIN
HIDDEN TESTS``, ...) in any cell, or an answer cell that is the source notebook's solution cell
itself, suggests that ``source/`` leaked. Each finding is one line in the notebook's ``flags``
(results.json and the grading summary, beside :mod:`autograder.intake.review`'s); the score is unchanged,
since a short answer can be written exactly like the solution by a student who never saw it.

What counts as the same cell: the code without the markers, each line's trailing whitespace and
the blank lines dropped, tabs as spaces; comments and spelling count, so an honest one-liner that
matches the solution's code but not its comments is not flagged. A line names the marker or the
answer cell, never a test's code, so nothing hidden reaches the student through it.
"""

from __future__ import annotations

MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
_SIGNS = ("the notebook carries the instructor's marker", "is the instructor's solution cell verbatim")


def is_copy_flag(line: str) -> bool:
    """Whether a flag line (``"<notebook>: "`` prefix or not) is one of this module's."""
    return any(sign in line for sign in _SIGNS)


def normalised(code: str) -> str:
    """``code`` (markers already stripped) with whitespace differences removed, for comparison."""
    lines = (line.expandtabs(4).rstrip() for line in code.splitlines())
    return "\n".join(line for line in lines if line)


def copy_flags(spec, submitted) -> list[str]:
    """One line per sign of a copy of ``spec``'s source notebook in the ``submitted`` notebook: each
    instructor marker found in any cell, each answer cell identical to its solution cell."""
    from autograder.authoring.notebook_code import strip_markers

    where = f"a copy of {spec.folder}/{spec.assignment}/{spec.name}?"
    texts = [cell.get("source") for cell in submitted.cells]
    texts = [t for t in texts if isinstance(t, str)]
    flags = [f"{_SIGNS[0]} {marker} ({where})"
             for marker in MARKERS if any(marker in text for text in texts)]
    if spec.folder != "source":          # a release spec's answer cells are the stubs, not solutions
        return flags
    answers = {}
    for cell in submitted.cells:
        meta = cell.get("metadata", {}).get("nbgrader") if isinstance(cell.get("metadata"), dict) else None
        if isinstance(meta, dict) and meta.get("solution") and isinstance(cell.get("source"), str):
            answers[meta.get("grade_id")] = cell.source
    for answer in spec.answers:
        code = answers.get(answer.grade_id)
        if code is not None and normalised(answer.code) and normalised(strip_markers(code)) == normalised(answer.code):
            flags.append(f"answer cell {answer.grade_id} {_SIGNS[1]} ({where})")
    return flags
