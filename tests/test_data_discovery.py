"""Where course.data looks for Fashion-MNIST, in which order, and what it remembers."""

import json

import pytest

from conftest import link_files
from course.data import ENV_VAR, RAW_FILES, FashionMNISTError, locate, prepare, raw_folder
from course.data.fashion_mnist import MARKER_NAME


@pytest.fixture
def four_places(tmp_path, real_gz_folder, no_env):
    """An explicit folder, an env folder, a 'Debian' folder and a cache, each holding the files."""
    places = {name: link_files(real_gz_folder, tmp_path / name) for name in ("explicit", "env", "debian")}
    cache = tmp_path / "cache"
    link_files(real_gz_folder, raw_folder(cache))
    places["cache"] = cache
    return places


def test_explicit_root_beats_everything(four_places, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(four_places["env"]))
    found = locate(four_places["explicit"], debian_dir=four_places["debian"], cache=four_places["cache"])
    assert found.folder == four_places["explicit"]


def test_env_var_beats_debian_and_cache(four_places, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(four_places["env"]))
    found = locate(debian_dir=four_places["debian"], cache=four_places["cache"])
    assert found.folder == four_places["env"]


def test_debian_beats_download_folder(four_places):
    found = locate(debian_dir=four_places["debian"], cache=four_places["cache"])
    assert found.folder == four_places["debian"]
    assert "Debian" in found.label


def test_download_folder_is_last(four_places, tmp_path):
    found = locate(debian_dir=tmp_path / "no-debian", cache=four_places["cache"])
    assert found.folder == raw_folder(four_places["cache"])


def test_nothing_anywhere_gives_none_and_a_clear_error_without_download(tmp_path, no_env):
    assert locate(debian_dir=tmp_path / "a", cache=tmp_path / "b") is None
    with pytest.raises(FashionMNISTError) as err:
        prepare(download=False, debian_dir=tmp_path / "a", cache=tmp_path / "b")
    message = str(err.value)
    assert "apt-get install dataset-fashion-mnist" in message and ENV_VAR in message
    assert not any(path.is_file() for path in (tmp_path / "b").rglob("*"))


def test_explicit_folder_missing_a_file_names_it(tmp_path, real_gz_folder, no_env):
    folder = link_files(real_gz_folder, tmp_path / "partial")
    (folder / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(FashionMNISTError, match="t10k-labels-idx1-ubyte"):
        locate(folder, debian_dir=tmp_path / "no-debian", cache=tmp_path / "cache")


def test_explicit_empty_folder_does_not_fall_back(tmp_path, real_gz_folder, no_env):
    (tmp_path / "empty").mkdir()
    with pytest.raises(FashionMNISTError, match="lacks Fashion-MNIST files"):
        locate(tmp_path / "empty", debian_dir=real_gz_folder, cache=tmp_path / "cache")


def test_prepare_decompresses_verifies_and_remembers(tmp_path, real_gz_folder, no_env):
    cache = prepare(debian_dir=real_gz_folder, cache=tmp_path / "cache", download=False)
    raw = raw_folder(cache)
    for spec in RAW_FILES:
        assert (raw / spec.name).stat().st_size == spec.size
    marker = json.loads((raw / MARKER_NAME).read_text())
    assert marker["source"] == str(real_gz_folder)
    before = {spec.name: (raw / spec.name).stat().st_mtime_ns for spec in RAW_FILES}
    prepare(debian_dir=real_gz_folder, cache=tmp_path / "cache", download=False)
    after = {spec.name: (raw / spec.name).stat().st_mtime_ns for spec in RAW_FILES}
    assert before == after, "a second prepare must trust the remembered check, not redo it"


def test_prepare_accepts_plain_files_in_torchvision_layout(tmp_path, real_gz_folder, no_env):
    first = prepare(debian_dir=real_gz_folder, cache=tmp_path / "first", download=False)
    # A folder laid out the way torchvision downloads: <root>/FashionMNIST/raw/<plain files>.
    layout = link_files(raw_folder(first), raw_folder(tmp_path / "tv"), suffix="")
    assert layout.is_dir()
    cache = prepare(tmp_path / "tv", cache=tmp_path / "second", download=False)
    marker = json.loads((raw_folder(cache) / MARKER_NAME).read_text())
    assert marker["source"] == str(tmp_path / "tv")


def test_download_failure_is_one_clear_error_and_leaves_nothing(tmp_path, monkeypatch, no_env):
    from torchvision.datasets import FashionMNIST

    # Port 9 on loopback refuses connections: a real network failure, no outside address.
    monkeypatch.setattr(FashionMNIST, "mirrors", ["http://127.0.0.1:9/"])
    cache = tmp_path / "cache"
    with pytest.raises(FashionMNISTError, match="could not be downloaded") as err:
        prepare(debian_dir=tmp_path / "no-debian", cache=cache)
    assert err.value.__cause__ is None and err.value.__suppress_context__
    leftovers = [p for p in cache.rglob("*") if p.is_file()]
    assert leftovers == []
