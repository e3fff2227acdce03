"""Start the student's process in a bubblewrap sandbox: no network, and no files but its own.

Inside, the process sees read-only: the system's programs and libraries, the Python installation
and the virtual environment, the ``course`` and ``autograder`` packages, and the Fashion-MNIST
files; read-write: one empty working folder of its own. It does not see source/ (solutions and
hidden tests), the gradebook, other students' submissions, or the instructor's home. It has its
own network namespace (no interface but a loopback of its own), its own PID namespace, a memory
limit (RLIMIT_DATA) and a limit on the size of files it writes. bubblewrap itself starts with an
empty environment (it is PID 1 inside: ``/proc/1/environ`` shows nothing of the grader's); the
child gets an explicit, minimal one.

Whole-sandbox limits (issue 14): its working folder, ``/tmp`` and ``/dev/shm`` are tmpfs mounts of
``scratch_bytes`` each (nothing the student writes reaches the host's disk, and all of it goes
when the sandbox ends), and where a cgroup is available (:mod:`autograder.sandbox.cgroup`) every process
in the sandbox, with those tmpfs pages, shares one memory limit and one process cap.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

from autograder import COURSE_ROOT
from autograder.sandbox.cgroup import SandboxCgroup
from autograder.sandbox.limits import Limits
from autograder.sandbox.cpu_only import CPU_ONLY_ENVIRONMENT


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or does not work here."""


def _python_paths() -> list[Path]:
    """Folders the sandboxed interpreter needs: the venv and the installation it points at."""
    paths = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(), Path(sys.executable).resolve().parent}
    return sorted(paths)


@functools.lru_cache(maxsize=1)
def bwrap_supports_size() -> bool:
    """Whether this bubblewrap caps tmpfs sizes (``--size``, bubblewrap 0.7 and later)."""
    try:
        return "--size" in subprocess.run([shutil.which("bwrap") or "bwrap", "--help"], capture_output=True,
                                          text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return False


def bwrap_command(workdir: Path, data_dir: Path, scratch_bytes: int = Limits.scratch_bytes) -> list[str]:
    """The bwrap command line up to (not including) the program to run."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise SandboxUnavailable("bubblewrap (bwrap) is not installed: `./kit setup` installs it on Debian/Ubuntu "
                                 "(apt-get install bubblewrap); grading without a sandbox needs --no-sandbox")
    size = ["--size", str(int(scratch_bytes))] if bwrap_supports_size() else []
    command = [bwrap, "--unshare-all", "--die-with-parent", "--new-session", "--clearenv",
               "--proc", "/proc", "--dev", "/dev", *size, "--tmpfs", "/dev/shm", *size, "--tmpfs", "/tmp"]
    for system in ("/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/etc/alternatives", "/etc/ld.so.cache",
                   "/etc/ssl", "/sys/devices/system/cpu"):
        if os.path.exists(system):
            command += ["--ro-bind", system, system]
    for path in _python_paths():
        command += ["--ro-bind", str(path), str(path)]
    for package in ("course", "autograder"):
        command += ["--ro-bind", str(COURSE_ROOT / package), str(COURSE_ROOT / package)]
    raw = data_dir / "FashionMNIST" / "raw"
    if raw.is_dir():
        command += ["--ro-bind", str(raw), str(raw)]
    command += [*size, "--tmpfs", str(workdir), "--chdir", str(workdir),
                "--setenv", "HOME", str(workdir), "--setenv", "PATH", f"{Path(sys.executable).parent}:/usr/bin:/bin",
                "--setenv", "PYTHONPATH", str(COURSE_ROOT), "--setenv", "COURSE_DATA_DIR", str(data_dir),
                "--setenv", "MPLBACKEND", "Agg", "--setenv", "PYTHONDONTWRITEBYTECODE", "1",
                "--setenv", "OMP_NUM_THREADS", "1"]
    for name, value in CPU_ONLY_ENVIRONMENT.items():       # grades do not depend on the machine's GPU
        command += ["--setenv", name, value]
    return command


def _limit_memory(memory_bytes: int, group: SandboxCgroup | None):
    def apply():
        import resource
        resource.setrlimit(resource.RLIMIT_DATA, (memory_bytes, memory_bytes))
        if group is not None:
            group.enter()
    return apply


def start(workdir: Path, data_dir: Path, read_fd: int, write_fd: int, *, memory_bytes: int,
          sandbox: bool = True, max_processes: int = Limits.max_processes,
          scratch_bytes: int = Limits.scratch_bytes) -> subprocess.Popen:
    """Start ``python -m autograder.sandbox.student_process`` (sandboxed unless ``sandbox=False``); the
    returned process's ``cgroup`` attribute is its :class:`SandboxCgroup` or None."""
    program = [sys.executable, "-m", "autograder.sandbox.student_process", str(read_fd), str(write_fd)]
    if sandbox:
        command = bwrap_command(workdir, data_dir, scratch_bytes) + program
        env = {}            # bwrap is PID 1 in the sandbox: its /proc/1/environ must show nothing of ours
    else:
        command = program
        env = {"PATH": os.environ.get("PATH", ""), "HOME": str(workdir), "PYTHONPATH": str(COURSE_ROOT),
               "COURSE_DATA_DIR": str(data_dir), "MPLBACKEND": "Agg", "OMP_NUM_THREADS": "1", **CPU_ONLY_ENVIRONMENT}
    group = SandboxCgroup.create(memory_bytes, max_processes)
    try:
        process = subprocess.Popen(command, cwd=workdir, env=env, pass_fds=(read_fd, write_fd),
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   preexec_fn=_limit_memory(memory_bytes, group), start_new_session=True)
    except BaseException:
        if group is not None:
            group.remove()
        raise
    process.cgroup = group
    return process
