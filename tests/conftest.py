"""Shared fixtures: the real Fashion-MNIST files and small damaged copies of them."""

import os
from pathlib import Path

import pytest

from course.data import DEBIAN_DIR, ENV_VAR, RAW_FILES


def _real_gz_folder() -> Path:
    """The folder with the four original .gz files (Debian's package, or FASHION_MNIST_DIR)."""
    for folder in (os.environ.get(ENV_VAR), DEBIAN_DIR):
        if folder and all((Path(folder) / f"{s.name}.gz").is_file() for s in RAW_FILES):
            return Path(folder)
    pytest.fail(
        "The tests need the real Fashion-MNIST .gz files: `./kit test` installs Debian's "
        f"dataset-fashion-mnist, or set {ENV_VAR} to a folder holding the four .gz files."
    )


@pytest.fixture(scope="session")
def real_gz_folder() -> Path:
    return _real_gz_folder()


@pytest.fixture
def no_env(monkeypatch):
    """Run without FASHION_MNIST_DIR, whatever the caller's shell has."""
    monkeypatch.delenv(ENV_VAR, raising=False)


def link_files(real: Path, folder: Path, suffix: str = ".gz") -> Path:
    """Fill ``folder`` with symlinks to the four real files; return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for spec in RAW_FILES:
        (folder / f"{spec.name}{suffix}").symlink_to(real / f"{spec.name}{suffix}")
    return folder


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item (``rep_setup``, ``rep_call``) for fixtures to read."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
