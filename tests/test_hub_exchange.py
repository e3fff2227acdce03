"""The hub's pieces that need no root: the roster as account names, settings passed through the
environment, the kit's feedback page laid out for nbgrader's release_feedback, collect's copy of
what a student wrote, and the hub block of the instructor's config brought up to date."""

import os
from pathlib import Path

import pytest

from hub import Settings
from hub.accounts import roster_ids
from hub.deploy import HUB_BLOCK, update_hub_block
from hub.exchange import REFUSED_NOTE, STAGED, collect_refusals, copy_student_files, stage_kit_feedback

ME = os.getuid()


def test_roster_ids_must_be_account_names(tmp_path):
    roster = tmp_path / "students.csv"
    roster.write_text("id,first_name,last_name,email\nada,Ada,L,\ngrace_h,Grace,H,\n")
    assert roster_ids(roster) == ["ada", "grace_h"]
    roster.write_text("id,first_name,last_name,email\nada,Ada,L,\nAlan Turing,Alan,T,\n../x,,,\n")
    with pytest.raises(ValueError, match="'Alan Turing', '../x'"):
        roster_ids(roster)


def test_settings_survive_the_environment(tmp_path):
    settings = Settings(state=tmp_path / "s", exchange=tmp_path / "e", instructor="teach", students=["a", "b"],
                        port=1, hub_port=2, proxy_api_port=3, proxy="/p", prefix=tmp_path / "v")
    assert Settings.from_env(settings.to_env()) == settings
    with pytest.raises(RuntimeError, match="kit hub"):
        Settings.from_env({})


def _graded(tmp_path: Path, page: str = "<html>16 / 16</html>"):
    feedback, submitted = tmp_path / "feedback", tmp_path / "submitted"
    feedback.mkdir()
    submitted.mkdir()
    (feedback / "feedback.html").write_text(page)
    (submitted / "timestamp.txt").write_text("2026-11-30 12:00:00 UTC")
    (submitted / "submission_secret.txt").write_text("s3cret")
    return feedback, submitted


def test_kit_page_is_staged_under_each_notebook_name(tmp_path):
    feedback, submitted = _graded(tmp_path)
    assert stage_kit_feedback(feedback, submitted, ["linear_activation"])
    assert (feedback / "linear_activation.html").read_text() == STAGED + "<html>16 / 16</html>"
    assert (feedback / "submission_secret.txt").read_text() == "s3cret"
    assert (feedback / "timestamp.txt").read_text() == "2026-11-30 12:00:00 UTC"
    (feedback / "feedback.html").write_text("<html>regraded 12 / 16</html>")      # graded again: staged again
    assert stage_kit_feedback(feedback, submitted, ["linear_activation"])
    assert "regraded" in (feedback / "linear_activation.html").read_text()


def test_nbgraders_own_page_is_kept(tmp_path):
    feedback, submitted = _graded(tmp_path)
    (feedback / "linear_activation.html").write_text("<html>nbgrader's page</html>")
    assert stage_kit_feedback(feedback, submitted, ["linear_activation"])
    assert (feedback / "linear_activation.html").read_text() == "<html>nbgrader's page</html>"


@pytest.mark.parametrize("missing", ["timestamp.txt", "submission_secret.txt"])
def test_no_staging_without_the_submissions_secret(tmp_path, missing):
    feedback, submitted = _graded(tmp_path)
    (submitted / missing).unlink()
    assert not stage_kit_feedback(feedback, submitted, ["linear_activation"])
    assert not (feedback / "linear_activation.html").exists()


def test_a_planted_symlink_is_not_followed(tmp_path):
    feedback, submitted = _graded(tmp_path)
    (submitted / "submission_secret.txt").unlink()
    (submitted / "submission_secret.txt").symlink_to(tmp_path / "feedback" / "feedback.html")
    assert not stage_kit_feedback(feedback, submitted, ["linear_activation"])


def _submission(tmp_path: Path) -> Path:
    folder = tmp_path / "inbound" / "ada+02_linear_activation+2026-12-06 10:00:00.000000 UTC+abc"
    (folder / "data").mkdir(parents=True)
    (folder / "linear_activation.ipynb").write_text("{}")
    (folder / "timestamp.txt").write_text("2026-12-06 10:00:00.000000 UTC")
    (folder / "data" / "notes.txt").write_text("mine")
    return folder


def test_collect_copies_what_the_student_wrote(tmp_path):
    src, dest = _submission(tmp_path), tmp_path / "submitted" / "ada" / "02_linear_activation"
    assert copy_student_files(src, dest, ME, max_file_bytes=10_000) == []
    assert sorted(str(p.relative_to(dest)) for p in dest.rglob("*")) == \
        ["data", "data/notes.txt", "linear_activation.ipynb", "timestamp.txt"]
    assert (dest / "data" / "notes.txt").read_text() == "mine"


def test_collect_refuses_links_fifos_and_big_files_and_names_each(tmp_path):
    src, dest = _submission(tmp_path), tmp_path / "submitted"
    secret = tmp_path / "source.ipynb"
    secret.write_text("BEGIN SOLUTION")
    (src / "linear_activation.ipynb").unlink()
    (src / "linear_activation.ipynb").symlink_to(secret)           # the instructor's notebook, by a link
    (src / "data" / "up").symlink_to(tmp_path)                      # a folder, by a link
    os.mkfifo(src / "pipe")
    (src / "big.bin").write_bytes(b"x" * 20_000)
    (src / REFUSED_NOTE).write_text("fake")
    refused = copy_student_files(src, dest, ME, max_file_bytes=10_000)
    assert len(refused) == 5, refused
    assert any(r.startswith("linear_activation.ipynb: a symbolic link") for r in refused)
    assert any(r.startswith("data/up: a symbolic link") for r in refused)
    assert any(r.startswith("pipe: a FIFO") for r in refused)
    assert any(r.startswith("big.bin: 20000 bytes") for r in refused)
    assert any(r.startswith(REFUSED_NOTE) for r in refused)
    assert not (dest / "linear_activation.ipynb").exists() and (dest / "timestamp.txt").is_file()
    assert "BEGIN SOLUTION" not in "".join(p.read_text() for p in dest.rglob("*") if p.is_file())


def test_collect_refuses_a_linked_folder_or_someone_elses(tmp_path):
    real = _submission(tmp_path)
    link = real.with_name("bob+02_linear_activation+2026-12-06 11:00:00.000000 UTC+def")
    link.symlink_to(real)
    assert "not a plain folder" in copy_student_files(link, tmp_path / "d1", ME, max_file_bytes=10_000)[0]
    assert "nothing collected" in copy_student_files(real, tmp_path / "d2", ME + 1, max_file_bytes=10_000)[0]
    assert not (tmp_path / "d1").exists() and not (tmp_path / "d2").exists()


def test_collect_refusals_are_read_back(tmp_path):
    assert collect_refusals(tmp_path) == []
    (tmp_path / REFUSED_NOTE).write_text("a.ipynb: a symbolic link (refused, never followed)\n")
    assert collect_refusals(tmp_path) == ["a.ipynb: a symbolic link (refused, never followed)"]


def test_the_hub_block_is_brought_up_to_date_and_the_old_file_kept(tmp_path):
    config = tmp_path / "nbgrader_config.py"
    old = "c = get_config()\nc.Mine = 1\n\n# --- JupyterHub (added by `./kit hub`, hub/deploy.py) ---\nsys.path.append('/repo')\n"
    config.write_text(old)
    block = HUB_BLOCK.format(exchange="/srv/x")
    assert update_hub_block(config, block)
    assert config.read_text() == "c = get_config()\nc.Mine = 1\n" + block
    assert [p.read_text() for p in tmp_path.glob("nbgrader_config.py.before-*")] == [old]
    assert not update_hub_block(config, block)                     # already current: untouched
    assert "sys.path" not in config.read_text()
