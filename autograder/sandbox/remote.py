"""The grader's side of a student's sandboxed process: start it, send it requests, end it.

:class:`StudentProcess` starts ``autograder.sandbox.student_process`` in the sandbox, sends it the cells
to run and then one request at a time, waits for each reply within the notebook's limits, and
says why the process is gone when it is. What the test cells call goes through
:mod:`autograder.sandbox.stand_ins` (the values' encoding, and the stand-ins for the student's functions).
Nothing the student's process sends can run code here, and what it sends is checked before it
takes memory (:func:`autograder.sandbox.wire.receive_reply`).
"""

from __future__ import annotations

import builtins
import os
import signal
import time
from pathlib import Path

from autograder.sandbox import bwrap, warm, wire
from autograder.sandbox.limits import Limits

_RAISABLE = {"ValueError", "TypeError", "RuntimeError", "AssertionError", "IndexError", "KeyError",
             "NotImplementedError", "ZeroDivisionError", "AttributeError", "NameError", "OverflowError",
             "ArithmeticError", "MemoryError", "RecursionError", "LookupError"}


class StudentProcessGone(RuntimeError):
    """The student's process ended, timed out or misbehaved; every later request fails with this."""


class StudentError(RuntimeError):
    """An exception of a type that is not re-raised as itself (raised by the student's code)."""


def _raise_student_error(error: dict):
    name, message = str(error.get("type", "Error")), str(error.get("message", ""))
    if error.get("builtin") and name in _RAISABLE:
        raise getattr(builtins, name)(message)
    raise StudentError(f"{name}: {message}")


def rule_message(rule) -> dict:
    """An :class:`course.rules.Exercise` as plain data for the student's process."""
    return {"name": rule.name, "shortcuts": sorted(rule.shortcuts), "no_autograd": rule.no_autograd,
            "allowed": None if rule.allowed is None else sorted(rule.allowed)}


class StudentProcess:
    """One student's notebook running in the sandbox, from start to :meth:`close`."""

    def __init__(self, workdir: Path, data_dir: Path, *, memory_bytes: int, call_seconds: float,
                 sandbox_on: bool = True, output_limit: int = Limits.output_bytes, total_seconds: float | None = None,
                 max_processes: int = Limits.max_processes, scratch_bytes: int = Limits.scratch_bytes,
                 warm_start: bool = Limits.warm):
        self.workdir, self.call_seconds, self.memory_bytes = Path(workdir), call_seconds, memory_bytes
        self.total_seconds, self.peak_bytes = total_seconds, None
        self._end = None if total_seconds is None else time.monotonic() + total_seconds
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        self.process = None
        if sandbox_on and warm_start:
            self.process = warm.spawn(to_child_r, from_child_w, data_dir, memory_bytes=memory_bytes,
                                      max_processes=max_processes, scratch_bytes=scratch_bytes)
        if self.process is None:
            self.process = bwrap.start(self.workdir, data_dir, to_child_r, from_child_w,
                                       memory_bytes=memory_bytes, sandbox=sandbox_on, max_processes=max_processes,
                                       scratch_bytes=scratch_bytes)
        else:
            self.workdir = self.process.workdir        # the child's own tmpfs, at the template's path
        os.close(to_child_r)
        os.close(from_child_w)
        self.output_limit = output_limit
        self.gone: str | None = None

    def run(self, cells, exports, forbidden, seconds: float, rules=None) -> dict:
        """Send the cells and wait (at most ``seconds``) until they have run; the ready message.
        ``forbidden``: torch's own versions of the exercises (blocked for good); ``rules``: exported
        name → :class:`course.rules.Exercise`, held while a call of that function (or of what it
        returned) runs."""
        self._send({"cells": cells, "exports": list(exports), "forbidden": sorted(forbidden),
                    "rules": {name: rule_message(rule) for name, rule in (rules or {}).items()},
                    "output_file": str(self.workdir / "output.log"), "output_limit": self.output_limit})
        return self._receive(seconds)

    def request(self, message: dict):
        if self.gone:
            raise StudentProcessGone(self.gone)
        self._send(message)
        reply = self._receive(self.call_seconds)
        if not isinstance(reply, dict):
            self._fail("the notebook's process sent a malformed reply")
        if "error" in reply:
            _raise_student_error(reply["error"] if isinstance(reply["error"], dict) else {})
        return reply

    def _send(self, message):
        try:
            wire.send(self._to_child, message)
        except OSError:
            self._fail(self._why_gone("the notebook's process ended"))

    def _receive(self, seconds: float):
        deadline, total = time.monotonic() + seconds, False
        if self._end is not None and self._end < deadline:
            deadline, total = self._end, True
        try:
            return wire.receive_reply(self._from_child, deadline)
        except wire.WireError as exc:
            reason = str(exc)
            if reason == "time limit exceeded":
                reason = (f"time limit exceeded (the notebook's total of {self.total_seconds:g} s)" if total
                          else f"time limit exceeded ({seconds:g} s)")
            self._fail(self._why_gone(reason))

    def _why_gone(self, default: str) -> str:
        try:
            code = self.process.wait(timeout=2 if "time limit" not in default else 0.01)
        except Exception:  # noqa: BLE001 - still running: the default reason stands
            return default
        if code > 128:                  # bwrap reports a child killed by signal N as 128 + N
            code = 128 - code
        if code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = str(-code)
            group = getattr(self.process, "cgroup", None)
            if group is not None and group.oom_killed():
                return (f"the notebook's process was killed by signal {name}: its sandbox reached its memory "
                        f"limit ({self.memory_bytes / 1024**3:g} GiB for all its processes and files)")
            return f"the notebook's process was killed by signal {name}"
        return f"the notebook's process ended (exit code {code})"

    def _fail(self, reason: str):
        self.gone = self.gone or reason
        self.close()
        raise StudentProcessGone(self.gone)

    def close(self) -> None:
        """End the sandbox: every process in it (its cgroup where there is one), then the pipes."""
        if self.process.poll() is None:
            for kill in (os.killpg, os.kill):       # a warm child may not lead its group yet
                try:
                    kill(self.process.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
        group = getattr(self.process, "cgroup", None)
        if group is not None:
            self.peak_bytes = group.peak_bytes()
            group.remove()
            self.process.cgroup = None
        self.process.wait()
        for fd in (self._to_child, self._from_child):
            try:
                os.close(fd)
            except OSError:
                pass
        self._to_child = self._from_child = -1
