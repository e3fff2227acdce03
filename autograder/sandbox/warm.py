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
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from autograder.sandbox import bwrap
from autograder.sandbox.cgroup import SandboxCgroup

START_SECONDS = 120.0
WORKDIR = Path("/tmp/work")     # inside the sandbox only (a tmpfs per child); nothing on the host


class TemplateGone(RuntimeError):
    """The template ended or answered nonsense; it is not used again."""


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except (OSError, ValueError):
        return []


def _namespace_pid(pid: int) -> int | None:
    """A process's PID in its innermost PID namespace (the last of ``NSpid``)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("NSpid:"):
                return int(line.split()[-1])
    except (OSError, ValueError, IndexError):
        pass
    return None


class Template:
    """One template sandbox and the control socket to it."""

    def __init__(self, data_dir: Path, scratch_bytes: int):
        self.workdir = WORKDIR
        self.control, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        program = [sys.executable, "-m", "autograder.sandbox.template", str(theirs.fileno())]
        command = bwrap.bwrap_command(self.workdir, data_dir, scratch_bytes) + program
        try:
            self.process = subprocess.Popen(command, cwd="/", env={}, pass_fds=(theirs.fileno(),),
                                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                            stderr=subprocess.DEVNULL, start_new_session=True)
        finally:
            theirs.close()
        self.busy, self.started, self.host_pid, self.owner = False, False, None, os.getpid()

    def ended(self) -> bool:
        """Whether the template's sandbox has ended, as far as this process can tell: only the
        process that started it can wait for it (a worker forked since learns it from the socket)."""
        return os.getpid() == self.owner and self.process.poll() is not None

    def receive(self, seconds: float) -> dict:
        ready, _, _ = select.select([self.control], [], [], max(seconds, 0.0))
        if not ready:
            raise TimeoutError
        data = self.control.recv(4096)
        if not data:
            raise TemplateGone("the template ended")
        try:
            message = json.loads(data)
        except ValueError:
            message = None
        if not isinstance(message, dict):
            raise TemplateGone("the template sent a malformed message")
        return message

    def _find(self) -> None:
        """The template's host PID (bwrap → its init → the template), once it has answered."""
        if self.host_pid is None:
            found = [p for init in _children(self.process.pid) for p in _children(init)]
            if len(found) != 1:
                raise TemplateGone("the template's process was not found")
            self.host_pid = found[0]

    def ready(self) -> None:
        """Wait until the template has imported what it preloads (a no-op once seen, in this
        process or the one it was forked from)."""
        if self.started:
            return
        try:
            message = self.receive(START_SECONDS)
        except TimeoutError:
            raise TemplateGone("the template did not start") from None
        if "ready" not in message:
            raise TemplateGone("the template did not start")
        self.started = True
        self._find()

    def fork(self, read_fd: int, write_fd: int, memory_bytes: int, scratch_bytes: int) -> tuple[int, int]:
        """A new child; its host PID and its PID in the template's sandbox. The request waits in
        the socket while the template is still importing; a reply of an earlier process that used
        this template (its "ready", or an "exited" a worker that died did not read) is skipped."""
        request = json.dumps({"memory_bytes": int(memory_bytes), "scratch_bytes": int(scratch_bytes)}).encode()
        try:
            socket.send_fds(self.control, [request], [read_fd, write_fd])
            while True:
                reply = self.receive(30 if self.started else START_SECONDS)
                if "ready" in reply:
                    self.started = True
                elif "exited" not in reply:
                    break
        except (OSError, TimeoutError) as exc:
            raise TemplateGone(f"the template did not fork ({type(exc).__name__})") from None
        self.started = True
        self._find()
        pid = reply.get("forked")
        for child in _children(self.host_pid):
            if _namespace_pid(child) == pid:
                return child, pid
        raise TemplateGone("the forked child was not found")

    def close(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.process.wait()
        self.control.close()


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
    templates = prestart(data_dir, scratch_bytes)
    with _lock:
        template = next((t for t in templates if not t.busy), None)
        if template is None:
            return None
        template.busy = True
    group = SandboxCgroup.create(memory_bytes, max_processes)
    try:
        pid, namespace_pid = template.fork(read_fd, write_fd, memory_bytes, scratch_bytes)
    except TemplateGone:
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
