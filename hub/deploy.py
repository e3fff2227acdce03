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

HUB_MARKER = "# --- JupyterHub (added by `./kit hub`"
HUB_BLOCK = '''
# --- JupyterHub (added by `./kit hub`, hub/deploy.py) ---------------------------------------
# On the hub the exchange is shared by every account, outside anyone's home; collect copies only
# what the student wrote (no links, devices or other people's files); release_feedback releases the
# kit's feedback pages (feedback/<student>/<assignment>/feedback.html). `hub` comes from the hub's
# system copy (root's, see hub/install.py), never from a folder a student may write to.
from hub.exchange import KitReleaseFeedback, StudentFilesCollect  # noqa: E402

c.Exchange.root = {exchange!r}
c.ExchangeFactory.collect = StudentFilesCollect
c.ExchangeFactory.release_feedback = KitReleaseFeedback
'''


def _chown_tree(path: Path, uid: int, gid: int) -> None:
    os.chown(path, uid, gid, follow_symlinks=False)
    for folder, dirs, files in os.walk(path):
        for name in dirs + files:
            os.chown(os.path.join(folder, name), uid, gid, follow_symlinks=False)


def update_hub_block(config: Path, block: str) -> bool:
    """Replace the hub's block at the end of the course's ``nbgrader_config.py`` by today's; True if changed.

    The instructor's own lines above the block are kept; the file as it was is saved beside it
    (``nbgrader_config.py.before-<time>``) first. A file without the block is left alone.
    """
    import time

    text = config.read_text() if config.is_file() and not config.is_symlink() else ""
    start = text.find(HUB_MARKER)
    if start < 0 or text[start:] == block.lstrip("\n"):
        return False
    backup = config.with_name(f"{config.name}.before-{time.strftime('%Y%m%d-%H%M%S')}")
    shutil.copyfile(config, backup)
    fresh = config.with_name(f".{config.name}.new")
    fresh.write_text(text[:start] + block.lstrip("\n"))
    os.replace(fresh, config)
    return True


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
        (dest / "nbgrader_config.py").write_text(config + HUB_BLOCK.format(exchange=str(settings.exchange)))
    else:
        update_hub_block(dest / "nbgrader_config.py", HUB_BLOCK.format(exchange=str(settings.exchange)))
    for package in TOOLING:
        fresh = dest / f".{package}.new"
        shutil.rmtree(fresh, ignore_errors=True)
        shutil.copytree(REPO / package, fresh, ignore=IGNORED)
        shutil.rmtree(dest / package, ignore_errors=True)
        os.rename(fresh, dest / package)
    if os.path.lexists(dest / "students.csv"):
        os.unlink(dest / "students.csv")          # root never writes through a link in someone's folder
    shutil.copy(roster, dest / "students.csv")
    _chown_tree(dest, account.pw_uid, account.pw_gid)
    os.chmod(dest, 0o700)
    run_as(settings.instructor, [str(settings.venv / "bin" / "python"), "-m", "autograder", "roster", "students.csv"],
           cwd=dest, env={"PATH": f"{settings.venv / 'bin'}:/usr/bin:/bin"})
    return dest
