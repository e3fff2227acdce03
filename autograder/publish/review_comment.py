"""The grader's flags for review as the formgrader shows them: the automatic comment of a flagged
notebook's first answer cell (autograder/publish/recording.py writes it), and the preprocessor that keeps that
comment out of the student's feedback (``nbgrader generate_feedback`` copies every comment into it).

A comment the instructor writes (nbgrader's ``manual_comment``) is theirs: it reaches the student as
nbgrader sends it, even when it replaces a flag.
"""

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

REVIEW_PREFIX = "Flagged for review by the grader (the score stands until you have read the code): "


def review_comment(flags: list[str]) -> str:
    """The comment that lists ``flags`` (one line of text each) for the instructor."""
    return REVIEW_PREFIX + "; ".join(flags)


def is_review_comment(text) -> bool:
    return isinstance(text, str) and text.startswith(REVIEW_PREFIX)


class HideReviewComments(Preprocessor):
    """After nbgrader's ``GetGrades``: a cell whose comment is the grader's flag gets no comment."""

    enabled = Bool(True)        # nbconvert's preprocessors are off unless enabled; nbgrader's are on

    def preprocess_cell(self, cell, resources, index):
        meta = cell.get("metadata", {}).get("nbgrader")
        if isinstance(meta, dict) and is_review_comment(meta.get("comment")):
            meta["comment"] = None
        return cell, resources
