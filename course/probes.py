"""Functions the tests hand to a student's ``numerical_gradient``, by name.

A test cell cannot send a function of its own into the sandboxed process where the student's code
runs; it sends one of these by name (``autograder.sandbox.stand_ins`` encodes each as ``{"__probe__": name}``),
and the student's process looks the name up in its own copy of :data:`PROBES`. Each is built from
tensor primitives only, and each differentiates in a different way: elementwise, with terms that
mix the elements of a row, and down to one number.

    cube(x)         x³, elementwise                       (*) → (*)
    row_mix(x)      x · (sum of x's last dimension)       (*, n) → (*, n)
    square_sum(x)   Σ x², one number                      (*) → ()
"""

from __future__ import annotations


def cube(x):
    """x³, element by element; its gradient is 3x² times the upstream gradient."""
    return x * x * x


def row_mix(x):
    """x · Σⱼ xⱼ along the last dimension: every output of a row depends on every input of the row."""
    return x * x.sum(-1, keepdim=True)


def square_sum(x):
    """Σ x² over every element: a 0-d result, whose upstream gradient is one number."""
    return (x * x).sum()


PROBES = {"cube": cube, "row_mix": row_mix, "square_sum": square_sum}
"""Name → function, the same table on both sides of the sandbox."""
