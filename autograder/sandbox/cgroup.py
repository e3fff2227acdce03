"""Memory and process caps for a whole sandbox (every process in it, and its tmpfs pages): a cgroup.

One :class:`SandboxCgroup` per student process, created by the grader under its own cgroup:

- cgroup v2 (a delegated ``/sys/fs/cgroup`` subtree with the memory and pids controllers enabled
  for children): ``memory.max``, ``memory.swap.max = 0``, ``pids.max``; ended with ``cgroup.kill``;
- cgroup v1 (writable ``memory`` and ``pids`` hierarchies, as on this course's Debian machines
  run as root): ``memory.limit_in_bytes`` (and ``memsw`` where swap accounting is on),
  ``pids.max``; ended by killing every listed process.

The sandbox's first process joins it before it execs bubblewrap (``preexec_fn``), so everything
the student starts is inside, and the kernel counts the tmpfs pages it writes (``/tmp``,
``/dev/shm``, its working folder) against the same limit. When neither is available (not root,
no delegation), :func:`availability` says why; the grader then says so once per run and falls
back to per-process limits (``RLIMIT_DATA``) and size-capped tmpfs mounts.
"""

from __future__ import annotations

import itertools
import os
import signal
import time
from pathlib import Path

_ROOT = Path("/sys/fs/cgroup")
_counter = itertools.count()
_availability: tuple[str | None, str] | None = None


def _own_path(controller: str) -> str | None:
    """Our cgroup's path in the v1 hierarchy of ``controller`` (or v2 with controller "")."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        number, controllers, path = line.split(":", 2)
        if (controller == "" and number == "0") or controller in controllers.split(","):
            return path
    return None


def _v2_base() -> Path | None:
    if not (_ROOT / "cgroup.controllers").exists():
        return None
    path = _own_path("")
    if path is None:
        return None
    base = _ROOT / path.lstrip("/")
    try:
        enabled = (base / "cgroup.subtree_control").read_text().split()
    except OSError:
        return None
    return base if {"memory", "pids"} <= set(enabled) and os.access(base, os.W_OK) else None


def _v1_bases() -> dict[str, Path] | None:
    bases = {}
    for controller in ("memory", "pids"):
        mount = _ROOT / controller
        path = _own_path(controller)
        if path is None or not (mount / "cgroup.procs").exists():
            return None
        base = mount / path.lstrip("/")
        if not base.is_dir():               # our cgroup seen from a namespace: use the mount's root
            base = mount
        if not os.access(base, os.W_OK):
            return None
        bases[controller] = base
    return bases


def availability() -> tuple[str | None, str]:
    """``("v2" | "v1" | None, a sentence for the instructor)``, probed once per process."""
    global _availability
    if _availability is None:
        if _v2_base() is not None:
            _availability = ("v2", "whole-sandbox memory and process caps: cgroup v2")
        elif _v1_bases() is not None:
            _availability = ("v1", "whole-sandbox memory and process caps: cgroup v1 (memory, pids)")
        else:
            _availability = (None, "no writable cgroup (v2 with memory and pids delegated, or v1 as root): "
                                   "each sandbox is limited per process only (memory per process, tmpfs sizes), "
                                   "not in total, and its number of processes is not capped")
    return _availability


class SandboxCgroup:
    """A cgroup for one sandbox; :meth:`create` returns None where cgroups are unavailable."""

    def __init__(self, kind: str, folders: list[Path]):
        self.kind, self.folders = kind, folders

    @classmethod
    def create(cls, memory_bytes: int, max_processes: int) -> SandboxCgroup | None:
        kind, _ = availability()
        name = f"autograder-{os.getpid()}-{next(_counter)}"
        try:
            if kind == "v2":
                folder = _v2_base() / name
                folder.mkdir()
                group = cls("v2", [folder])
                (folder / "memory.max").write_text(str(memory_bytes))
                if (folder / "memory.swap.max").exists():
                    (folder / "memory.swap.max").write_text("0")
                (folder / "pids.max").write_text(str(max_processes))
                return group
            if kind == "v1":
                bases = _v1_bases()
                memory, pids = bases["memory"] / name, bases["pids"] / name
                memory.mkdir()
                group = cls("v1", [memory])
                pids.mkdir()
                group.folders.append(pids)
                (memory / "memory.limit_in_bytes").write_text(str(memory_bytes))
                if (memory / "memory.memsw.limit_in_bytes").exists():
                    (memory / "memory.memsw.limit_in_bytes").write_text(str(memory_bytes))
                (pids / "pids.max").write_text(str(max_processes))
                return group
        except OSError:
            if "group" in locals():
                group.remove()
        return None

    def enter(self) -> None:
        """Move the calling process into this cgroup (run in the child before it execs)."""
        for folder in self.folders:
            with open(folder / "cgroup.procs", "w") as handle:
                handle.write("0\n" if self.kind == "v2" else f"{os.getpid()}\n")

    def add(self, pid: int) -> None:
        """Move process ``pid`` (a host PID) into this cgroup (a warm child, before it runs any
        student code)."""
        for folder in self.folders:
            with open(folder / "cgroup.procs", "w") as handle:
                handle.write(f"{int(pid)}\n")

    def oom_killed(self) -> bool:
        """Whether the kernel killed a process here for reaching the memory limit."""
        try:
            if self.kind == "v2":
                text = (self.folders[0] / "memory.events").read_text()
                return any(line.split()[0] == "oom_kill" and int(line.split()[1]) > 0 for line in text.splitlines())
            text = (self.folders[0] / "memory.oom_control").read_text()
            kills = [int(line.split()[1]) for line in text.splitlines() if line.startswith("oom_kill ")]
            if kills:
                return kills[0] > 0
            return int((self.folders[0] / "memory.failcnt").read_text()) > 0
        except (OSError, ValueError, IndexError):
            return False

    def peak_bytes(self) -> int | None:
        name = "memory.peak" if self.kind == "v2" else "memory.max_usage_in_bytes"
        try:
            return int((self.folders[0] / name).read_text())
        except (OSError, ValueError):
            return None

    def kill_all(self) -> None:
        """SIGKILL every process in the cgroup (whatever it forked, however it detached)."""
        if self.kind == "v2" and (self.folders[0] / "cgroup.kill").exists():
            try:
                (self.folders[0] / "cgroup.kill").write_text("1")
            except OSError:
                pass
        for _ in range(250):                 # up to ~5 s: freeing gigabytes takes a dying process time
            pids = self.processes()
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            time.sleep(0.02)

    def processes(self) -> list[int]:
        found = set()
        for folder in self.folders:
            try:
                found |= {int(p) for p in (folder / "cgroup.procs").read_text().split()}
            except (OSError, ValueError):
                pass
        return sorted(found)

    def remove(self) -> None:
        """Kill what is left and remove the cgroup; never raises (a leftover empty cgroup is harmless)."""
        self.kill_all()
        for folder in self.folders:
            for _ in range(200):             # up to ~10 s: busy while its last tasks finish exiting
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.05)
