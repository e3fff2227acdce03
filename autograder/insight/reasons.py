"""Grouping the reasons of lost points: two students who made the same mistake on different
numbers get one reason.

    >>> group_reason("expected shape (2, 3), got (3, 2)")
    'expected shape SHAPE, got SHAPE'
    >>> group_reason("values differ at index 7: 0.25 != -1e-3 (torch.float64)")
    'values differ at index N: N != N (DTYPE)'

Shapes (``torch.Size([2, 3])``, a tuple or list of whole numbers), dtypes (``torch.float32``,
``int64``) and numbers (``7``, ``-0.25``, ``1e-3``, ``inf``, ``nan``) are replaced by ``SHAPE``,
``DTYPE`` and ``N`` (a run of numbers by ``N, …``); spaces are collapsed; a reason is cut at :data:`MAX_REASON` characters.
:func:`without_names` takes the students' ids and names out of a reason (a student's exception
message is the student's text and may hold anything).
"""

from __future__ import annotations

import re

MAX_REASON = 200
_DTYPE = re.compile(r"\b(?:torch\.)?(?:float|int|uint|complex|bfloat)(?:8|16|32|64|128)\b|\btorch\.(?:bool|half|double|long)\b")
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_SHAPE = re.compile(r"torch\.Size\(\[[\d,\s]*\]\)|\((?:\s*\d+\s*,)+\s*\d*\s*\)|\[(?:\s*\d+\s*,)+\s*\d+\s*\]|\(\s*\)")
_NUMBERS = re.compile(rf"(?<![\w.]){_NUMBER}(?![\w.])|\b(?:nan|inf|NaN|Inf)\b")
_RUN = re.compile(r"\bN(?:\s*,\s*N\b)+")
_SPACES = re.compile(r"\s+")


def group_reason(reason: str) -> str:
    """The group of a reason (see the module docstring); '' for no reason."""
    text = _DTYPE.sub("DTYPE", str(reason))
    text = _SHAPE.sub("SHAPE", text)
    text = _RUN.sub("N, …", _NUMBERS.sub("N", text))
    text = _SPACES.sub(" ", text).strip()
    return text if len(text) <= MAX_REASON else text[:MAX_REASON - 1] + "…"


def names_pattern(names: set[str]) -> re.Pattern | None:
    """One pattern for all of ``names`` (students' ids and names, 2 characters or more): longest
    first, whole words only, case-insensitive; None for no names."""
    kept = sorted((n for n in names if len(n) >= 2), key=len, reverse=True)
    if not kept:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, kept)) + r")(?!\w)", re.IGNORECASE)


def without_names(reason: str, names: re.Pattern | None) -> str:
    """``reason`` with each match of ``names`` (:func:`names_pattern`) replaced by ``<student>``."""
    return reason if names is None else names.sub("<student>", reason)
