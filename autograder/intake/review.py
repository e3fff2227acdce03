"""A static look at the code a student hands in: what an instructor should see before trusting a score.

The sandbox blocks torch's own version of the exercise's operation at the dispatcher, but code
running in the student's process can take that block apart (find and destroy the
``torch.library.Library`` that installs it) or reach into the grading machinery in its own
process. Neither changes what the grader compares, yet both deserve a human look. So the
answer cells and the cells the student added are parsed (never run here) and every hit is
reported as "flagged for review" beside the score, which it does not change:

- a use of torch's own operation (``F.leaky_relu``, ``torch.ops.aten.max_pool2d``,
  ``nn.LeakyReLU``, ...): an attribute named like a forbidden operation or its module class;
- ``torch.library``, ``torch._C``, ``torch.ops``, ``torch.utils._python_dispatch``;
- the grader's objects: importing ``autograder`` or ``course.checks``, ``gc`` (to find objects),
  ``sys._getframe``/``inspect`` frames, ``ctypes``, ``sys.modules``, ``__main__``;
- attribute names built at run time, which hide any of the above from this look:
  ``getattr``/``setattr``/``delattr`` with a name that is not a constant string,
  ``__getattribute__``, ``operator.attrgetter``, ``vars()[...]`` (``vars``, ``globals``).
"""

from __future__ import annotations

import ast

# Module classes of torch that are the exercise's operation in another form (by forbidden op).
_MODULE_CLASSES = {"leaky_relu": "LeakyReLU", "rrelu": "RReLU", "prelu": "PReLU", "elu": "ELU", "celu": "CELU",
                   "selu": "SELU", "max_pool2d": "MaxPool2d", "avg_pool2d": "AvgPool2d", "max_pool1d": "MaxPool1d",
                   "avg_pool1d": "AvgPool1d", "adaptive_avg_pool2d": "AdaptiveAvgPool2d",
                   "adaptive_max_pool2d": "AdaptiveMaxPool2d", "max_unpool2d": "MaxUnpool2d", "lp_pool2d": "LPPool2d",
                   "fractional_max_pool2d": "FractionalMaxPool2d"}
_DISPATCH = ("torch.library", "torch._C", "torch.ops", "torch.utils._python_dispatch", "torch._ops")
_GRADER_MODULES = ("autograder", "course.checks", "gc", "ctypes", "inspect", "__main__", "builtins")
_GRADER_ATTRIBUTES = {"sys._getframe": "sys._getframe (the grading process's frames)", "sys.modules": "sys.modules",
                      "gc.get_objects": "gc.get_objects", "gc.get_referrers": "gc.get_referrers"}


def _dotted(node) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


_BY_NAME = ("getattr", "setattr", "delattr")


def _run_time_attribute(node) -> str | None:
    """What in ``node`` reaches an attribute by a name computed at run time, or None."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _BY_NAME:
        name = node.args[1] if len(node.args) > 1 else None
        if not (isinstance(name, ast.Constant) and isinstance(name.value, str)):
            return f"{node.func.id} with a name built at run time"
    elif isinstance(node, ast.Attribute) and node.attr == "__getattribute__":
        return "__getattribute__ (an attribute by a name built at run time)"
    elif isinstance(node, ast.Attribute) and node.attr == "attrgetter" or \
            isinstance(node, ast.ImportFrom) and node.module == "operator" and \
            any(a.name == "attrgetter" for a in node.names):
        return "operator.attrgetter (an attribute by a name built at run time)"
    return None


def review(cells: list[tuple[str, str]], forbidden) -> list[str]:
    """One line per finding in the student's ``(label, code)`` cells, e.g. ``"answer cell x, line 3:
    torch.library"``; the instructor's setup cells (labels starting "setup") are not looked at."""
    ops = set(forbidden)
    classes = {_MODULE_CLASSES[op] for op in ops if op in _MODULE_CLASSES}
    findings: list[str] = []

    def hit(label, node, what):
        line = f"{label}, line {getattr(node, 'lineno', '?')}: {what}"
        if line not in findings and len(findings) < 30:
            findings.append(line)

    for label, code in cells:
        if label.startswith("setup"):
            continue
        try:
            tree = ast.parse(code)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        for node in ast.walk(tree):
            dynamic = _run_time_attribute(node)
            if dynamic:
                hit(label, node, f"uses {dynamic}: flagged for a look at what it reaches")
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                    [node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
                for name in names:
                    if name.startswith(_DISPATCH) or name.split(".")[0] in _GRADER_MODULES or \
                            name.startswith("course.checks"):
                        hit(label, node, f"imports {name} (the grader's or torch's dispatch machinery)")
                    if name.split(".")[-1] in ops | classes:
                        hit(label, node, f"imports torch's own {name.split('.')[-1]}")
            elif isinstance(node, ast.Attribute):
                dotted = _dotted(node)
                if node.attr in ops:
                    hit(label, node, f"calls torch's own {node.attr} ({dotted})")
                elif node.attr in classes:
                    hit(label, node, f"uses torch's own {node.attr} ({dotted})")
                elif dotted.startswith(_DISPATCH):
                    hit(label, node, f"uses {'.'.join(dotted.split('.')[:2])} (torch's dispatch machinery)")
                elif dotted in _GRADER_ATTRIBUTES:
                    hit(label, node, f"uses {_GRADER_ATTRIBUTES[dotted]}")
                elif node.attr == "_destroy":
                    hit(label, node, f"calls {dotted} (how a torch.library.Library is taken apart)")
            elif isinstance(node, ast.Name) and node.id in ("__import__", "__builtins__", "globals", "vars"):
                hit(label, node, f"uses {node.id}")
    return findings
