"""nbgrader's exchange between Unix accounts, made so that students cannot read each other's work.

Layout (nbgrader's own; ``prepare`` creates it before anyone logs in, owned by the instructor, so
that no student can create the course's folder first and own the inbox)::

    <root>/                     1777 root      anyone may create a course folder; nobody may move another's
    <root>/cnn-layers/          0755 instructor
        outbound/               0755 instructor  released assignments: everyone reads
        inbound/                2733 instructor  submissions: everyone writes, nobody but the instructor lists;
                                                 setgid, so each submission gets the instructor's group
        feedback/               0711 instructor  feedback pages named by a hash of the submission's secret

Stock nbgrader leaves each submission world-readable (files 0644, folder 0777), hidden only by the
random name nobody but the instructor can list. :class:`PrivateSubmit` (the students' submit, see
config/student/nbgrader_config.py) narrows it after nbgrader's copy: files 0640 and folders 0770,
group = the instructor's (from the setgid inbox). A student who learns the path still cannot read
another's submission or its secret (which names the feedback page).

:class:`KitReleaseFeedback` (the instructor's release_feedback, set by hub/deploy.py) releases the
page ``python -m autograder grade`` writes, ``feedback/<student>/<assignment>/feedback.html``.
"""

from __future__ import annotations

import fnmatch
import glob
import os
import pwd
import shutil
import stat
from pathlib import Path

from nbgrader.exchange.default import ExchangeReleaseFeedback, ExchangeSubmit

from hub import COURSE_ID

LAYOUT = (("", 0o755), ("outbound", 0o755), ("inbound", 0o2733), ("feedback", 0o711))


class ExchangeNotSafe(RuntimeError):
    """A folder of the exchange belongs to someone other than the instructor."""


def prepare(root: Path, instructor: str, course_id: str = COURSE_ID) -> Path:
    """Create (or check) the exchange root and the course's folders; return the course's folder."""
    account = pwd.getpwnam(instructor)
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    os.chmod(root, 0o1777)            # nbgrader checks only the 0777 bits; the sticky bit protects course folders
    course = root / course_id
    for name, mode in LAYOUT:
        path = course / name if name else course
        if not path.exists():
            path.mkdir()
            os.chown(path, account.pw_uid, account.pw_gid)
        info = path.lstat()
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != account.pw_uid:
            owner = pwd.getpwuid(info.st_uid).pw_name if stat.S_ISDIR(info.st_mode) else "not a folder"
            raise ExchangeNotSafe(
                f"{path} belongs to {owner}, not to the instructor {instructor}: it may hold submissions, so "
                f"nothing was changed. Check it, then move it away (mv {path} {path}.old) and start again.")
        os.chmod(path, mode)
    return course


class PrivateSubmit(ExchangeSubmit):
    """nbgrader's submit, then the submission readable by its author and the instructor only."""

    def do_copy(self, src, dest):
        super().do_copy(src, dest)
        if Path(dest).parent == Path(self.inbound_path):
            # copytree gave the folder the mode of the student's folder, dropping the setgid bit, and
            # only a member of the instructor's group may set it again. So move the files (which have
            # the instructor's group already) into a fresh folder of the setgid inbox: the files
            # nbgrader writes next (timestamp, secret) then get the instructor's group too.
            moved = Path(f"{dest}.copying")
            os.rename(dest, moved)
            os.mkdir(dest)
            for entry in os.listdir(moved):
                os.rename(moved / entry, Path(dest) / entry)
            os.rmdir(moved)

    def copy_files(self):
        super().copy_files()
        dest = Path(self.inbound_path) / self.assignment_filename
        for folder, dirs, files in os.walk(dest):
            for name, mode in [(f, 0o640) for f in files] + [(d, 0o770) for d in dirs]:
                path = Path(folder) / name
                if not path.is_symlink():
                    os.chmod(path, mode)
        os.chmod(dest, 0o770)


STAGED = "<!-- the kit's feedback.html, staged for nbgrader's release_feedback (hub/exchange.py) -->\n"


def stage_kit_feedback(feedback_dir: Path, submitted_dir: Path, notebooks: list[str]) -> bool:
    """Lay out the kit's feedback page as nbgrader's release_feedback expects; False when it cannot.

    nbgrader releases ``<notebook>.html`` under a hash of the submission's secret, beside the
    submission's timestamp.txt and submission_secret.txt (copied here from submitted/, where
    ``nbgrader collect`` put them). Each notebook of the assignment gets a copy of feedback.html,
    unless nbgrader's own page of that name is there (``python -m autograder feedback`` writes it):
    then that page is released.
    """
    page = feedback_dir / "feedback.html"
    secrets = [submitted_dir / name for name in ("timestamp.txt", "submission_secret.txt")]
    if not page.is_file() or not all(p.is_file() and not p.is_symlink() for p in secrets):
        return False
    for source in secrets:
        shutil.copyfile(source, feedback_dir / source.name)
    for notebook in notebooks:
        target = feedback_dir / f"{notebook}.html"
        if not target.exists() or target.read_text(encoding="utf-8", errors="replace").startswith(STAGED):
            target.write_text(STAGED + page.read_text(encoding="utf-8"), encoding="utf-8")
    return True


class KitReleaseFeedback(ExchangeReleaseFeedback):
    """nbgrader's release_feedback of the kit's feedback pages; a student whose submission has no
    secret (e.g. deleted after submitting) is left out with a warning instead of stopping everyone."""

    def copy_files(self):
        course = self.coursedir
        source = Path(course.format_path(course.source_directory, ".", course.assignment_id))
        notebooks = sorted(p.stem for p in source.glob("*.ipynb"))
        left_out = [s for s in course.student_id_exclude.split(",") if s]
        pattern = course.format_path(course.feedback_directory, "*", course.assignment_id)
        for page in sorted(Path(folder) / "feedback.html" for folder in glob.glob(pattern)):
            student = page.parent.parent.name
            if student in left_out or not fnmatch.fnmatchcase(student, course.student_id or "*"):
                continue
            submitted = Path(course.format_path(course.submitted_directory, student, course.assignment_id))
            if not stage_kit_feedback(page.parent, submitted, notebooks):
                self.log.warning("No feedback released for %s: the submission has no timestamp.txt and "
                                 "submission_secret.txt in %s (collect it again with nbgrader collect)", student, submitted)
                left_out.append(student)
        course.student_id_exclude = ",".join(left_out)
        super().copy_files()
