"""Every source notebook (solutions included) runs top to bottom on this machine, figures and all."""

import re
import shutil
import time

import nbformat

import pytest
from nbclient import NotebookClient

from autograder import COURSE_ROOT
from lesson_claims import claim_asserts_on_timing, edits_for, is_claim_cell, probe_source

NOTEBOOKS = sorted((COURSE_ROOT / "source").glob("*/*.ipynb"))


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.parent.name for p in NOTEBOOKS])
def test_source_notebook_runs(path, tmp_path, monkeypatch, record_property):
    monkeypatch.delenv("MPLBACKEND", raising=False)        # as a student's kernel sees it
    monkeypatch.delenv("COURSE_EPOCHS", raising=False)     # the defaults, so that every claim is checked
    work = tmp_path / path.parent.name
    shutil.copytree(path.parent, work)
    notebook = nbformat.read(work / path.name, as_version=4)
    start = time.perf_counter()
    # The whole of 03_lenet took 2 min on an idle 2-core machine (benchmarks/notebook_speed.py), but
    # 12-30 min on one shared with other jobs: a generous limit per cell.
    edits, problems = edits_for(path.parent.name, notebook.cells)
    assert problems == []
    client = NotebookClient(notebook, timeout=1800, kernel_name="python3", resources={"metadata": {"path": str(work)}})
    falsified = 0
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            client.execute_cell(cell, index)
            for old, new in edits.get(index, []):      # each claim made false must fire its assert
                client.execute_cell(nbformat.v4.new_code_cell(probe_source(cell, index, old, new)), index)
                notebook.cells[index] = cell                 # (nbclient stores the probe in the cell's place)
                falsified += 1
    record_property("claims_made_false", falsified)
    seconds = time.perf_counter() - start
    record_property("seconds", round(seconds, 1))
    print(f"{path.relative_to(COURSE_ROOT)} ran in {seconds:.1f} s")
    figures = sum("image/png" in out.get("data", {}) for cell in notebook.cells if cell.cell_type == "code"
                  for out in cell.get("outputs", []))
    assert figures > 0, "the notebook's plots must render as images"
    errors = [out for cell in notebook.cells if cell.cell_type == "code"
              for out in cell.get("outputs", []) if out.output_type == "error"]
    assert errors == []


def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def test_run_all_reaches_every_lenet_lesson_cell_in_the_release():
    """JupyterLab's Run All stops at the first cell that raises. In the student's LeNet-5 notebook
    the first graded test fails until the exercise is answered, so every lesson cell (the training
    included) must come before it, and none may call the student's function."""
    notebook = nbformat.read(COURSE_ROOT / "release" / "03_lenet" / "lenet.ipynb", as_version=4)
    code = [(i, cell) for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"]
    first_test = min(i for i, cell in code if _nbgrader(cell).get("grade"))
    lesson = [(i, cell) for i, cell in code if not _nbgrader(cell).get("grade") and not _nbgrader(cell).get("solution")]
    assert [i for i, _ in lesson if i > first_test] == [], "a lesson cell comes after the first graded test"
    answers = [cell.source for _, cell in code if _nbgrader(cell).get("solution")]
    defined = {name for source in answers for name in re.findall(r"^def (\w+)", source, re.M)}
    assert {"lenet5_for", "log_softmax", "cross_entropy", "cross_entropy_backward"} <= defined
    calls = {name for _, cell in lesson for name in defined if re.search(rf"(?<![\w.]){name}\(", cell.source)}
    assert calls == set(), f"lesson cells call the student's functions {sorted(calls)}"
    assert any("train(" in cell.source for _, cell in lesson), "the training cells are lesson cells"
    # The unanswered answer cell defines the function without raising; calling it raises.
    answer = next(cell for _, cell in code if _nbgrader(cell).get("solution"))
    namespace = {}
    exec(compile("from torch import nn\n" + answer.source, "answer", "exec"), namespace)
    with pytest.raises(NotImplementedError):
        namespace["lenet5_for"]()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.parent.name for p in NOTEBOOKS])
def test_every_claim_cell_has_an_edit_that_makes_it_false_and_none_asserts_a_timing(path):
    """The fast half of the claim check (the slow half runs the edits in test_source_notebook_runs)."""
    cells = nbformat.read(path, as_version=4).cells
    _, problems = edits_for(path.parent.name, cells)
    timing = [line for cell in cells if is_claim_cell(cell) for line in claim_asserts_on_timing(cell)]
    assert problems == [] and timing == []
