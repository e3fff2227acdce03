"""The grader's end of one warm template's control socket (:mod:`autograder.sandbox.template`):
start the template's sandbox, wait until it has imported what it preloads, ask it to fork a
student process and find that child's host PID. The pool of templates is :mod:`autograder.sandbox.warm`."""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
from pathlib import Path

from autograder.sandbox import bwrap

START_SECONDS = 120.0
WORKDIR = Path("/tmp/work")     # inside the sandbox only (a tmpfs per child); nothing on the host


class TemplateGone(RuntimeError):
    """The template ended or answered nonsense; it is not used again."""


class SetupFailed(RuntimeError):
    """A forked child could not enter its sandbox on this machine. ``args``: (error, its PID)."""


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
        """A new child that has entered its sandbox; its host PID and its PID in the template's
        sandbox. The request waits in the socket while the template is still importing; what the
        template and the child say comes in either order, and a message of an earlier process that
        used this template (a "ready", an "exited" a worker that died did not read) is skipped.
        :class:`SetupFailed` when the child could not enter its sandbox (it exits)."""
        request = json.dumps({"memory_bytes": int(memory_bytes), "scratch_bytes": int(scratch_bytes)}).encode()
        pid, entered, failed = None, set(), {}
        try:
            socket.send_fds(self.control, [request], [read_fd, write_fd])
            while pid is None or (pid not in entered and pid not in failed):
                reply = self.receive(30 if self.started else START_SECONDS)
                self.started = self.started or "ready" in reply
                if "forked" in reply:
                    pid = reply["forked"]
                elif "entered" in reply:
                    entered.add(reply["entered"])
                elif "setup_failed" in reply:
                    failed[reply["setup_failed"]] = str(reply.get("error", ""))[:500]
                elif "ready" not in reply and "exited" not in reply:
                    raise TemplateGone("the template sent an unknown message")
        except (OSError, TimeoutError) as exc:
            raise TemplateGone(f"the template did not fork ({type(exc).__name__})") from None
        self.started = True
        if pid in failed:
            raise SetupFailed(failed[pid], pid)
        self._find()
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
