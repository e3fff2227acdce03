"""The warm template: one per grading worker, inside one bubblewrap sandbox, forking a fresh
student process for each notebook (a zygote, as Android and Chromium start processes).

    python -m autograder.sandbox.template CONTROL_FD

It imports what every student process imports (torch, the course's modules, IPython, and what the
lessons' setup cells import: :mod:`autograder.sandbox.preload`) once, then
waits on its control socket (a ``SOCK_SEQPACKET`` pair with the grader, :mod:`autograder.sandbox.warm`)
for a request: ``{"memory_bytes", "scratch_bytes"}`` with two file descriptors, the student's ends
of the request and reply pipes. For each it forks a child that, before it reads any student code:

- closes every descriptor but its two pipes and the control socket, and starts a session of its own;
- takes the notebook's memory limit (``RLIMIT_DATA``; the grader adds the cgroup before it sends
  the cells);
- enters a user and a mount namespace of its own, in which the template's mounts are read-only
  (``/`` and ``/dev`` remounted) and ``/tmp``, ``/dev/shm`` and the working folder are fresh tmpfs
  mounts of ``scratch_bytes`` each, so nothing an earlier child wrote is there and nothing this one
  writes outlives it;
- reseeds what fork copies, as a fresh process starts: torch's default generator from a random
  seed, NumPy's global one where it was imported (Python's ``random`` reseeds itself at a fork);
- says ``{"entered": pid}`` (or ``{"setup_failed": pid, "error"}``, and exits) on the control
  socket, closes it, then runs :func:`autograder.sandbox.student_process.main`, as a cold student
  process does.

The template never runs a student's code: it is not dumpable (``PR_SET_DUMPABLE`` 0, so no
child can ptrace it or read its ``/proc`` files: a child's user namespace gives it no capability
over the template's). It replies ``{"forked": pid}``, waits for the child, kills whatever the child
left running in the sandbox (every process but bubblewrap's init and itself), and only then
replies ``{"exited": pid, "code": n}`` (``-signal`` when killed, as :class:`subprocess.Popen`), so
no process of one student is alive when the next child is forked. If it cannot clean up, it exits,
and the grader starts a new template.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import signal
import socket
import sys
import time

import autograder.sandbox.student_process as student_process   # torch and the course's modules, once
from autograder.sandbox.preload import preload
import IPython.core.interactiveshell  # noqa: F401 - what run_cells imports, once
import torch

_libc = ctypes.CDLL(None, use_errno=True)
_CLONE_NEWNS, _CLONE_NEWUSER = 0x00020000, 0x10000000
_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_REMOUNT, _MS_BIND = 1, 2, 4, 32, 4096
_MS_REC, _MS_PRIVATE, _MS_RELATIME = 16384, 1 << 18, 1 << 21
_PR_SET_DUMPABLE = 4
SETUP_FAILED = 70              # a child's exit code when it could not enter its sandbox


def _check(result: int, what: str) -> None:
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{what}: {os.strerror(error)}")


def _mount(source, target: str, kind, flags: int, data: str | None = None) -> None:
    _check(_libc.mount(None if source is None else source.encode(), target.encode(),
                       None if kind is None else kind.encode(), flags,
                       None if data is None else data.encode()), f"mount {target}")


def enter_namespaces(workdir: str, scratch_bytes: int) -> None:
    """A user and mount namespace of this process's own: the mounts it inherited read-only, fresh
    tmpfs on /tmp, /dev/shm and ``workdir`` (created inside the fresh /tmp when it lies there)."""
    uid, gid = os.getuid(), os.getgid()
    # the template is not dumpable, and a fork inherits that: its /proc/self files would belong to
    # root, and an unprivileged child could not write its own maps. The child is the student's
    # process (as a cold one, dumpable); its new user namespace gives it no power over the template.
    _check(_libc.prctl(_PR_SET_DUMPABLE, 1, 0, 0, 0), "prctl")
    _check(_libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNS), "unshare")
    for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
        with open(f"/proc/self/{name}", "w") as handle:
            handle.write(text)
    _mount(None, "/", None, _MS_REC | _MS_PRIVATE)
    locked = _MS_NOSUID | _MS_NODEV | _MS_RELATIME      # a remount in a user namespace must keep these
    for where in ("/", "/dev"):
        _mount(None, where, None, _MS_REMOUNT | _MS_BIND | _MS_RDONLY | locked)
    size = f"size={int(scratch_bytes)},mode=1777"
    for where in ("/tmp", "/dev/shm"):
        _mount("tmpfs", where, "tmpfs", _MS_NOSUID | _MS_NODEV, size)
    os.makedirs(workdir, exist_ok=True)
    _mount("tmpfs", workdir, "tmpfs", _MS_NOSUID | _MS_NODEV, f"size={int(scratch_bytes)},mode=0755")
    os.chdir(workdir)


def _reseed() -> None:
    torch.seed()                   # a fresh process's default generator starts from a random seed
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()


def _close_all_but(keep: set[int]) -> None:
    low = 3
    for fd in sorted(keep) + [4096]:
        if fd >= low:
            os.closerange(low, fd)
            low = fd + 1


def child(control: socket.socket, request: dict, read_fd: int, write_fd: int) -> None:
    """The forked student process (never returns). It tells the grader over the control socket
    that it entered its sandbox (``{"entered": pid}``) or why not (``{"setup_failed": pid,
    "error"}``), and closes the socket before it reads a cell."""
    code = SETUP_FAILED
    try:
        _close_all_but({control.fileno(), read_fd, write_fd})
        os.setsid()
        memory = int(request["memory_bytes"])
        resource.setrlimit(resource.RLIMIT_DATA, (memory, memory))
        enter_namespaces(os.environ["HOME"], int(request["scratch_bytes"]))
        _reseed()
    except BaseException as exc:  # noqa: BLE001 - said to the grader, which grades cold instead
        try:
            _send(control, {"setup_failed": os.getpid(), "error": f"{type(exc).__name__}: {exc}"[:500]})
        finally:
            os._exit(code)
    try:
        _send(control, {"entered": os.getpid()})
        control.close()
        code = 1
        code = student_process.main(read_fd, write_fd) or 0
    except BaseException:  # noqa: BLE001 - the pipe closed (the grader is done)
        pass
    os._exit(code)


def _others() -> list[int]:
    """Every process of this sandbox but bubblewrap's init (1) and the template."""
    mine = {1, os.getpid()}
    return [int(name) for name in os.listdir("/proc") if name.isdigit() and int(name) not in mine]


def sweep(seconds: float = 5.0) -> bool:
    """Kill what a child left running (a daemon it forked); whether none is left."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        left = _others()
        if not left:
            return True
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        time.sleep(0.01)
    return not _others()


def _send(control: socket.socket, message: dict) -> None:
    control.send(json.dumps(message).encode())


def main(control_fd: int) -> int:
    torch.set_num_threads(1)
    preload()
    _check(_libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0), "prctl")
    control = socket.socket(fileno=control_fd)
    _send(control, {"ready": os.getpid()})
    while True:
        message, fds, _, _ = socket.recv_fds(control, 4096, 2)
        if not message:
            return 0                                   # the grader is gone
        if len(fds) != 2:
            for fd in fds:
                os.close(fd)
            _send(control, {"error": "a request needs two descriptors"})
            continue
        pid = os.fork()
        if pid == 0:
            child(control, json.loads(message), *fds)
        for fd in fds:
            os.close(fd)
        _send(control, {"forked": pid})
        _, status = os.waitpid(pid, 0)
        clean = sweep()
        _send(control, {"exited": pid, "code": os.waitstatus_to_exitcode(status)})
        if not clean:
            return 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1])))
