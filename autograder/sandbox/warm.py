"""The grader's side of the warm template (:mod:`autograder.sandbox.template`): start it once per
worker process, ask it for a fresh student process per notebook.

:func:`spawn` returns a :class:`WarmChild` (what :class:`autograder.sandbox.remote.StudentProcess`
needs of a process: ``pid``, ``cgroup``, ``poll``, ``wait``) or None, and the caller then starts
a cold sandbox as before. A child is moved into its notebook's cgroup (memory, processes) by its
host PID before the grader sends it the cells, so all the student's code runs inside it. One
template serves one notebook at a time; a template that died, or that a child killed, is
replaced by a new one on the next request.
"""

from __future__ import annotations

import atexit
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from autograder.sandbox import bwrap
from autograder.sandbox.cgroup import SandboxCgroup
from autograder.sandbox.template_control import SetupFailed, Template, TemplateGone

__all__ = ["SetupFailed", "Template", "TemplateGone", "WarmChild", "claim", "close_all", "prepare", "prestart", "spawn"]


class WarmChild:
    """A student process forked by a :class:`Template`, seen as :class:`subprocess.Popen` is."""

    def __init__(self, template: Template, pid: int, namespace_pid: int, group: SandboxCgroup | None):
        self.template, self.pid, self.namespace_pid, self.cgroup = template, pid, namespace_pid, group
        self.workdir = template.workdir
        self.returncode: int | None = None

    def wait(self, timeout: float | None = None) -> int:
        end = None if timeout is None else time.monotonic() + timeout
        while self.returncode is None:
            left = 3600.0 if end is None else end - time.monotonic()
            try:
                message = self.template.receive(left)
            except TimeoutError:
                raise subprocess.TimeoutExpired("student process", timeout) from None
            except TemplateGone:
                _drop(self.template)
                self.returncode = -signal.SIGKILL
                break
            if "exited" in message and message["exited"] == self.namespace_pid:
                code = message.get("code")
                self.returncode = code if isinstance(code, int) else -signal.SIGKILL
        self.template.busy = False
        return self.returncode

    def kill(self) -> None:
        """SIGKILL the child and its process group (the template then kills whatever is left)."""
        for kill in (os.killpg, os.kill):
            try:
                kill(self.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass

    def poll(self) -> int | None:
        try:
            return self.wait(0)
        except subprocess.TimeoutExpired:
            return None


_templates: dict[tuple[str, int], list[Template]] = {}
_lock = threading.Lock()
_unavailable: list[str] = []    # why a child could not enter its sandbox here: this process grades cold


def _give_up(error: str) -> None:
    """No more templates in this process (a child's setup fails the same way each time); said once."""
    if not _unavailable:
        _unavailable.append(error)
        print(f"autograder: grading cold (a warm sandbox could not start here: {error})", file=sys.stderr)
    close_all()


def _key(data_dir: Path, scratch_bytes: int) -> tuple[str, int]:
    return str(data_dir), int(scratch_bytes)


def _drop(template: Template) -> None:
    with _lock:
        for templates in _templates.values():
            if template in templates:
                templates.remove(template)
    template.close()


def prestart(data_dir: Path, scratch_bytes: int, count: int = 1) -> list[Template]:
    """At least ``count`` live templates for these settings, started now (their imports overlap
    whatever the caller does next); a template that ended is replaced."""
    with _lock:
        templates = _templates.setdefault(_key(data_dir, scratch_bytes), [])
        dead = [t for t in templates if t.ended()]
        for template in dead:
            templates.remove(template)
        while len(templates) < count:
            try:
                templates.append(Template(Path(data_dir), scratch_bytes))
            except (OSError, bwrap.SandboxUnavailable):
                break
        found = list(templates)
    for template in dead:
        template.close()
    return found


def prepare(data_dir: Path, scratch_bytes: int, count: int) -> None:
    """Before a pool of ``count`` worker processes forks from this one: that many templates, each
    ready (so a worker that inherits one needs nothing it has not got); see :func:`claim`."""
    for template in prestart(data_dir, scratch_bytes, count):
        try:
            template.ready()
        except TemplateGone:
            _drop(template)


def claim(index: int) -> None:
    """In worker process number ``index`` of a pool forked from a process that :func:`prepare` d:
    keep only template ``index`` (of each setting), so no two workers ever share one."""
    with _lock:
        for key, templates in _templates.items():
            mine = [templates[index]] if index < len(templates) else []
            for other in templates:
                if other not in mine:
                    other.control.close()          # this process's copy only: the other worker keeps its own
            _templates[key] = mine


def spawn(read_fd: int, write_fd: int, data_dir: Path, *, memory_bytes: int, max_processes: int,
          scratch_bytes: int) -> WarmChild | None:
    """A fresh student process from a template, in its own cgroup; None when there is no template
    to ask (all busy, or none can start): the caller starts a cold sandbox."""
    if _unavailable:
        return None
    templates = prestart(data_dir, scratch_bytes)
    with _lock:
        template = next((t for t in templates if not t.busy), None)
        if template is None:
            return None
        template.busy = True
    group = SandboxCgroup.create(memory_bytes, max_processes)
    try:
        pid, namespace_pid = template.fork(read_fd, write_fd, memory_bytes, scratch_bytes)
    except (TemplateGone, SetupFailed) as exc:
        if isinstance(exc, SetupFailed):
            try:
                WarmChild(template, 0, exc.args[1], None).wait(30)      # its "exited"
            except subprocess.TimeoutExpired:
                pass
            _give_up(exc.args[0])
        if group is not None:
            group.remove()
        _drop(template)
        return None
    child = WarmChild(template, pid, namespace_pid, group)
    try:
        if group is not None:
            group.add(pid)
    except OSError:                      # not inside its limits: never let it run the cells
        child.kill()
        child.wait()
        group.remove()
        return None
    return child


@atexit.register
def close_all() -> None:
    """End every template (also done by bubblewrap when this process ends)."""
    with _lock:
        templates = [t for ts in _templates.values() for t in ts]
        _templates.clear()
    for template in templates:
        template.close()
