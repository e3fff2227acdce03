"""Every source notebook (solutions included) runs top to bottom on this machine, figures and all."""

import shutil
import time

import nbformat
import pytest
from nbclient import NotebookClient

from autograder import COURSE_ROOT

NOTEBOOKS = sorted((COURSE_ROOT / "source").glob("*/*.ipynb"))


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.parent.name for p in NOTEBOOKS])
def test_source_notebook_runs(path, tmp_path, monkeypatch, record_property):
    monkeypatch.delenv("MPLBACKEND", raising=False)        # as a student's kernel sees it
    work = tmp_path / path.parent.name
    shutil.copytree(path.parent, work)
    notebook = nbformat.read(work / path.name, as_version=4)
    start = time.perf_counter()
    NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(work)}}).execute()
    seconds = time.perf_counter() - start
    record_property("seconds", round(seconds, 1))
    print(f"{path.relative_to(COURSE_ROOT)} ran in {seconds:.1f} s")
    figures = sum("image/png" in out.get("data", {}) for cell in notebook.cells if cell.cell_type == "code"
                  for out in cell.get("outputs", []))
    assert figures > 0, "the notebook's plots must render as images"
    errors = [out for cell in notebook.cells if cell.cell_type == "code"
              for out in cell.get("outputs", []) if out.output_type == "error"]
    assert errors == []
