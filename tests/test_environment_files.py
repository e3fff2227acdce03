"""pyproject.toml and environment.yml describe one environment, and .venv holds exactly it."""

import re
import tomllib
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _environment_yml_pip():
    """The pip section of environment.yml, one requirement per line (a tiny YAML subset)."""
    lines = (ROOT / "environment.yml").read_text().splitlines()
    start = lines.index("  - pip:")
    pins = []
    for line in lines[start + 1:]:
        match = re.match(r"^\s{6}- (.+)$", line)
        if not match:
            break
        pins.append(match.group(1).strip())
    return pins


def test_same_pins_in_both_files():
    pip_section = _environment_yml_pip()
    assert "-e ." in pip_section, "environment.yml must install the course package itself"
    assert sorted(p for p in pip_section if p != "-e .") == sorted(_pyproject()["project"]["dependencies"])


def test_every_pin_is_exact():
    for requirement in _pyproject()["project"]["dependencies"] + _pyproject()["tool"]["course"]["install-without-deps"]:
        assert re.fullmatch(r"[A-Za-z0-9_.-]+==[0-9][A-Za-z0-9.]*", requirement), requirement


def test_no_deps_packages_documented_in_environment_yml():
    text = (ROOT / "environment.yml").read_text()
    for requirement in _pyproject()["tool"]["course"]["install-without-deps"]:
        assert f"pip install --no-deps {requirement}" in text
        assert requirement not in _environment_yml_pip()


def test_python_version_is_the_same():
    assert "  - python=3.11" in (ROOT / "environment.yml").read_text().splitlines()
    assert _pyproject()["project"]["requires-python"] == ">=3.11"          # nbgrader 0.9.6 needs 3.11
    assert "MIN_PYTHON=3.11" in (ROOT / "kit").read_text()                # and the kit says so


def test_installed_versions_are_the_pinned_ones():
    pyproject = _pyproject()
    for requirement in pyproject["project"]["dependencies"] + pyproject["tool"]["course"]["install-without-deps"]:
        name, pinned = requirement.split("==")
        assert version(name) == pinned, f"{name} {version(name)} is installed, pyproject pins {pinned}"
