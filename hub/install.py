"""The hub's system copy: what every account runs, installed by root, readable by all, writable by root only.

``./kit hub`` installs it (root) before anyone logs in, and brings it up to date on every run::

    /opt/cnn-layers/                  0755 root   (--prefix)
        venv/                         the course's Python environment, made from the system's Python
                                      (/usr/bin/python3, which every account can run; a venv made
                                      from pyenv's Python under /root, mode 0700, runs for root only),
                                      with the pinned stack of pyproject.toml and two packages copied in:
                                      ``course`` (the lessons import it) and ``hub`` (the hub's config,
                                      the exchange's classes, the roles' Jupyter config)
        data/FashionMNIST/raw/        the verified data the lessons read
        installed.json                what is installed, so that an unchanged copy is left as it is

No solution, hidden test, gradebook or grading tool is in it: ``source/`` stays in the repository
and in the instructor's course directory (both private), and the grader (``autograder/``) runs
from the instructor's course directory. Every file belongs to root and no one else may write it;
the repository itself may be private (0700, e.g. a clone in root's home).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

from hub import DEFAULT_INSTALL, REPO

PACKAGES = ("course", "hub")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
LAB_OVERRIDES = REPO / "hub" / "lab_overrides.json"     # also what ./kit lab writes into .venv


class InstallRefused(RuntimeError):
    """The prefix, or the Python it would be built from, is not safe for every account to run."""


def system_python() -> Path:
    """The interpreter the copy's environment is made from: ``COURSE_HUB_PYTHON`` or /usr/bin/python3."""
    return Path(os.environ.get("COURSE_HUB_PYTHON", "/usr/bin/python3"))


def _reachable_by_everyone(path: Path) -> str | None:
    """Why another account cannot run ``path`` (an ancestor without o+x, the file without o+x), or None."""
    resolved = Path(os.path.realpath(path))
    for folder in reversed(resolved.parents):
        if not os.stat(folder).st_mode & stat.S_IXOTH:
            return f"{folder} is not traversable by other accounts (mode {stat.filemode(os.stat(folder).st_mode)})"
    if not resolved.exists() or not os.stat(resolved).st_mode & stat.S_IXOTH:
        return f"{resolved} is not executable by other accounts"
    return None


def _check_writable_by_root_only(path: Path) -> None:
    """Refuse a prefix (or a folder above it) that another account owns or may write to."""
    for folder in [path, *path.parents]:
        if not folder.exists():
            continue
        info = folder.lstat()
        sticky_shared = info.st_mode & stat.S_ISVTX and folder != path       # /tmp: others cannot replace our folder
        if stat.S_ISLNK(info.st_mode) or info.st_uid != 0 or (info.st_mode & 0o022 and not sticky_shared):
            raise InstallRefused(
                f"{folder} belongs to uid {info.st_uid} or is writable by others (mode {stat.filemode(info.st_mode)}): "
                f"the hub's copy of the course must be root's alone. Choose another --prefix, or fix it "
                f"(chown root: {folder}; chmod go-w {folder}).")


def environment_stamp(repo: Path = REPO) -> str:
    """The same stamp ``./kit`` writes to ``.venv/.kit-installed``: the pins of pyproject.toml."""
    return hashlib.sha256((repo / "pyproject.toml").read_bytes()).hexdigest()[:16]


def _tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def site_packages(venv: Path) -> Path:
    """The copy's ``site-packages`` (asked of its interpreter)."""
    out = subprocess.run([str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                         capture_output=True, text=True, check=True)
    return Path(out.stdout.strip())


def _pins(repo: Path) -> tuple[list[str], list[str]]:
    config = tomllib.loads((repo / "pyproject.toml").read_text())
    return config["project"]["dependencies"], config["tool"]["course"]["install-without-deps"]


def _say(text: str) -> None:
    print(f"[hub] {text}", file=sys.stderr, flush=True)


def _install_environment(venv: Path, repo: Path) -> None:
    """A fresh venv from the system's Python with the pinned stack (what ./kit installs, not editable)."""
    python = system_python()
    why = _reachable_by_everyone(python)
    if why:
        raise InstallRefused(f"{python} cannot be run by the students' accounts: {why}. Name another with "
                             "COURSE_HUB_PYTHON=/path/to/python3.11")
    # Built where it stays (a venv's scripts name their folder); the stamp is written last, so a run
    # that stops half-way is redone by the next.
    shutil.rmtree(venv, ignore_errors=True)
    _say(f"installing the course's Python environment for every account into {venv} (a minute or more)")
    subprocess.run([str(python), "-m", "venv", str(venv)], check=True)
    pinned, without_deps = _pins(repo)
    log = venv / "pip.log"
    for args in (["--upgrade", "pip"], pinned, ["--no-deps", *without_deps]):
        with open(log, "a") as handle:
            done = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check",
                                   *args], stdout=handle, stderr=subprocess.STDOUT)
        if done.returncode != 0:
            raise InstallRefused(f"pip install {' '.join(args)} failed for the hub's environment: see {log}")
    (venv / ".kit-installed").write_text(environment_stamp(repo) + "\n")


def _install_package(source: Path, target: Path) -> None:
    fresh = target.with_name(target.name + ".new")
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.copytree(source, fresh, ignore=IGNORED, symlinks=False)
    shutil.rmtree(target, ignore_errors=True)
    os.rename(fresh, target)


def _root_only(prefix: Path) -> None:
    """Every file root's, readable by all, writable by root alone."""
    for folder, dirs, files in os.walk(prefix):
        for name in [*dirs, *files, ""]:
            path = os.path.join(folder, name) if name else folder
            info = os.lstat(path)
            if stat.S_ISLNK(info.st_mode):
                continue
            if info.st_uid != 0 or info.st_gid != 0:
                os.chown(path, 0, 0, follow_symlinks=False)
            mode = stat.S_IMODE(info.st_mode) & ~0o022 | 0o044 | (0o011 if info.st_mode & 0o100 else 0)
            if mode != stat.S_IMODE(info.st_mode):
                os.chmod(path, mode)


def install(prefix: Path = DEFAULT_INSTALL, repo: Path = REPO) -> dict:
    """Install or update the hub's copy in ``prefix``; return what is installed (``installed.json``)."""
    import fcntl

    prefix = Path(os.path.abspath(prefix))
    _check_writable_by_root_only(prefix)
    old_umask = os.umask(0o022)
    try:
        prefix.mkdir(parents=True, exist_ok=True)
        lock = os.open(prefix / ".install.lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        fcntl.flock(lock, fcntl.LOCK_EX)          # two runs at once (two test runs, a hub and a test) take turns
        record_path = prefix / "installed.json"
        record = json.loads(record_path.read_text()) if record_path.is_file() else {}
        venv = prefix / "venv"
        stamp = environment_stamp(repo)
        installed = venv / ".kit-installed"
        if not installed.is_file() or installed.read_text().strip() != stamp:
            _install_environment(venv, repo)
        record["environment"] = stamp
        packages = site_packages(venv)
        for package in PACKAGES:
            digest = _tree_digest(repo / package)
            if record.get(package) != digest or not (packages / package).is_dir():
                _install_package(repo / package, packages / package)
                record[package] = digest
        settings = venv / "share" / "jupyter" / "lab" / "settings"
        settings.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(LAB_OVERRIDES, settings / "overrides.json")
        data = prefix / "data"
        if not (data / "FashionMNIST" / "raw" / ".verified.json").is_file():
            env = {"PATH": "/usr/bin:/bin", "COURSE_DATA_DIR": str(data), "HOME": str(prefix)}
            repo_raw = repo / "data" / "FashionMNIST" / "raw"
            root = ["--root", str(repo_raw)] if (repo_raw / ".verified.json").is_file() else []
            subprocess.run([str(venv / "bin" / "python"), "-m", "course.data", "prepare", "--no-download", *root],
                           env=env, check=True, cwd=prefix)
        subprocess.run([str(venv / "bin" / "python"), "-m", "compileall", "-q", *(str(packages / p) for p in PACKAGES)],
                       check=True, capture_output=True)
        record_path.write_text(json.dumps(record, indent=1) + "\n")
        _root_only(prefix)
        os.close(lock)
    finally:
        os.umask(old_umask)
    return record


def installed_hub(prefix: Path = DEFAULT_INSTALL) -> Path:
    """The folder of the installed ``hub`` package (its jupyterhub_config.py and config/)."""
    return site_packages(Path(prefix) / "venv") / "hub"
