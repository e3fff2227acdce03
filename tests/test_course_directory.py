"""The repository root is a working nbgrader course directory, and its workspace stays out of git."""

import subprocess
import sys
from pathlib import Path

from traitlets.config import Config

ROOT = Path(__file__).resolve().parent.parent


def _config():
    config = Config()
    namespace = {"get_config": lambda: config, "__file__": str(ROOT / "nbgrader_config.py")}
    exec((ROOT / "nbgrader_config.py").read_text(), namespace)
    return config


def test_config_keeps_everything_inside_the_project():
    config = _config()
    assert config.CourseDirectory.root == str(ROOT)
    assert Path(config.Exchange.root).parent == ROOT
    assert config.CourseDirectory.db_url == f"sqlite:///{ROOT / 'gradebook.db'}"


def test_roster_is_imported_into_the_gradebook():
    run = subprocess.run([Path(sys.executable).parent / "nbgrader", "db", "student", "list"],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    listing = run.stdout + run.stderr
    for student in ("ada", "alan", "grace"):
        assert student in listing


def test_grading_workspace_is_ignored_by_git():
    paths = ["gradebook.db", "submitted/ada/x.ipynb", "autograded/ada/a/x.ipynb", "feedback/ada/a/x.html",
             "exchange/cnn-layers/inbound/x", "data/FashionMNIST/raw/x", ".venv/bin/python", "grades.csv"]
    run = subprocess.run(["git", "check-ignore", *paths], cwd=ROOT, capture_output=True, text=True)
    assert sorted(run.stdout.split()) == sorted(paths)
