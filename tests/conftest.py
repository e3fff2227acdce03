"""Shared fixtures: the real Fashion-MNIST files and small damaged copies of them; the hub's system
copy (what every account runs); a guard that fails the run when a hub test skips as root on Linux."""

import os
import sys
from pathlib import Path

import pytest

from course.data import DEBIAN_DIR, ENV_VAR, RAW_FILES

# No test's `check` leaves a warm helper behind (tests/test_check_helper.py starts its own).
os.environ["COURSE_CHECK_HELPER"] = "0"


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


# The system copy the hub and the tests that run as other accounts use: installed (or brought up to
# date, in a second when nothing changed) by hub/install.py in a root-owned folder every account can
# run; kept between runs so that a second run does not reinstall torch.
TEST_INSTALL = Path("/var/tmp/cnn-layers-test-install")
ROOT_ON_LINUX = sys.platform.startswith("linux") and os.geteuid() == 0


@pytest.fixture(scope="session")
def system_copy() -> Path:
    """The prefix of the hub's system copy (``<prefix>/venv``: the course's environment from the
    system's Python, which every account can run, wherever this checkout lies)."""
    if not ROOT_ON_LINUX:
        pytest.skip("installing the hub's system copy needs root on Linux")
    from hub.install import install

    install(TEST_INSTALL)
    return TEST_INSTALL


_hub_skips: list[str] = []


def _is_hub_test(nodeid: str) -> bool:
    return Path(nodeid.split("::")[0]).name.startswith("test_hub")


def _note_hub_skip(report) -> None:
    if report.skipped and _is_hub_test(report.nodeid):
        why = report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr
        _hub_skips.append(f"{report.nodeid}: {why}")


pytest_runtest_logreport = _note_hub_skip       # a test that skips
pytest_collectreport = _note_hub_skip           # a module that skips as a whole


def pytest_sessionfinish(session, exitstatus):
    """As root on Linux the hub's tests must run: a skip there hides an untested class server."""
    if ROOT_ON_LINUX and _hub_skips and exitstatus == 0:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line("FAILED: hub tests skipped although this run is root on Linux:", red=True)
            for line in _hub_skips:
                reporter.write_line(f"  {line}", red=True)
        session.exitstatus = 1
