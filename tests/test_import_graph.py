"""The grader's modules import one another without a cycle (every import counted, those inside
functions too), and the student-facing package ``course`` imports nothing of the grader or the kit."""

import ast

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
    assert "autograder.grading.grade" not in graph["autograder.grading.cluster"]      # grade calls the cluster through a Runner
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]      # the finder finds one


def test_the_student_facing_package_imports_nothing_of_the_grader_or_the_kit():
    graph = imports_of("course")
    assert "torch" in graph["course.checks"]                            # the reader sees the imports
    tools = {"autograder", "kitlib", "hub"}
    assert {name: sorted(m for m in found if m.split(".")[0] in tools)
            for name, found in graph.items() if any(m.split(".")[0] in tools for m in found)} == {}
    assert "kitlib.workspace" in imports_of("autograder")["autograder.authoring.release"]     # the kit's own package


STAGES = ["insight", "grading", "publish", "sandbox", "intake", "authoring", "coursedir"]
"""The grader's stages, top to bottom (ARCHITECTURE.md), one subpackage of ``autograder`` each: a
module imports only its own stage's modules and those of the stages below it. Above them all sit
the commands (``autograder.__main__``) and the package itself."""

TOP = {"autograder", "autograder.__main__"}


def stage_of(module: str) -> str:
    """``autograder.grading.worker`` → ``grading``."""
    return module.split(".")[1]


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    """The imports of ``graph`` (between modules of autograder/) that point to a higher stage."""
    depth = {stage: level for level, stage in enumerate(STAGES)}
    return sorted(f"{a} -> {b}" for a, found in graph.items() if a not in TOP for b in found
                  if b not in TOP and depth[stage_of(b)] < depth[stage_of(a)])


def test_every_grader_module_has_a_stage_and_imports_only_downward():
    graph = within(imports_of("autograder"))
    assert sorted({stage_of(m) for m in graph if m not in TOP}) == sorted(STAGES), "a stage without its package or a package without a stage"
    for stage in STAGES:
        assert (COURSE_ROOT / "autograder" / stage / "__init__.py").read_text().startswith('"""'), stage
    assert not [p.name for p in (COURSE_ROOT / "autograder").glob("*.py") if p.name not in ("__init__.py", "__main__.py")]
    assert upward_imports(graph) == []
    planted = dict(graph, **{"autograder.sandbox.wire": graph["autograder.sandbox.wire"] | {"autograder.grading.grade"}})
    assert upward_imports(planted) == ["autograder.sandbox.wire -> autograder.grading.grade"]     # the check finds one
    nothing_of = {"autograder.grading", "autograder.publish"}
    assert not [(a, b) for a, found in graph.items() if a.startswith("autograder.sandbox.")
                for b in found if b.rsplit(".", 1)[0] in nothing_of]


def test_no_module_of_the_grader_is_over_300_lines():
    lengths = {path.name: len(path.read_text().splitlines()) for path in (COURSE_ROOT / "autograder").rglob("*.py")}
    assert {name: n for name, n in lengths.items() if n > 300} == {}
