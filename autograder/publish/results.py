"""What grading produces, typed: a test's result, a notebook's, a submission's, a run's summary.

Grading builds them (:mod:`autograder.grading`), publishing records and shows them; both import
them from here. Their JSON form — results.json, what a Dask task returns — is written and read
in this module only (:meth:`SubmissionResult.to_json`, :meth:`SubmissionResult.from_json`), as
Otter's ``GradingResults`` and nbgrader's models keep theirs in one place.

A submission's result, as JSON::

    {"student": "ada", "assignment": "01_pooling", "seconds": 3.2,
     "notebooks": [{"notebook": "pooling.ipynb", "tests": [{"grade_id": "...", "score": 2.0,
                    "max_score": 2.0, "reason": ""}, ...], "cell_errors": [...], "ended": "",
                    "seconds": 1.1, "flags": [], "sandbox_peak_bytes": 123}],
     "grader_memory": {"baseline_bytes": ..., "peak_bytes": ...}, "warnings": []}

or, for a submission the grader could not grade, ``{"student", "assignment", "error"}``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields


@dataclass
class TestResult:
    """One test cell: ``score`` of ``max_score`` points, and why points were lost ("" when none were)."""
    grade_id: str
    score: float
    max_score: float
    reason: str = ""

    __test__ = False                 # not a pytest test class


@dataclass
class NotebookResult:
    """One notebook of a submission: its tests in the source notebook's order, the errors its cells
    raised, why it stopped early ("" when it ran to the end)."""
    notebook: str
    tests: list[TestResult] = field(default_factory=list)
    cell_errors: list[dict] = field(default_factory=list)      # {"cell", "type", "message"}: clean text
    ended: str = ""
    seconds: float = 0.0
    flags: list[str] = field(default_factory=list)     # for the instructor: autograder/intake/review.py, copied_solution.py
    sandbox_peak_bytes: int | None = None                # all the sandbox's memory at its peak (cgroup)

    @property
    def score(self) -> float:
        return sum(t.score for t in self.tests)

    @property
    def max_score(self) -> float:
        return sum(t.max_score for t in self.tests)

    @classmethod
    def from_json(cls, data: dict) -> NotebookResult:
        values = _known(cls, data)
        values["tests"] = [TestResult(**_known(TestResult, t)) for t in data.get("tests", [])]
        return cls(**values)


@dataclass
class SubmissionResult:
    """One (student, assignment): a result per notebook, in the assignment's order; or ``error``,
    the grader's own failure, when it was not graded."""
    student: str
    assignment: str
    notebooks: list[NotebookResult] = field(default_factory=list)
    seconds: float = 0.0
    grader_memory: dict = field(default_factory=dict)       # the worker's baseline_bytes and peak_bytes
    warnings: list[str] = field(default_factory=list)       # set when recorded (an unreadable timestamp, ...)
    error: str | None = None

    @classmethod
    def failed(cls, student: str, assignment: str, error: str) -> SubmissionResult:
        return cls(student, assignment, error=error)

    @property
    def score(self) -> float:
        return sum(nb.score for nb in self.notebooks)

    @property
    def max_score(self) -> float:
        return sum(nb.max_score for nb in self.notebooks)

    def to_json(self) -> dict:
        """The JSON form (module docstring): results.json, or what crosses from a Dask worker."""
        if self.error is not None:
            return {"student": self.student, "assignment": self.assignment, "error": self.error}
        return {k: v for k, v in asdict(self).items() if k != "error"}

    @classmethod
    def from_json(cls, data: dict) -> SubmissionResult:
        """The result :meth:`to_json` wrote (keys it does not know are ignored)."""
        if "error" in data and data["error"] is not None:
            return cls.failed(data["student"], data["assignment"], data["error"])
        values = _known(cls, data)
        values["notebooks"] = [NotebookResult.from_json(nb) for nb in data.get("notebooks", [])]
        return cls(**values)


@dataclass
class RunSummary:
    """One ``grade`` run of an assignment: who was graded, refused, skipped, and why."""
    assignment: str
    graded: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)         # student → "not graded: <reason>"
    skipped: list[str] = field(default_factory=list)             # graded before (``--force`` grades again)
    not_on_roster: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)      # student → seconds of grading
    warnings: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)               # the run's own: which limits hold
    flagged: dict[str, list[str]] = field(default_factory=dict)  # student → "<notebook>: <flag>"
    collect_refused: dict[str, list[str]] = field(default_factory=dict)   # what the hub's collect refused
    reruns: dict[str, int] = field(default_factory=dict)         # a cluster's runs beyond the first
    unfit_workers: dict[str, str] = field(default_factory=dict)  # a cluster's workers that cannot grade

    def to_json(self) -> dict:
        return asdict(self)


def _known(cls, data: dict) -> dict:
    """The entries of ``data`` that are fields of the dataclass ``cls``."""
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in data.items() if k in names}
