"""Start the student's process in a bubblewrap sandbox: no network, and no files but its own.

Inside, the process sees read-only: the system's programs and libraries, the Python installation
and the virtual environment, the ``course`` and ``autograder`` packages, and the Fashion-MNIST
files; read-write: one empty working folder of its own. It does not see source/ (solutions and
hidden tests), the gradebook, other students' submissions, or the instructor's home. It has its
own network namespace (no interface but a loopback of its own), its own PID namespace, a memory
limit (RLIMIT_DATA) and a limit on the size of files it writes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from autograder import COURSE_ROOT


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or does not work here."""


def _python_paths() -> list[Path]:
    """Folders the sandboxed interpreter needs: the venv and the installation it points at."""
    paths = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(), Path(sys.executable).resolve().parent}
    return sorted(paths)


def bwrap_command(workdir: Path, data_dir: Path) -> list[str]:
    """The bwrap command line up to (not including) the program to run."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise SandboxUnavailable("bubblewrap (bwrap) is not installed: `./kit setup` installs it on Debian/Ubuntu "
                                 "(apt-get install bubblewrap); grading without a sandbox needs --no-sandbox")
    command = [bwrap, "--unshare-all", "--die-with-parent", "--new-session", "--clearenv",
               "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
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
    command += ["--bind", str(workdir), str(workdir), "--chdir", str(workdir),
                "--setenv", "HOME", str(workdir), "--setenv", "PATH", f"{Path(sys.executable).parent}:/usr/bin:/bin",
                "--setenv", "PYTHONPATH", str(COURSE_ROOT), "--setenv", "COURSE_DATA_DIR", str(data_dir),
                "--setenv", "MPLBACKEND", "Agg", "--setenv", "PYTHONDONTWRITEBYTECODE", "1",
                "--setenv", "OMP_NUM_THREADS", "1"]
    return command


def _limit_memory(memory_bytes: int):
    def apply():
        import resource
        resource.setrlimit(resource.RLIMIT_DATA, (memory_bytes, memory_bytes))
    return apply


def start(workdir: Path, data_dir: Path, read_fd: int, write_fd: int, *, memory_bytes: int,
          sandbox: bool = True) -> subprocess.Popen:
    """Start ``python -m autograder.student_process`` (sandboxed unless ``sandbox=False``)."""
    program = [sys.executable, "-m", "autograder.student_process", str(read_fd), str(write_fd)]
    if sandbox:
        command = bwrap_command(workdir, data_dir) + program
        env = {}            # bwrap is PID 1 in the sandbox: its /proc/1/environ must show nothing of ours
    else:
        command = program
        env = {"PATH": os.environ.get("PATH", ""), "HOME": str(workdir), "PYTHONPATH": str(COURSE_ROOT),
               "COURSE_DATA_DIR": str(data_dir), "MPLBACKEND": "Agg", "OMP_NUM_THREADS": "1"}
    return subprocess.Popen(command, cwd=workdir, env=env, pass_fds=(read_fd, write_fd),
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            preexec_fn=_limit_memory(memory_bytes), start_new_session=True)
