"""The Chinese edition (autograder/authoring/translation.py): one English source, catalogues in
locale/zh_CN/, release/zh_CN/ generated from them. Every nbgrader cell of the edition is the
English one; a changed English cell turns only its own translation stale; the catalogues use the
glossary's terms."""

import re
import shutil

import nbformat
import pytest

from autograder import COURSE_ROOT
from autograder.authoring import translation
from autograder.coursedir.layout import layout
from autograder.coursedir.nbgrader_course import scratch_course

ASSIGNMENTS = layout().assignments()
GLOSSARY = (COURSE_ROOT / "locale" / "zh_CN" / "GLOSSARY.md").read_text()
# English term (a word of a translated cell) → the Chinese term its translation must use, and one it must not
TERMS = {r"\bpooling\b": ("池化", "汇聚"), r"\bstride\b": ("步幅", None), r"\bpadding\b": ("填充", None),
         r"\bdilation\b": ("膨胀", None), r"\bactivation functions?\b": ("激活函数", None),
         r"\bvanishing gradients?\b": ("梯度消失", None), r"\bfeature maps?\b": ("特征图", None)}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_cell_of_the_edition_but_the_lessons_text_is_the_english_one(assignment):
    for english_path in sorted(layout().release(assignment).glob("*.ipynb")):
        english = nbformat.read(english_path, as_version=4)
        chinese = nbformat.read(translation.edition_folder(COURSE_ROOT, "zh_CN", assignment) / english_path.name,
                                as_version=4)
        assert chinese["metadata"] == english["metadata"] and len(chinese["cells"]) == len(english["cells"])
        for ours, theirs in zip(chinese["cells"], english["cells"]):
            text = {k: v for k, v in ours.items() if k != "source"}
            assert text == {k: v for k, v in theirs.items() if k != "source"}, theirs["id"]
            if not translation.translatable(theirs):
                assert ours["source"] == theirs["source"], theirs["id"]     # code, tests, nbgrader cells


def _course_copy(tmp_path, assignment):
    root = scratch_course(tmp_path / "course", [assignment])
    shutil.copytree(layout().release(assignment), layout(root).release(assignment))
    return root


def test_a_changed_english_cell_turns_only_its_own_translation_stale(tmp_path):
    assignment = ASSIGNMENTS[0]
    root = _course_copy(tmp_path, assignment)
    [first, second, third, *_] = translation.lesson_cells(root, assignment)
    catalogue = translation.update_catalogue(root, "zh_CN", assignment)
    for entry in catalogue:
        entry.msgstr = {first[2]: "第一", second[2]: "第二"}.get(entry.msgid, "")
    path = translation.catalogue_path(root, "zh_CN", assignment)
    path.parent.mkdir(parents=True)
    catalogue.save(str(path))
    assert translation.stale(root, "zh_CN", assignment) == []
    notebook_path = layout(root).release(assignment) / first[0]
    notebook = nbformat.read(notebook_path, as_version=4)
    for cell in notebook.cells:
        if cell.get("id") == second[1]:
            cell.source += "\n\nOne more English sentence."
    notebook.cells.insert(0, nbformat.v4.new_markdown_cell("A new first cell."))
    notebook.cells[0]["id"] = "inserted"
    nbformat.write(notebook, notebook_path)
    problems = translation.stale(root, "zh_CN", assignment)
    assert any("does not follow" in p for p in problems)
    assert [p for p in problems if "changed since" in p] == [
        f"{path.relative_to(root)}: {second[0]} {second[1]}: the English changed since it was translated "
        f"(now begins {(second[2] + chr(10) + chr(10) + 'One more English sentence.')[:60]!r})"]
    updated = translation.update_catalogue(root, "zh_CN", assignment)
    kept = {e.msgid: e for e in updated}
    assert kept[first[2]].msgstr == "第一" and "fuzzy" not in kept[first[2]].flags      # moved, kept
    assert kept[second[2] + "\n\nOne more English sentence."].previous_msgid == second[2]
    updated.save(str(path))
    [edition] = translation.build_edition(root, "zh_CN", assignment)
    texts = {c.get("id"): c.source for c in nbformat.read(edition, as_version=4).cells}
    assert texts[first[1]] == "第一" and texts[second[1]].endswith("One more English sentence.")
    assert texts[third[1]] == third[2] and texts["inserted"] == "A new first cell."    # untranslated: English


def test_the_catalogues_follow_the_english_release():
    assert translation.stale_translations() == []


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_translations_use_the_glossarys_terms(assignment):
    import polib

    for chinese, _ in TERMS.values():
        assert f"| {chinese}" in GLOSSARY or f"/ {chinese}" in GLOSSARY, chinese
    catalogue = polib.pofile(str(translation.catalogue_path(COURSE_ROOT, "zh_CN", assignment)))
    wrong = []
    for entry in (e for e in catalogue if e.msgstr and not e.obsolete):
        english = re.sub(r"`[^`]*`|\$[^$]*\$", "", entry.msgid)           # code and formulas stay English
        for pattern, (term, avoided) in TERMS.items():
            if re.search(pattern, english, re.IGNORECASE) and term not in entry.msgstr:
                wrong.append(f"{entry.occurrences[0][0]}: {pattern} without {term}")
            if avoided and avoided in entry.msgstr and "d2l" not in entry.msgstr:
                wrong.append(f"{entry.occurrences[0][0]}: {avoided} (the glossary says {term})")
    assert wrong == []


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_a_translation_keeps_every_code_span_and_formula_of_its_english_cell(assignment):
    """Code, identifiers and formulas are the same in both editions (the lessons' asserts check them)."""
    import polib

    spans = re.compile(r"```.*?```|`[^`\n]+`|\$\$.*?\$\$|\$[^$\n]+\$", re.S)
    catalogue = polib.pofile(str(translation.catalogue_path(COURSE_ROOT, "zh_CN", assignment)))
    changed = {e.occurrences[0][0]: [s for s in spans.findall(e.msgid) if s not in e.msgstr][:2]
               for e in catalogue if e.msgstr and not e.obsolete}
    assert {where: lost for where, lost in changed.items() if lost} == {}
