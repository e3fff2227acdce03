"""The instructor's course directory on the hub: ``~instructor/cnn-layers`` (root only).

It is an nbgrader course directory like the repository root, owned by the instructor: the
formgrader, ``nbgrader collect``/``release_feedback`` and ``python -m autograder grade`` all run
there as the instructor. Created once from the repository (source/, release/, the roster and the
course's nbgrader_config.py with the hub's exchange appended); on later runs only the grading
tooling (autograder/ and course/, which ``python -m autograder`` imports from the folder it runs in)
and the roster are brought up to date: the instructor's notebooks, gradebook and submissions are
never touched.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from hub import REPO, Settings
from hub.accounts import run_as

TOOLING = ("autograder", "course")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")

HUB_BLOCK = '''
# --- JupyterHub (added by `./kit hub`, hub/deploy.py) ---------------------------------------
# On the hub the exchange is shared by every account, outside anyone's home; release_feedback
# releases the kit's feedback pages (feedback/<student>/<assignment>/feedback.html).
import sys  # noqa: E402

sys.path.append({repo!r})
from hub.exchange import KitReleaseFeedback  # noqa: E402

c.Exchange.root = {exchange!r}
c.ExchangeFactory.release_feedback = KitReleaseFeedback
'''


def _chown_tree(path: Path, uid: int, gid: int) -> None:
    os.chown(path, uid, gid, follow_symlinks=False)
    for folder, dirs, files in os.walk(path):
        for name in dirs + files:
            os.chown(os.path.join(folder, name), uid, gid, follow_symlinks=False)


def deploy_course(settings: Settings, roster: Path) -> Path:
    """Create or update the instructor's course directory; import the roster; return its path."""
    import pwd

    account = pwd.getpwnam(settings.instructor)
    dest = settings.course_dir()
    if not dest.exists():
        dest.mkdir()
        for folder in ("source", "release"):
            shutil.copytree(REPO / folder, dest / folder, ignore=IGNORED)
        config = (REPO / "nbgrader_config.py").read_text()
        (dest / "nbgrader_config.py").write_text(config + HUB_BLOCK.format(exchange=str(settings.exchange), repo=str(REPO)))
    for package in TOOLING:
        fresh = dest / f".{package}.new"
        shutil.rmtree(fresh, ignore_errors=True)
        shutil.copytree(REPO / package, fresh, ignore=IGNORED)
        shutil.rmtree(dest / package, ignore_errors=True)
        os.rename(fresh, dest / package)
    shutil.copy(roster, dest / "students.csv")
    _chown_tree(dest, account.pw_uid, account.pw_gid)
    os.chmod(dest, 0o700)
    run_as(settings.instructor, [str(settings.venv / "bin" / "python"), "-m", "autograder", "roster", "students.csv"],
           cwd=dest, env={"PATH": f"{settings.venv / 'bin'}:/usr/bin:/bin"})
    return dest
