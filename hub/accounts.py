"""Unix accounts for the hub (root only): one per roster id, one for the instructor.

JupyterHub's PAM login checks the account's password; the local process spawner starts each
person's JupyterLab as that account, in its home. Homes are made private (0700), so that students
cannot read each other's fetched notebooks.
"""

from __future__ import annotations

import csv
import os
import pwd
import re
import signal
import subprocess
import time
from pathlib import Path

# What Debian's useradd accepts without --badname, and what is safe in nbgrader's exchange paths.
USERNAME = re.compile(r"[a-z_][a-z0-9_-]{0,31}")


def roster_ids(csv_path: Path) -> list[str]:
    """The ``id`` column of a roster CSV; each must be a valid Unix user name."""
    with open(csv_path, newline="", encoding="utf-8") as handle:
        ids = [(row.get("id") or "").strip() for row in csv.DictReader(handle)]
    bad = [i for i in ids if not USERNAME.fullmatch(i)]
    if bad:
        raise ValueError(f"{csv_path}: these ids cannot be Unix account names (lower-case letters, digits, "
                         f"_ and -, at most 32, not starting with a digit or -): {', '.join(map(repr, bad))}")
    return ids


def exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def home(name: str) -> Path:
    return Path(pwd.getpwnam(name).pw_dir)


def create(name: str, password: str | None = None) -> bool:
    """Create the account with a private home (and set its password); False if it already existed.

    An existing account is left as it is: its password and its files are the person's own.
    """
    if not USERNAME.fullmatch(name):
        raise ValueError(f"{name!r} is not a valid Unix account name")
    if exists(name):
        return False
    subprocess.run(["useradd", "--create-home", "--user-group", "--shell", "/bin/bash", name], check=True)
    os.chmod(home(name), 0o700)
    if password is not None:
        set_password(name, password)
    return True


def set_password(name: str, password: str) -> None:
    if any(ch in password for ch in ":\n"):
        raise ValueError("a password may not contain ':' or a line break (chpasswd's format)")
    subprocess.run(["chpasswd"], input=f"{name}:{password}\n", text=True, check=True)


def processes(name: str) -> list[int]:
    """The ids of the processes that run as this account."""
    uid = pwd.getpwnam(name).pw_uid
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    found.append(int(entry.name))
            except FileNotFoundError:
                pass
    return found


def remove(name: str) -> None:
    """Stop the account's processes (by their ids), then delete the account, its group and its home."""
    if not exists(name):
        return
    for attempt in range(20):
        pids = processes(name)
        if not pids:
            break
        for pid in pids:
            try:
                os.kill(pid, signal.SIGTERM if attempt < 5 else signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.25)
    subprocess.run(["userdel", "--remove", name], check=True, capture_output=True)


def run_as(name: str, argv: list[str], *, cwd: Path | None = None, env: dict | None = None,
           check: bool = True, timeout: float | None = None) -> subprocess.CompletedProcess:
    """Run ``argv`` as the account (``runuser``), with a clean environment plus ``env``."""
    account = pwd.getpwnam(name)
    clean = {"HOME": account.pw_dir, "USER": name, "LOGNAME": name, "SHELL": "/bin/bash",
             "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": os.environ.get("LANG", "C.UTF-8")}
    clean.update(env or {})
    command = ["runuser", "-u", name, "--", "env", "-i"] + [f"{k}={v}" for k, v in clean.items()] + list(argv)
    return subprocess.run(command, cwd=cwd or account.pw_dir, capture_output=True, text=True, check=check,
                          timeout=timeout)
