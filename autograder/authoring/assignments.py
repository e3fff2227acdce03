"""What the grader needs to know of each assignment, read from its source notebook.

- setup cells: lesson cells tagged ``grader-setup`` (imports, helpers, example tensors) that the
  answers or the tests use; the grader runs the instructor's version of them, so a student who
  edits or deletes them changes nothing;
- answer cells (nbgrader solution cells) and the names each one defines;
- test cells (nbgrader grade cells) with their points, hidden tests included (these never leave
  the grader's process);
- the rule of each graded function, named in its answer cell's metadata (:data:`RULES_KEY`) and
  defined in :mod:`course.rules`: torch's own versions of it, blocked in the student's process, and
  the only operations that function may run there.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder import COURSE_ROOT
from autograder.coursedir.layout import layout
from autograder.authoring.notebook_code import strip_markers
from course.rules import EXERCISES, Exercise

RULES_KEY = "course"
"""An answer cell's ``metadata.course.rules``: each name the cell defines → the name of its rule in
:data:`course.rules.EXERCISES`, or null (any operation, as ``lenet5_for``). The grader reads each
graded function's rule from there; a defined name missing from it is an authoring error."""
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
    rules: dict = field(default_factory=dict)      # an answer cell's: name → its Exercise (None: any operation)


@dataclass
class NotebookSpec:
    assignment: str
    name: str
    cells: list[Cell] = field(default_factory=list)
    folder: str = "source"               # where it was read: "source" (solutions) or "release"

    @property
    def rules(self) -> dict[str, Exercise]:
        """The rule of each exported name that has one."""
        return {name: rule for cell in self.answers for name, rule in cell.rules.items() if rule is not None}

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
    spec = NotebookSpec(assignment, notebook, folder=folder)
    for index, cell in enumerate(source.cells):
        if cell.cell_type != "code":
            continue
        meta = cell.metadata.get("nbgrader", {})
        code = strip_markers(cell.source)
        if meta.get("grade"):
            spec.cells.append(Cell(index, cell.get("id", ""), "test", code, meta["grade_id"], float(meta.get("points", 0))))
        elif meta.get("solution"):
            names = _defined_names(code)
            spec.cells.append(Cell(index, cell.get("id", ""), "answer", code, meta["grade_id"], names=names,
                                   rules=answer_rules(cell, names, f"{folder}/{assignment}/{notebook}")))
        elif SETUP_TAG in cell.metadata.get("tags", []):
            spec.cells.append(Cell(index, cell.get("id", ""), "setup", code, meta.get("grade_id")))
        else:
            spec.cells.append(Cell(index, cell.get("id", ""), "lesson", code, meta.get("grade_id")))
    return spec


def answer_rules(cell, names: tuple[str, ...], where: str) -> dict[str, Exercise | None]:
    """The rule of each name an answer ``cell`` defines, from its metadata (:data:`RULES_KEY`)."""
    grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
    named = cell.metadata.get(RULES_KEY, {}).get("rules", {})
    missing = [name for name in names if name not in named]
    unknown = sorted({rule for rule in named.values() if rule is not None and rule not in EXERCISES})
    if missing or unknown:
        raise ValueError(f"{where}, answer cell {grade_id}: "
                         + (f"no rule for {', '.join(missing)} in metadata.{RULES_KEY}.rules (add each "
                            f"defined name: the name of a rule in course.rules.EXERCISES, or null for any operation)"
                            if missing else f"unknown rule {', '.join(unknown)} (known: {', '.join(sorted(EXERCISES))})"))
    return {name: (EXERCISES[named[name]] if named[name] is not None else None) for name in names}


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
