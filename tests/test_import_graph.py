"""The grader's modules import one another without a cycle (every import counted, those inside
functions too), and the student-facing package ``course`` imports nothing of the grader or the kit."""

import ast
from pathlib import Path

from autograder import COURSE_ROOT


def imports_of(package: str) -> dict[str, set[str]]:
    """Each module of ``package`` → every module name it imports (anywhere in its code)."""
    graph = {}
    for path in sorted((COURSE_ROOT / package).rglob("*.py")):
        name = ".".join(path.relative_to(COURSE_ROOT).with_suffix("").parts).removesuffix(".__init__")
        found = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module)
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
        graph[name] = found
    return graph


def within(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The graph of imports between the modules of ``graph`` only."""
    return {name: {m for m in found if m in graph and m != name} for name, found in graph.items()}


def cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle of ``graph`` (a list of modules, the first repeated at the end), or []."""
    state: dict[str, str] = {}

    def visit(node, path):
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt, path + [nxt])):
                return found
        state[node] = "done"
        return []

    for start in sorted(graph):
        if start not in state and (found := visit(start, [start])):
            return found
    return []


def test_the_grader_has_no_import_cycle():
    graph = within(imports_of("autograder"))
    assert cycle(graph) == [], " -> ".join(cycle(graph))
    assert "autograder.grade" not in graph["autograder.cluster"]      # the cluster is a runner, below grading
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]      # the finder finds one


def test_the_student_facing_package_imports_nothing_of_the_grader_or_the_kit():
    graph = imports_of("course")
    assert "torch" in graph["course.checks"]                            # the reader sees the imports
    tools = {"autograder", "kitlib", "hub"}
    assert {name: sorted(m for m in found if m.split(".")[0] in tools)
            for name, found in graph.items() if any(m.split(".")[0] in tools for m in found)} == {}
    assert "kitlib.workspace" in imports_of("autograder")["autograder.release"]     # the kit's own package


STAGES = [
    ("grading", {"grade", "worker", "runners", "cluster", "notebook_grading", "selfcheck", "__main__"}),
    ("publishing", {"recording", "feedback", "sanitize", "formgrader_csp", "review_comment"}),
    ("sandbox", {"stand_ins", "remote", "protocol", "student_process", "sandbox", "cgroup", "cpu_only", "limits", "wire"}),
    ("intake", {"collect", "submission", "copied_solution", "review"}),
    ("authoring", {"release", "hidden_test_note", "notebook_code", "assignments"}),
    ("course directory", {"layout", "nbgrader_course"}),
]
"""The grader's stages, top to bottom (ARCHITECTURE.md): a module imports only its own stage's
modules and those of the stages below it."""


def test_every_grader_module_has_a_stage_and_imports_only_downward():
    depth = {f"autograder.{module}": level for level, (_, modules) in enumerate(STAGES) for module in modules}
    graph = within(imports_of("autograder"))
    assert set(graph) - {"autograder"} == set(depth), "a module of autograder/ without a stage (or a stage without its module)"
    upward = sorted(f"{a} -> {b}" for a, found in graph.items() for b in found
                    if a in depth and b in depth and depth[b] < depth[a])
    assert upward == []


def test_no_module_of_the_grader_is_over_300_lines():
    lengths = {path.name: len(path.read_text().splitlines()) for path in (COURSE_ROOT / "autograder").rglob("*.py")}
    assert {name: n for name, n in lengths.items() if n > 300} == {}
