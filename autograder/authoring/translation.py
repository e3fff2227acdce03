"""The Chinese edition from one English source: gettext catalogues per assignment and language.

source/ stays English and the only place lessons are written. Each released notebook's lesson
text — its markdown cells that are not nbgrader cells (a written answer's cell is the student's,
and nbgrader checksums it) — is one entry of ``locale/<lang>/<assignment>.po``: ``msgid`` the
English cell, ``msgstr`` its translation, the cell (notebook and cell id) as the entry's
occurrence (``pooling.ipynb#cell-004``). polib reads and writes the catalogues (one small pure-Python module, the format
every translation tool and editor opens; mdpo would split cells into paragraphs, which the
lessons' cells do not need, and translate-toolkit is much larger).

:func:`update_catalogue` follows the English: an unchanged cell keeps its translation wherever it
moved; a changed cell's old translation is kept as ``fuzzy`` with the previous English beside it
(gettext's ``#| msgid``), and a fuzzy entry is *stale*: :func:`stale` names it and the edition
shows that cell in English until a translator updates it. :func:`build_edition` writes
``release/<lang>/<assignment>/`` from the English release: the same cells, ids, metadata, code,
grade ids, points and checksums; only those markdown cells' text differs.
"""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat
import polib

from autograder import COURSE_ROOT
from autograder.coursedir.layout import layout

LANGUAGES = ("zh_CN",)


def catalogue_path(root: Path, lang: str, assignment: str) -> Path:
    return Path(root) / "locale" / lang / f"{assignment}.po"


def edition_folder(root: Path, lang: str, assignment: str) -> Path:
    return layout(Path(root)).step("release") / lang / assignment


def translatable(cell) -> bool:
    """A lesson's markdown cell: not an nbgrader cell, not empty."""
    return cell.cell_type == "markdown" and "nbgrader" not in cell.get("metadata", {}) and bool(cell.source.strip())


def lesson_cells(root: Path, assignment: str) -> list[tuple[str, str, str]]:
    """(notebook, cell id, English text) of every translatable cell of the English release, in order."""
    found = []
    for path in sorted(layout(Path(root)).release(assignment).glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if translatable(cell):
                found.append((path.name, cell["id"], cell.source))
    return found


def _where(notebook: str, cell_id: str) -> tuple[str, str]:
    """An entry's occurrence: ``pooling.ipynb#cell-004`` (gettext's file:line would split at a colon)."""
    return f"{notebook}#{cell_id}", ""


def _load(path: Path, lang: str) -> polib.POFile:
    if path.exists():
        return polib.pofile(str(path), wrapwidth=0)
    catalogue = polib.POFile(wrapwidth=0)
    catalogue.metadata = {"Project-Id-Version": "cnn-layers course", "Language": lang,
                          "MIME-Version": "1.0", "Content-Type": "text/plain; charset=UTF-8",
                          "Content-Transfer-Encoding": "8bit"}
    return catalogue


def update_catalogue(root: Path, lang: str, assignment: str) -> polib.POFile:
    """The catalogue of ``assignment`` brought in line with the English release (not written)."""
    old = _load(catalogue_path(root, lang, assignment), lang)
    by_text = {e.msgid: e for e in old if not e.obsolete}
    by_cell = {where: e for e in old if not e.obsolete for where, _ in e.occurrences}
    new = polib.POFile(wrapwidth=0)
    new.metadata = old.metadata
    used = set()
    for notebook, cell_id, text in lesson_cells(root, assignment):
        if text in by_text and text not in used:
            entry = copy.copy(by_text[text])
            entry.occurrences = []
        elif text in used:
            next(e for e in new if e.msgid == text).occurrences.append(_where(notebook, cell_id))
            continue
        else:
            before = by_cell.get(_where(notebook, cell_id)[0])
            entry = polib.POEntry(msgid=text, msgstr="")
            if before is not None and before.msgstr:
                entry.msgstr, entry.flags, entry.previous_msgid = before.msgstr, ["fuzzy"], before.msgid
        entry.occurrences = [_where(notebook, cell_id)]
        new.append(entry)
        used.add(text)
    for entry in old:
        if entry.msgid not in used and entry.msgstr and not entry.obsolete:
            entry.obsolete = True
            new.append(entry)
    return new


def stale(root: Path, lang: str, assignment: str) -> list[str]:
    """What is out of date, one line each: a catalogue that does not follow the English release
    (run ``python -m autograder translate``), a translation whose English changed since (fuzzy)."""
    path = catalogue_path(root, lang, assignment)
    wanted = update_catalogue(root, lang, assignment)
    problems = []
    if not path.exists() or polib.pofile(str(path), wrapwidth=0).__unicode__() != wanted.__unicode__():
        problems.append(f"{path.relative_to(root)}: does not follow release/{assignment}: run "
                        "`python -m autograder translate`")
    for entry in wanted:
        if "fuzzy" in entry.flags and not entry.obsolete:
            cells = ", ".join(where.replace("#", " ") for where, _ in entry.occurrences)
            problems.append(f"{path.relative_to(root)}: {cells}: the English changed since it was translated "
                            f"(now begins {entry.msgid[:60]!r})")
    return problems


def stale_translations(root: Path = COURSE_ROOT, langs=LANGUAGES) -> list[str]:
    """:func:`stale` of every assignment of every edition that has catalogues."""
    return [line for lang in langs if (Path(root) / "locale" / lang).is_dir()
            for assignment in layout(Path(root)).assignments() for line in stale(root, lang, assignment)]


def translated_notebook(notebook, catalogue: polib.POFile):
    """``notebook`` (English, released) with each lesson cell's text from ``catalogue`` where it has
    a translation that is not fuzzy; every other cell and field as it is."""
    translations = {e.msgid: e.msgstr for e in catalogue if e.msgstr and not e.obsolete and "fuzzy" not in e.flags}
    edition = copy.deepcopy(notebook)
    for cell in edition.cells:
        if translatable(cell) and cell.source in translations:
            cell.source = translations[cell.source]
    return edition


def build_edition(root: Path, lang: str, assignment: str) -> list[Path]:
    """Write ``release/<lang>/<assignment>/`` from the English release and the catalogue."""
    catalogue = _load(catalogue_path(root, lang, assignment), lang)
    folder = edition_folder(root, lang, assignment)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted(layout(Path(root)).release(assignment).glob("*.ipynb")):
        edition = translated_notebook(nbformat.read(path, as_version=4), catalogue)
        target = folder / path.name
        nbformat.write(edition, target)
        written.append(target)
    return written


def build_editions(root: Path = COURSE_ROOT, langs=LANGUAGES) -> None:
    """Every edition whose catalogues exist (``locale/<lang>/``), from the English release."""
    for lang in langs:
        if (Path(root) / "locale" / lang).is_dir():
            for assignment in layout(Path(root)).assignments():
                build_edition(root, lang, assignment)


def coverage(root: Path, lang: str, assignment: str) -> tuple[int, int]:
    """(translated lesson cells, lesson cells) of the assignment."""
    catalogue = _load(catalogue_path(root, lang, assignment), lang)
    done = {e.msgid for e in catalogue if e.msgstr and not e.obsolete and "fuzzy" not in e.flags}
    cells = lesson_cells(root, assignment)
    return sum(1 for _, _, text in cells if text in done), len(cells)


def translate(root: Path = COURSE_ROOT, langs=LANGUAGES) -> list[str]:
    """Update every catalogue and write every edition; one line per assignment and language."""
    lines = []
    for lang in langs:
        for assignment in layout(Path(root)).assignments():
            path = catalogue_path(root, lang, assignment)
            path.parent.mkdir(parents=True, exist_ok=True)
            update_catalogue(root, lang, assignment).save(str(path))
            build_edition(root, lang, assignment)
            done, total = coverage(root, lang, assignment)
            lines.append(f"{lang} {assignment}: {done} of {total} lesson cells translated")
    return lines
