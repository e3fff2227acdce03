"""A whole class on one server: JupyterHub for the course, with nbgrader's exchange between accounts.

``./kit hub`` runs ``python -m hub`` as root: it installs the system copy every account runs
(``install.py``: /opt/cnn-layers, root's, with no solutions in it), creates the Unix accounts (an
instructor and the students of the roster), the exchange folder, the instructor's course folder,
and then starts JupyterHub (see ``jupyterhub_config.py``) from the system copy. The hub's own config reads its settings from the
environment variables below, which :class:`Settings` writes and reads, so that ``python -m hub``
and the tests start the same hub.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

HUB_DIR = Path(__file__).resolve().parent
REPO = HUB_DIR.parent
COURSE_ID = "cnn-layers"
# The instructor's course directory, in the instructor's home (the formgrader needs it below the
# root of the instructor's JupyterLab, which is the home).
COURSE_FOLDER = "cnn-layers"
_PREFIX = "COURSE_HUB_"
DEFAULT_INSTALL = Path("/opt/cnn-layers")   # the system copy every account runs (hub/install.py)


@dataclass
class Settings:
    """Where the hub keeps its files, who teaches, who studies, and its loopback ports."""

    state: Path                      # the hub's database, cookie secret, proxy pid (root only)
    exchange: Path                   # nbgrader's exchange root (the course's folder is inside)
    instructor: str                  # the Unix account with the formgrader
    students: list[str] = field(default_factory=list)   # Unix accounts from the roster
    port: int = 8000                 # where people connect (127.0.0.1 only)
    hub_port: int = 8081             # the hub's API, for the single-user servers
    proxy_api_port: int = 8001       # configurable-http-proxy's API
    proxy: str = "configurable-http-proxy"
    prefix: Path = DEFAULT_INSTALL   # the system copy every account runs (hub/install.py)

    @property
    def venv(self) -> Path:
        """The course's environment in the system copy (made from the system's Python)."""
        return self.prefix / "venv"

    @property
    def data(self) -> Path:
        """The verified Fashion-MNIST of the system copy (``COURSE_DATA_DIR`` of every account)."""
        return self.prefix / "data"

    def course_dir(self) -> Path:
        """The instructor's course directory (``~instructor/cnn-layers``)."""
        import pwd

        return Path(pwd.getpwnam(self.instructor).pw_dir) / COURSE_FOLDER

    def to_env(self) -> dict[str, str]:
        return {_PREFIX + "STATE": str(self.state), _PREFIX + "EXCHANGE": str(self.exchange),
                _PREFIX + "INSTRUCTOR": self.instructor, _PREFIX + "STUDENTS": ",".join(self.students),
                _PREFIX + "PORT": str(self.port), _PREFIX + "HUB_PORT": str(self.hub_port),
                _PREFIX + "PROXY_API_PORT": str(self.proxy_api_port), _PREFIX + "PROXY": self.proxy,
                _PREFIX + "INSTALL": str(self.prefix)}

    @classmethod
    def from_env(cls, env=os.environ) -> "Settings":
        def get(name):
            if _PREFIX + name not in env:
                raise RuntimeError(f"{_PREFIX + name} is not set: start the hub with `./kit hub` (python -m hub)")
            return env[_PREFIX + name]

        return cls(state=Path(get("STATE")), exchange=Path(get("EXCHANGE")), instructor=get("INSTRUCTOR"),
                   students=[s for s in get("STUDENTS").split(",") if s], port=int(get("PORT")),
                   hub_port=int(get("HUB_PORT")), proxy_api_port=int(get("PROXY_API_PORT")), proxy=get("PROXY"),
                   prefix=Path(get("INSTALL")))
