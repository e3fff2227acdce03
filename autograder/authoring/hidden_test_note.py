"""The one line a student sees where nbgrader removed a hidden test.

nbgrader's ``ClearHiddenTests`` empties the region between ``### BEGIN HIDDEN TESTS`` and
``### END HIDDEN TESTS``; a cell that held only hidden tests would reach the student as a blank,
locked cell. :class:`ExplainHiddenTests` does the same removal and leaves one comment in its place,
saying that more tests run at grading time and how a self-learner runs them. ``nbgrader_config.py``
puts it where ``ClearHiddenTests`` stood in ``GenerateAssignment.preprocessors`` (before the second
``ComputeChecksums``, so the note is what nbgrader's checksum covers).
"""

from __future__ import annotations

NOTE_PREFIX = "# Hidden test"


def hidden_test_note(assignment: str, points: float) -> str:
    """The comment that replaces a hidden test, e.g. for 2 points of ``02_linear_activation``."""
    worth = f"{points:g} point{'' if points == 1 else 's'}"
    return (f"{NOTE_PREFIX} ({worth}): more cases are checked when your notebook is graded. "
            f"Learning on your own? `./kit check {assignment}` runs them.")


def is_hidden_test_note(code: str) -> bool:
    """True for a released test cell whose code is only the note (its tests were all hidden)."""
    lines = [line for line in code.strip().splitlines() if line.strip()]
    return bool(lines) and all(line.lstrip().startswith("#") for line in lines) and lines[0].startswith(NOTE_PREFIX)


def _explain_hidden_tests_class():
    from nbgrader.preprocessors import ClearHiddenTests

    class ExplainHiddenTests(ClearHiddenTests):
        """``ClearHiddenTests``, leaving :func:`hidden_test_note` where hidden tests were removed."""

        def preprocess(self, nb, resources):
            self._assignment = resources.get("nbgrader", {}).get("assignment", "ASSIGNMENT")
            return super().preprocess(nb, resources)

        def preprocess_cell(self, cell, resources, cell_index):
            cell, resources = super().preprocess_cell(cell, resources, cell_index)
            if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade") \
                    and getattr(self, "_removed", False):
                rest = cell.source.strip("\n")
                note = hidden_test_note(self._assignment, float(cell.metadata["nbgrader"].get("points", 0)))
                cell.source = f"{rest}\n{note}" if rest.strip() else note
            return cell, resources

        def _remove_hidden_test_region(self, cell):
            self._removed = super()._remove_hidden_test_region(cell)
            return self._removed

    return ExplainHiddenTests


def __getattr__(name):
    # The preprocessor class is built on first use, so that importing the note's text (the
    # self-check does) does not import nbgrader.
    if name == "ExplainHiddenTests":
        globals()[name] = _explain_hidden_tests_class()
        return globals()[name]
    raise AttributeError(name)
