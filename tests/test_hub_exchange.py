"""The hub's pieces that need no root: the roster as account names, settings passed through the
environment, and the kit's feedback page laid out for nbgrader's release_feedback."""

from pathlib import Path

import pytest

from hub import Settings
from hub.accounts import roster_ids
from hub.exchange import STAGED, stage_kit_feedback


def test_roster_ids_must_be_account_names(tmp_path):
    roster = tmp_path / "students.csv"
    roster.write_text("id,first_name,last_name,email\nada,Ada,L,\ngrace_h,Grace,H,\n")
    assert roster_ids(roster) == ["ada", "grace_h"]
    roster.write_text("id,first_name,last_name,email\nada,Ada,L,\nAlan Turing,Alan,T,\n../x,,,\n")
    with pytest.raises(ValueError, match="'Alan Turing', '../x'"):
        roster_ids(roster)


def test_settings_survive_the_environment(tmp_path):
    settings = Settings(state=tmp_path / "s", exchange=tmp_path / "e", instructor="teach", students=["a", "b"],
                        port=1, hub_port=2, proxy_api_port=3, proxy="/p", venv=tmp_path / "v")
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
