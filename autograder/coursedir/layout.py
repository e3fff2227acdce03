"""Where a course directory keeps each kind of notebook: nbgrader's own layout, asked of nbgrader.

nbgrader's ``CourseDirectory`` (configured by the course's ``nbgrader_config.py``) places every
notebook at ``{root}/{step}/{student}/{assignment}/`` (``directory_structure``), where the step is
one of its five folders: source, release (no student), submitted, autograded, feedback. Every
module of the grader asks :class:`CourseLayout` for those folders instead of joining names itself;
the grader's own files sit beside nbgrader's (``results.json`` in the autograded folder,
``feedback.html`` in the feedback folder).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from autograder import COURSE_ROOT

RESULTS_FILE = "results.json"
FEEDBACK_PAGE = "feedback.html"


def load_config(root: Path = COURSE_ROOT):
    """The traitlets Config of the course at ``root`` (its nbgrader_config.py); nbgrader's defaults,
    as nbgrader itself takes them, where the folder has no such file."""
    from traitlets.config.loader import Config, ConfigFileNotFound, PyFileConfigLoader

    try:
        return PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    except ConfigFileNotFound:
        return Config()


class CourseLayout:
    """The folders of the course directory at ``root`` (see the module docstring)."""

    def __init__(self, root: Path = COURSE_ROOT):
        self.root = Path(root)

    @functools.cached_property
    def _course(self):
        from nbgrader.coursedir import CourseDirectory

        course = CourseDirectory(config=load_config(self.root))
        course.root = str(self.root)               # the folder asked for, wherever its config says it is
        return course

    def _folder(self, step: str, student: str, assignment: str) -> Path:
        directory = getattr(self._course, f"{step}_directory")
        return Path(os.path.normpath(self._course.format_path(directory, student, assignment)))

    def step(self, step: str) -> Path:
        """The folder of one step: ``source``, ``release``, ``submitted``, ``autograded`` or ``feedback``."""
        return self.root / getattr(self._course, f"{step}_directory")

    def source(self, assignment: str) -> Path:
        return self._folder("source", ".", assignment)

    def release(self, assignment: str) -> Path:
        return self._folder("release", ".", assignment)

    def submitted(self, student: str, assignment: str) -> Path:
        return self._folder("submitted", student, assignment)

    def autograded(self, student: str, assignment: str) -> Path:
        return self._folder("autograded", student, assignment)

    def feedback(self, student: str, assignment: str) -> Path:
        return self._folder("feedback", student, assignment)

    def results(self, student: str, assignment: str) -> Path:
        """The grader's results of one submission (written last: it marks the submission graded)."""
        return self.autograded(student, assignment) / RESULTS_FILE

    def feedback_page(self, student: str, assignment: str) -> Path:
        return self.feedback(student, assignment) / FEEDBACK_PAGE

    def assignments(self) -> list[str]:
        """The assignments of the course: the folders of ``source/`` that hold a notebook, in course
        order (their names start with a number)."""
        source = self.step("source")
        if not source.is_dir():
            return []
        return sorted(p.name for p in source.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))

    def released_assignments(self) -> list[str]:
        """The assignments of ``release/`` (a student's kit may have no ``source/``)."""
        return sorted({p.parent.name for p in self.step("release").glob("*/*.ipynb")})

    def notebooks(self, assignment: str) -> list[str]:
        """The notebooks of ``assignment``: those of ``source/`` (the instructor's), else those of
        ``release/`` (a student's kit without ``source/``); [] for an unknown assignment."""
        for folder in (self.source(assignment), self.release(assignment)):
            names = sorted(p.name for p in folder.glob("*.ipynb"))
            if names:
                return names
        return []

    def students_with(self, assignment: str) -> list[str]:
        """The students with a folder for ``assignment`` in ``submitted/``."""
        pattern = self.submitted("*", assignment).relative_to(self.root)
        where = pattern.parts.index("*")
        return sorted(p.relative_to(self.root).parts[where] for p in self.root.glob(str(pattern)) if p.is_dir())


@functools.cache
def layout(root: Path = COURSE_ROOT) -> CourseLayout:
    """The :class:`CourseLayout` of ``root``, made once per process."""
    return CourseLayout(Path(root))
