"""Where the project keeps its files.

The repository root is the nbgrader course directory; the data cache lives in ``data/`` below it
unless ``COURSE_DATA_DIR`` names another folder.
"""

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """The folder that holds the prepared data sets (``COURSE_DATA_DIR`` or ``<root>/data``)."""
    override = os.environ.get("COURSE_DATA_DIR")
    return Path(override).expanduser().resolve() if override else PROJECT_ROOT / "data"
