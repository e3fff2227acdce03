"""What the grader needs to know of each assignment, read from its source notebook.

- setup cells: lesson cells tagged ``grader-setup`` (imports, helpers, example tensors) that the
  answers or the tests use; the grader runs the instructor's version of them, so a student who
  edits or deletes them changes nothing;
- answer cells (nbgrader solution cells) and the names each one defines;
- test cells (nbgrader grade cells) with their points, hidden tests included (these never leave
  the grader's process);
- the rule of each graded function (:mod:`course.rules`): torch's own versions of it, blocked in the
  student's process, and the only operations that function may run there.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder import COURSE_ROOT
from autograder.coursedir.layout import layout
from autograder.authoring.notebook_code import strip_markers
from course.rules import (CROSS_ENTROPY_BACKWARD_EXERCISE, CROSS_ENTROPY_EXERCISE, GRADIENT_CHECK_EXERCISE,
                          LEAKY_RELU_EXERCISE, LINEAR_BACKWARD_EXERCISE, LINEAR_EXERCISE, POOLING_EXERCISE, Exercise)

ANY_NAME = "*"
EXERCISES: dict[str, dict[str, Exercise]] = {
    "01_pooling": {ANY_NAME: POOLING_EXERCISE},
    "02_linear_activation": {
        ANY_NAME: LEAKY_RELU_EXERCISE,
        "linear_forward": LINEAR_EXERCISE, "LinearFunction": LINEAR_EXERCISE, "linear_by_hand": LINEAR_EXERCISE,
        "linear_backward": LINEAR_BACKWARD_EXERCISE,
        "numerical_gradient": GRADIENT_CHECK_EXERCISE, "relative_error": GRADIENT_CHECK_EXERCISE,
    },
    "03_lenet": {"log_softmax": CROSS_ENTROPY_EXERCISE, "cross_entropy": CROSS_ENTROPY_EXERCISE,
                 "cross_entropy_backward": CROSS_ENTROPY_BACKWARD_EXERCISE},
}
"""Per assignment, the rule of each graded function (``"*"``: of every other one); a function with no
rule here (``lenet5_for``) may use any operation."""
SETUP_TAG = "grader-setup"


@dataclass
class Cell:
    index: int
    cell_id: str
    kind: str                  # "setup", "answer", "test", "lesson"
    code: str
    grade_id: str | None = None
    points: float = 0.0
    names: tuple[str, ...] = ()


@dataclass
class NotebookSpec:
    assignment: str
    name: str
    cells: list[Cell] = field(default_factory=list)
    table: dict = field(default_factory=dict)   # export name (or "*") → its Exercise
    folder: str = "source"               # where it was read: "source" (solutions) or "release"

    @property
    def rules(self) -> dict[str, Exercise]:
        """The rule of each exported name that has one."""
        found = {name: self.table.get(name, self.table.get(ANY_NAME)) for name in self.exports}
        return {name: rule for name, rule in found.items() if rule is not None}

    @property
    def shortcuts(self) -> frozenset:
        """torch's own versions of any of the notebook's exercises (what the review flags)."""
        return frozenset().union(*(rule.shortcuts for rule in self.rules.values()))

    @property
    def forbidden(self) -> frozenset:
        """The shortcuts blocked in the student's process for good: every rule's shortcuts that no
        graded function of the notebook is allowed (``addmm`` is the linear layer's shortcut, and a
        product LeakyReLU's tests may run)."""
        allowed = frozenset().union(*(rule.allowed or frozenset() for rule in self.rules.values()))
        return self.shortcuts - allowed

    @property
    def tests(self) -> list[Cell]:
        return [c for c in self.cells if c.kind == "test"]

    @property
    def answers(self) -> list[Cell]:
        return [c for c in self.cells if c.kind == "answer"]

    @property
    def exports(self) -> list[str]:
        return [name for cell in self.answers for name in cell.names]

    @property
    def max_score(self) -> float:
        return sum(c.points for c in self.tests)


def _defined_names(code: str) -> tuple[str, ...]:
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return ()
    return tuple(node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))
                 and not node.name.startswith("_"))


def load_notebook_spec(assignment: str, notebook: str, root: Path = COURSE_ROOT, folder: str = "source") -> NotebookSpec:
    """The spec of ``<folder>/<assignment>/<notebook>``: ``source`` (hidden tests included) or
    ``release`` (where a hidden test cell holds only the student's note; see autograder.grading.selfcheck)."""
    place = layout(Path(root))
    source = nbformat.read((place.source if folder == "source" else place.release)(assignment) / notebook, as_version=4)
    spec = NotebookSpec(assignment, notebook, table=EXERCISES.get(assignment, {}), folder=folder)
    for index, cell in enumerate(source.cells):
        if cell.cell_type != "code":
            continue
        meta = cell.metadata.get("nbgrader", {})
        code = strip_markers(cell.source)
        if meta.get("grade"):
            spec.cells.append(Cell(index, cell.get("id", ""), "test", code, meta["grade_id"], float(meta.get("points", 0))))
        elif meta.get("solution"):
            spec.cells.append(Cell(index, cell.get("id", ""), "answer", code, meta["grade_id"],
                                   names=_defined_names(code)))
        elif SETUP_TAG in cell.metadata.get("tags", []):
            spec.cells.append(Cell(index, cell.get("id", ""), "setup", code, meta.get("grade_id")))
        else:
            spec.cells.append(Cell(index, cell.get("id", ""), "lesson", code, meta.get("grade_id")))
    return spec


def load_assignment(assignment: str, root: Path = COURSE_ROOT) -> list[NotebookSpec]:
    folder = layout(Path(root)).source(assignment)
    return [load_notebook_spec(assignment, p.name, root) for p in sorted(folder.glob("*.ipynb"))]


def student_cells(spec: NotebookSpec, submitted) -> list[tuple[str, str]]:
    """The (label, code) cells the student's process runs, in notebook order: the instructor's setup
    cells, the student's answer cells (the release stub where one is missing) and the cells the
    student added; lesson cells that no answer or test needs, and all test cells, are left out."""
    known_ids = {c.cell_id for c in spec.cells}
    answers = {}
    added_after: dict[str | None, list[str]] = {}
    previous = None
    for cell in submitted.cells:
        if cell.cell_type != "code":
            continue
        meta = cell.metadata.get("nbgrader") if isinstance(cell.get("metadata"), dict) else None
        meta = meta if isinstance(meta, dict) else {}
        if meta.get("solution") and isinstance(meta.get("grade_id"), str):
            answers[meta["grade_id"]] = cell.source
        elif not meta and cell.get("id") not in known_ids:
            added_after.setdefault(previous, []).append(cell.source)
        if cell.get("id") in known_ids:
            previous = cell.get("id")
    cells = [("your cell before the lesson", code) for code in added_after.get(None, [])]
    for cell in spec.cells:
        if cell.kind == "setup":
            cells.append((f"setup cell {cell.index}", cell.code))
        elif cell.kind == "answer":
            cells.append((f"answer cell {cell.grade_id}",
                          answers.get(cell.grade_id, "raise NotImplementedError('this answer cell is missing')")))
        cells += [(f"your cell after cell {cell.index}", code) for code in added_after.get(cell.cell_id, [])]
    return cells
