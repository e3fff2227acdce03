"""The limits of one graded notebook, and their defaults (written here only: the command line, the
student's process and the sandbox take theirs from :class:`Limits`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Limits:
    """Per notebook: seconds for its cells to run, seconds per call, seconds in all (cells and
    every call: past it, the tests that finished keep their points), memory of its sandbox (all its
    processes and tmpfs files, where a cgroup is available; per process otherwise), its number of
    processes (cgroup only), the size of each of its tmpfs mounts (working folder, /tmp, /dev/shm);
    ``warm``: fork the sandboxed process from the worker's template (:mod:`autograder.sandbox.warm`)
    rather than start a cold sandbox (the same limits either way)."""

    cell_seconds: float = 120.0
    call_seconds: float = 30.0
    memory_bytes: int = 6 * 1024**3
    output_bytes: int = 10 * 1024**2
    sandbox: bool = True
    notebook_seconds: float = 300.0
    max_processes: int = 128
    scratch_bytes: int = 256 * 1024**2
    warm: bool = True
