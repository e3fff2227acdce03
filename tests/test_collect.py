"""Collecting submissions trusts neither names nor files (issue 14, §6): ids come from the part of
a name the LMS writes, unsafe members and symlinks are skipped and reported while the rest are
collected, a second file for the same student is a conflict, nothing is ever replaced."""

import os
import stat
import zipfile

import pytest

from autograder.intake.collect import collect_exchange, collect_zip

A, NB = "02_linear_activation", "linear_activation.ipynb"


@pytest.fixture
def root(tmp_path):
    (tmp_path / "course" / "source" / A).mkdir(parents=True)
    (tmp_path / "course" / "source" / A / NB).write_text("{}")
    return tmp_path / "course"


def _zip(path, members):
    with zipfile.ZipFile(path, "w") as bundle:
        for name, data in members.items():
            if isinstance(data, tuple):                       # ("symlink", target)
                info = zipfile.ZipInfo(name)
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
                bundle.writestr(info, data[1])
            else:
                bundle.writestr(name, data)
    return path


def _submitted(root):
    return sorted(str(p.relative_to(root / "submitted")) for p in (root / "submitted").rglob("*") if p.is_file())


def test_unsafe_names_are_skipped_and_the_rest_collected(root, tmp_path):
    archive = _zip(tmp_path / "lms.zip", {
        f"ada__{NB}": "ada's",
        f"..__{NB}": "escape one level",
        f".__{NB}": "dot", f"...__{NB}": "dots",
        f"../../x__{NB}": "escape two levels",
        f"/abs__{NB}": "absolute",
        f"grace/{NB}": "grace's",
        "alan__notes.txt": "not a notebook",
        f"link__{NB}": ("symlink", "../../source/02_linear_activation/linear_activation.ipynb"),
    })
    report = collect_zip(A, archive, root)
    assert _submitted(root) == [f"ada/{A}/{NB}", f"grace/{A}/{NB}"]
    assert (root / "submitted" / "ada" / A / NB).read_text() == "ada's"
    problems = "\n".join(report.problems)
    assert len(report.problems) == 7, problems
    for fragment in (f"..__{NB}: the student id '..' is not a safe", f"...__{NB}: the student id '...'",
                     f"../../x__{NB}: an unsafe name", f"link__{NB}: a symbolic link", "alan__notes.txt: not a notebook"):
        assert fragment in problems
    assert not any((root.parent / name).exists() for name in ("x__" + NB, NB))


def test_the_id_is_the_lms_part_and_a_second_file_is_a_conflict(root, tmp_path):
    archive = _zip(tmp_path / "lms.zip", {
        f"ada__grace__{NB}": "ada uploaded a file named grace__...",   # ada's upload, whatever its name
        f"grace__{NB}": "grace's",
        f"alan/grace__{NB}": "alan's, in alan's folder",
        f"edsger__{NB}": "first", f"edsger__copy_{NB}": "second",
    })
    report = collect_zip(A, archive, root)
    assert (root / "submitted" / "ada" / A / NB).read_text() == "ada uploaded a file named grace__..."
    assert (root / "submitted" / "grace" / A / NB).read_text() == "grace's"
    assert (root / "submitted" / "alan" / A / NB).read_text() == "alan's, in alan's folder"
    assert not (root / "submitted" / "edsger").exists()
    assert len(report.problems) == 1 and "edsger/linear_activation.ipynb: 2 files" in report.problems[0]
    # collecting again: nothing replaced; a changed upload is reported, not written over the old one
    again = collect_zip(A, _zip(tmp_path / "again.zip", {f"grace__{NB}": "grace's", f"ada__{NB}": "changed"}), root)
    assert again.unchanged == [f"grace/{NB}"] and "not replaced" in again.problems[0]
    assert (root / "submitted" / "ada" / A / NB).read_text() == "ada uploaded a file named grace__..."


def test_exchange_collect_never_follows_a_symlink(root, tmp_path):
    inbound = tmp_path / "inbound"
    honest = inbound / f"ada+{A}+2026-11-30 10:00:00.000000 UTC+abc"
    older = inbound / f"ada+{A}+2026-11-29 10:00:00.000000 UTC+abc"
    linked = inbound / f"mallory+{A}+2026-11-30 10:00:00.000000 UTC+def"
    for folder in (honest, older, linked):
        folder.mkdir(parents=True)
    (honest / NB).write_text("latest")
    (older / NB).write_text("older")
    (linked / NB).symlink_to(root / "source" / A / NB)
    os.symlink(honest, inbound / f"eve+{A}+2026-11-30 11:00:00.000000 UTC+x")
    report = collect_exchange(A, inbound, root)
    assert _submitted(root) == [f"ada/{A}/{NB}"] and (root / "submitted" / "ada" / A / NB).read_text() == "latest"
    problems = "\n".join(report.problems)
    assert "mallory/linear_activation.ipynb: linear_activation.ipynb is a symbolic link" in problems
    assert "eve+" in problems and "not a plain folder" in problems
