"""Find, verify and prepare the real Fashion-MNIST files, offline first.

The four original files are looked for in this order, and the first place that has them wins:

1. an explicit folder: the ``root=`` argument, else the ``FASHION_MNIST_DIR`` environment variable;
2. Debian's ``dataset-fashion-mnist`` package (``/usr/share/datasets/fashion-mnist/*.gz``);
3. the project's data folder (``data/FashionMNIST/raw``), where torchvision's download puts them.

A folder may hold the files gzipped (``*.gz``, as Debian ships them) or decompressed, directly or in
torchvision's ``FashionMNIST/raw`` layout. Whatever the source, the files are decompressed into
``<data dir>/FashionMNIST/raw/`` (each one written to a temporary name, checked against its md5
and only then renamed), so that ``torchvision.datasets.FashionMNIST(<data dir>, download=False)``
reads them. The check is remembered in a small ``.verified.json`` beside them, and later calls
only compare sizes. Only when no folder has the files does :func:`prepare` try to download.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from course.paths import data_dir

DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")
ENV_VAR = "FASHION_MNIST_DIR"
MARKER_NAME = ".verified.json"


@dataclass(frozen=True)
class RawFile:
    """One of the four decompressed files: its name, md5 and size in bytes."""

    name: str
    md5: str
    size: int


RAW_FILES = (
    RawFile("train-images-idx3-ubyte", "f4a8712d7a061bf5bd6d2ca38dc4d50a", 47_040_016),
    RawFile("train-labels-idx1-ubyte", "9018921c3c673c538a1fc5bad174d6f9", 60_008),
    RawFile("t10k-images-idx3-ubyte", "8181f5470baa50b63fa0f6fddb340f0a", 7_840_016),
    RawFile("t10k-labels-idx1-ubyte", "15d484375f8d13e6eb1aabb0c3f46965", 10_008),
)

HOW_TO_GET = f"""\
Ways to get Fashion-MNIST:
  - Debian/Ubuntu: sudo apt-get install dataset-fashion-mnist   (files land in {DEBIAN_DIR})
  - any machine: put the four files from https://github.com/zalandoresearch/fashion-mnist
    (gzipped or not) in one folder and set {ENV_VAR}=/that/folder, or pass root='/that/folder'
  - online: python -m course.data prepare   (torchvision downloads them into the data folder)"""


class FashionMNISTError(RuntimeError):
    """The data is missing, incomplete or damaged. The message says which file and what to do."""


@dataclass(frozen=True)
class Source:
    """A folder that holds all four files. ``files`` maps each raw name to the file found."""

    label: str
    folder: Path
    files: dict[str, Path]


def raw_folder(cache: Path | None = None) -> Path:
    """The folder torchvision reads: ``<cache>/FashionMNIST/raw``."""
    return (cache if cache is not None else data_dir()) / "FashionMNIST" / "raw"


def _find_files(folder: Path) -> dict[str, Path]:
    """Map each raw name to the file that holds it in ``folder`` (plain or .gz, flat or nested)."""
    found = {}
    for spec in RAW_FILES:
        for where in (folder, folder / "FashionMNIST" / "raw"):
            for candidate in (where / spec.name, where / f"{spec.name}.gz"):
                if candidate.is_file():
                    found[spec.name] = candidate
                    break
            if spec.name in found:
                break
    return found


def _candidates(root, debian_dir: Path, cache: Path) -> list[tuple[str, Path, bool]]:
    """(label, folder, explicit) in the order they are searched."""
    if root is not None:
        return [(f"root={str(root)!r}", Path(root).expanduser(), True)]
    env = os.environ.get(ENV_VAR)
    if env:
        return [(f"{ENV_VAR}={env!r}", Path(env).expanduser(), True)]
    return [
        (f"Debian package dataset-fashion-mnist ({debian_dir})", debian_dir, False),
        (f"project data folder ({raw_folder(cache)})", raw_folder(cache), False),
    ]


def locate(root=None, *, debian_dir: Path = DEBIAN_DIR, cache: Path | None = None) -> Source | None:
    """Return the first folder that holds all four files, or None when no folder has any.

    An explicit folder (``root`` or ``FASHION_MNIST_DIR``) is the only place searched when given:
    if it lacks a file, that is an error rather than a silent fall-back to another copy.

    Raises:
        FashionMNISTError: a searched folder holds some of the files but not all of them, or an
            explicit folder holds none.
    """
    cache = cache if cache is not None else data_dir()
    for label, folder, explicit in _candidates(root, Path(debian_dir), cache):
        files = _find_files(folder)
        if len(files) == len(RAW_FILES):
            return Source(label, folder, files)
        if files or explicit:
            missing = ", ".join(s.name for s in RAW_FILES if s.name not in files)
            raise FashionMNISTError(
                f"{label} lacks Fashion-MNIST files: {missing} (plain or .gz) not found in "
                f"{folder}.\n{HOW_TO_GET}"
            )
    return None


def _copy_verified(source: Path, spec: RawFile, target_dir: Path) -> None:
    """Decompress (or copy) ``source`` to ``target_dir/spec.name`` only if its md5 matches.

    The bytes go to a temporary file in the same folder first, so that a failure never leaves a
    half-written file under the final name.
    """
    digest = hashlib.md5()
    handle, tmp_name = tempfile.mkstemp(prefix=f".{spec.name}.", suffix=".part", dir=target_dir)
    try:
        opener = gzip.open if source.suffix == ".gz" else open
        with os.fdopen(handle, "wb") as out, opener(source, "rb") as src:
            while chunk := src.read(1 << 20):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != spec.md5:
            raise FashionMNISTError(
                f"{source} is truncated or corrupt: its content has md5 {digest.hexdigest()}, "
                f"expected {spec.md5}. Replace that file with a good copy.\n{HOW_TO_GET}"
            )
        os.replace(tmp_name, target_dir / spec.name)
    except (EOFError, OSError, zlib.error) as exc:
        raise FashionMNISTError(
            f"{source} is truncated or corrupt ({type(exc).__name__}: {exc}). "
            f"Replace that file with a good copy.\n{HOW_TO_GET}"
        ) from None
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)


def _read_marker(target_dir: Path) -> dict | None:
    try:
        return json.loads((target_dir / MARKER_NAME).read_text())
    except (OSError, ValueError):
        return None


def _write_marker(target_dir: Path, source: Source) -> None:
    marker = {"source": str(source.folder), "label": source.label,
              "md5": {spec.name: spec.md5 for spec in RAW_FILES}}
    tmp = target_dir / f"{MARKER_NAME}.part"
    tmp.write_text(json.dumps(marker, indent=1))
    os.replace(tmp, target_dir / MARKER_NAME)


def _still_verified(target_dir: Path, source: Source) -> bool:
    """True when the files in ``target_dir`` passed the md5 check for this source and kept their size."""
    marker = _read_marker(target_dir)
    if not marker or marker.get("source") != str(source.folder):
        return False
    for spec in RAW_FILES:
        path = target_dir / spec.name
        if marker.get("md5", {}).get(spec.name) != spec.md5 or not path.is_file():
            return False
        if path.stat().st_size != spec.size:
            return False
    return True


def _download(cache: Path) -> Source:
    """Download with torchvision into a temporary folder under ``cache``; raise a clear error offline."""
    from torchvision.datasets import FashionMNIST

    cache.mkdir(parents=True, exist_ok=True)
    tmp_root = Path(tempfile.mkdtemp(prefix=".download-", dir=cache))
    try:
        FashionMNIST(tmp_root, train=True, download=True)
        FashionMNIST(tmp_root, train=False, download=True)
    except Exception as exc:  # torchvision raises URLError, RuntimeError, OSError, ...
        shutil.rmtree(tmp_root, ignore_errors=True)
        raise FashionMNISTError(
            "Fashion-MNIST was not found on this machine and could not be downloaded "
            f"({type(exc).__name__}: {exc}).\n{HOW_TO_GET}"
        ) from None
    return Source("torchvision download", tmp_root, _find_files(tmp_root))


def prepare(root=None, *, download: bool = True, debian_dir: Path = DEBIAN_DIR,
            cache: Path | None = None) -> Path:
    """Make sure verified raw files are in ``<cache>/FashionMNIST/raw`` and return ``cache``.

    ``cache`` defaults to the project data folder (:func:`course.paths.data_dir`). The returned
    folder is the ``root`` that ``torchvision.datasets.FashionMNIST`` expects.

    Raises:
        FashionMNISTError: the files are missing, truncated or corrupt, or cannot be downloaded.
    """
    cache = Path(cache) if cache is not None else data_dir()
    source = locate(root, debian_dir=debian_dir, cache=cache)
    downloaded = source is None
    if downloaded:
        if not download:
            raise FashionMNISTError(
                "Fashion-MNIST was not found: looked in "
                + "; ".join(label for label, _, _ in _candidates(None, Path(debian_dir), cache))
                + f".\n{HOW_TO_GET}"
            )
        source = _download(cache)

    target = raw_folder(cache)
    target.mkdir(parents=True, exist_ok=True)
    try:
        if _still_verified(target, source):
            return cache
        (target / MARKER_NAME).unlink(missing_ok=True)
        for spec in RAW_FILES:
            found = source.files[spec.name]
            if found.resolve() == (target / spec.name).resolve():
                _check_in_place(found, spec)
            else:
                _copy_verified(found, spec, target)
        _write_marker(target, source)
    finally:
        if downloaded:
            shutil.rmtree(source.folder, ignore_errors=True)
    return cache


def _check_in_place(path: Path, spec: RawFile) -> None:
    """Verify a file that already sits in the target folder; a bad one is reported and left alone."""
    digest = hashlib.md5()
    with open(path, "rb") as src:
        while chunk := src.read(1 << 20):
            digest.update(chunk)
    if digest.hexdigest() != spec.md5:
        raise FashionMNISTError(
            f"{path} is truncated or corrupt: its content has md5 {digest.hexdigest()}, expected "
            f"{spec.md5}. Delete it, then prepare the data again.\n{HOW_TO_GET}"
        )
