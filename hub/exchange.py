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

:class:`StudentFilesCollect` (the instructor's collect, set by hub/deploy.py) copies only what the
student wrote: stock nbgrader's collect copies with ``shutil.copytree``, which follows a symbolic
link a student plants in their submission and copies its target with the instructor's rights (the
instructor's own source notebook, graded as the student's).

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

from nbgrader.exchange.default import ExchangeCollect, ExchangeReleaseFeedback, ExchangeSubmit

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


REFUSED_NOTE = ".collect-refused.txt"     # in the collected folder: what collect refused, one per line


def _kinds(mode: int) -> str:
    return ("a symbolic link" if stat.S_ISLNK(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "not a regular file")


def _owner_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def copy_student_files(src: Path, dest: Path, student_uid: int, *, max_file_bytes: int,
                       ignore=lambda name: False, max_depth: int = 8) -> list[str]:
    """Copy the folder ``src`` that ``student_uid`` wrote into ``dest``; return one line per refusal.

    Never follows a symbolic link (each folder is opened with O_NOFOLLOW and read through its file
    descriptor, so a name swapped for a link while collecting is refused too). Refused: the folder
    itself when it is a link or belongs to another account (then nothing is copied); inside it,
    symbolic links, files another account owns (a hard link to someone else's file), devices,
    FIFOs, sockets, files over ``max_file_bytes``, folders deeper than ``max_depth`` and the name
    the collect keeps for its own note. ``ignore(name)``: names skipped silently (nbgrader's ignore).
    """
    refused: list[str] = []
    try:
        top = os.open(src, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError as exc:
        return [f"{src.name}: not a plain folder ({exc.strerror}): nothing collected"]
    try:
        owner = os.fstat(top).st_uid
        if owner != student_uid:
            return [f"{src.name}: the folder belongs to {_owner_name(owner)}, not to {_owner_name(student_uid)}: "
                    "nothing collected"]
        _copy_folder(top, dest, "", student_uid, max_file_bytes, ignore, max_depth, refused)
    finally:
        os.close(top)
    return refused


def _copy_folder(folder_fd: int, dest: Path, where: str, uid: int, max_file_bytes: int, ignore, depth: int,
                 refused: list[str]) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    for name in sorted(os.listdir(folder_fd)):
        shown = where + ascii(name)[1:-1]
        if ignore(name):
            continue
        info = os.stat(name, dir_fd=folder_fd, follow_symlinks=False)
        if name == REFUSED_NOTE and not where:
            refused.append(f"{shown}: a name collect keeps for its own note (refused)")
        elif stat.S_ISDIR(info.st_mode):
            if depth <= 0:
                refused.append(f"{shown}/: folders nested too deep (refused)")
                continue
            try:
                child = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=folder_fd)
            except OSError as exc:
                refused.append(f"{shown}/: cannot be opened ({exc.strerror}; refused)")
                continue
            try:
                _copy_folder(child, dest / name, shown + "/", uid, max_file_bytes, ignore, depth - 1, refused)
            finally:
                os.close(child)
        elif not stat.S_ISREG(info.st_mode):
            refused.append(f"{shown}: {_kinds(info.st_mode)} (refused, never followed)")
        elif info.st_uid != uid:
            refused.append(f"{shown}: a file of {_owner_name(info.st_uid)}, not the student's "
                           f"(a hard link to someone else's file? refused)")
        elif info.st_size > max_file_bytes:
            refused.append(f"{shown}: {info.st_size} bytes, more than {max_file_bytes} (refused)")
        else:
            try:
                fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder_fd)
            except OSError as exc:
                refused.append(f"{shown}: cannot be opened ({exc.strerror}; refused)")
                continue
            with os.fdopen(fd, "rb") as handle:
                now = os.fstat(handle.fileno())
                if (now.st_ino, now.st_dev) != (info.st_ino, info.st_dev) or not stat.S_ISREG(now.st_mode):
                    refused.append(f"{shown}: changed while it was collected (refused)")
                    continue
                data = handle.read(max_file_bytes + 1)
            if len(data) > max_file_bytes:
                refused.append(f"{shown}: more than {max_file_bytes} bytes (refused)")
                continue
            target = dest / name
            with open(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644), "wb") as out:
                out.write(data)


def collect_refusals(folder: Path) -> list[str]:
    """What collect refused of the submission collected into ``folder`` (its note), [] when nothing."""
    note = Path(folder) / REFUSED_NOTE
    if note.is_symlink() or not note.is_file():
        return []
    return [line for line in note.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()][:50]


class StudentFilesCollect(ExchangeCollect):
    """nbgrader's collect (latest submission per student, --update, due dates), copying only what the
    student wrote (:func:`copy_student_files`). Each refusal is logged in collect's output and kept in
    the collected folder's note (:data:`REFUSED_NOTE`), which ``python -m autograder grade`` reports;
    the rest of the class is collected."""

    def do_copy(self, src, dest):
        student = Path(src).name.rsplit("+", 3)[0]
        try:
            uid = pwd.getpwnam(student).pw_uid
        except KeyError:
            self.log.warning("Not collected: %s names no account of this machine", ascii(Path(src).name))
            return
        patterns = list(self.coursedir.ignore)
        refused = copy_student_files(Path(src), Path(dest), uid, max_file_bytes=1000 * self.coursedir.max_file_size,
                                     ignore=lambda name: any(fnmatch.fnmatch(name, p) for p in patterns))
        for line in refused:
            self.log.warning("Not collected from %s: %s", student, line)
        if refused:
            Path(dest).mkdir(parents=True, exist_ok=True)     # the note reaches the grader even when nothing else does
            (Path(dest) / REFUSED_NOTE).write_text("".join(line + "\n" for line in refused), encoding="utf-8")


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
