"""Truncated or corrupt files: one clear error naming the file, nothing half-written, nothing lost."""

import hashlib
import shutil
import subprocess
import sys

import pytest

from conftest import link_files
from course.data import RAW_FILES, FashionMNISTError, prepare, raw_folder
from course.data.fashion_mnist import MARKER_NAME

VICTIM = "t10k-images-idx3-ubyte"


def _damaged_copy(real, folder, damage):
    """The four real .gz files in ``folder``, with ``VICTIM``'s replaced by a damaged copy."""
    link_files(real, folder)
    victim = folder / f"{VICTIM}.gz"
    data = bytearray((real / f"{VICTIM}.gz").read_bytes())
    victim.unlink()
    victim.write_bytes(damage(data))
    return victim


def _truncate(data):
    return bytes(data[: len(data) // 2])


def _flip_a_byte(data):
    data[len(data) // 2] ^= 0xFF
    return bytes(data)


def _assert_clean_failure(err, victim, cache):
    message = str(err.value)
    assert str(victim) in message and "truncated or corrupt" in message
    assert "apt-get install dataset-fashion-mnist" in message
    raw = raw_folder(cache)
    assert not list(raw.glob("*.part")), "a temporary file was left behind"
    assert not (raw / VICTIM).exists(), "the damaged file must not appear under its final name"
    assert not (raw / MARKER_NAME).exists(), "a failed check must not be remembered as passed"


@pytest.mark.parametrize("damage", [_truncate, _flip_a_byte], ids=["truncated", "corrupted"])
def test_damaged_gz_gives_a_clear_error(tmp_path, real_gz_folder, no_env, damage):
    victim = _damaged_copy(real_gz_folder, tmp_path / "src", damage)
    before = hashlib.md5(victim.read_bytes()).hexdigest()
    with pytest.raises(FashionMNISTError) as err:
        prepare(tmp_path / "src", cache=tmp_path / "cache", download=False)
    _assert_clean_failure(err, victim, tmp_path / "cache")
    assert hashlib.md5(victim.read_bytes()).hexdigest() == before, "the source must be left as it was"


def test_corrupt_plain_file_is_caught_by_md5(tmp_path, real_gz_folder, no_env):
    good = prepare(debian_dir=real_gz_folder, cache=tmp_path / "good", download=False)
    src = tmp_path / "plain"
    src.mkdir()
    for spec in RAW_FILES:
        shutil.copy(raw_folder(good) / spec.name, src / spec.name)
    data = bytearray((src / VICTIM).read_bytes())
    data[-1] ^= 0x01  # one pixel of the last image
    (src / VICTIM).write_bytes(bytes(data))
    with pytest.raises(FashionMNISTError, match="expected 8181f5470baa50b63fa0f6fddb340f0a") as err:
        prepare(src, cache=tmp_path / "cache", download=False)
    _assert_clean_failure(err, src / VICTIM, tmp_path / "cache")


def test_a_damaged_cache_is_reported_and_kept(tmp_path, real_gz_folder, no_env):
    """Files in the project's data folder that fail their check are reported, not deleted."""
    cache = prepare(debian_dir=real_gz_folder, cache=tmp_path / "cache", download=False)
    raw = raw_folder(cache)
    (raw / MARKER_NAME).unlink()
    with open(raw / VICTIM, "r+b") as f:
        f.seek(100)
        f.write(b"\x00\x01\x02")
    with pytest.raises(FashionMNISTError, match="Delete it"):
        prepare(debian_dir=tmp_path / "no-debian", cache=cache, download=False)
    assert (raw / VICTIM).exists()


def test_command_line_prints_one_error_without_a_traceback(tmp_path, real_gz_folder):
    _damaged_copy(real_gz_folder, tmp_path / "src", _truncate)
    run = subprocess.run(
        [sys.executable, "-m", "course.data", "prepare", "--root", str(tmp_path / "src"), "--no-download"],
        capture_output=True, text=True, env={"COURSE_DATA_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"},
    )
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert run.stderr.startswith("error: ") and VICTIM in run.stderr
