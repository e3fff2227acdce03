"""Time each source notebook run top to bottom on the CPU, as CI's notebook test runs it.

Prints, per notebook, the whole run (kernel start included) and its slowest cells. Goal: each
notebook under 3 minutes on a 2-core CPU, at its default settings (no ``COURSE_EPOCHS``).

    .venv/bin/python benchmarks/notebook_speed.py [NOTEBOOK ...]
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent


def time_notebook(path: Path, slowest: int = 5) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / path.parent.name
        shutil.copytree(path.parent, work)
        notebook = nbformat.read(work / path.name, as_version=4)
        client = NotebookClient(notebook, timeout=3600, kernel_name="python3",
                                resources={"metadata": {"path": str(work)}})
        cells = []
        start = time.perf_counter()
        with client.setup_kernel():
            for index, cell in enumerate(notebook.cells):
                if cell.cell_type == "code":
                    began = time.perf_counter()
                    client.execute_cell(cell, index)
                    cells.append((time.perf_counter() - began, index))
        total = time.perf_counter() - start
    print(f"{path.relative_to(ROOT)}: {total:.0f} s in all; slowest cells: "
          + ", ".join(f"#{index} {seconds:.1f} s" for seconds, index in sorted(cells, reverse=True)[:slowest]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args()
    if "COURSE_EPOCHS" in os.environ:
        sys.exit("unset COURSE_EPOCHS: the goal is about the notebooks' default settings")
    os.environ["CUDA_VISIBLE_DEVICES"] = ""                 # the CPU, as on CI
    os.environ.pop("MPLBACKEND", None)
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    for path in args.notebooks or sorted((ROOT / "source").glob("*/*.ipynb")):
        time_notebook(path.resolve())


if __name__ == "__main__":
    main()
