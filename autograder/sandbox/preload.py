"""What a process that grades or runs notebooks imports and warms once, so that no notebook pays
for it: the modules the lessons' setup cells import (``matplotlib.pyplot`` alone takes about
0.35 s) and torch's lazily imported autograd helpers (a first ``backward`` with given gradients
imports ``torch.fx.experimental.symbolic_shapes``, about 0.3 s).

Used by the warm template before it forks (:mod:`autograder.sandbox.template`) and by the grader
before it forks its workers (:func:`autograder.grading.runners.run_jobs`). It changes no state a
notebook can see: no random numbers are drawn, no figure is made.
"""

from __future__ import annotations

import importlib

PRELOAD = ("matplotlib.pyplot", "torch.nn.functional", "course.data", "course.device", "course.models",
           "course.paths", "course.training", "course.plotting", "course.checks")


def preload() -> None:
    """Import :data:`PRELOAD` (a module that fails here is imported, and fails, where it is used)
    and run one tiny backward."""
    import matplotlib

    matplotlib.use("Agg")
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - met again, and reported, by the notebook that imports it
            pass
    import torch

    x = torch.ones(2, requires_grad=True)
    torch.autograd.backward([(x * 2.0).sum()], [torch.ones(())])
