"""``python -m hub`` (what ``./kit hub`` runs, as root): set up the class, then run JupyterHub.

  0. The system copy every account runs (hub/install.py): /opt/cnn-layers (--install), root's,
     readable by all, with no solutions, hidden tests or gradebook in it; brought up to date.
  1. Unix accounts: the instructor and one per id of the roster; a new account gets a random
     password, written to <state>/initial-passwords.csv (root only). Existing accounts are kept.
  2. nbgrader's exchange for the course (hub/exchange.py), owned by the instructor.
  3. The instructor's course directory ~instructor/cnn-layers (hub/deploy.py), roster imported.
  4. JupyterHub on http://127.0.0.1:<port>/ (hub/jupyterhub_config.py) until Ctrl-C.
"""

from __future__ import annotations

import argparse
import csv
import os
import secrets
import shutil
import stat
import sys
from pathlib import Path

from hub import DEFAULT_INSTALL, REPO, Settings, accounts

LOCAL_PROXY = REPO / ".kit" / "hub" / "node_modules" / ".bin" / "configurable-http-proxy"


def find_proxy() -> str:
    """configurable-http-proxy: the one `./kit` installs into .kit/hub, else the one on PATH."""
    if LOCAL_PROXY.exists():
        return str(LOCAL_PROXY)
    found = shutil.which("configurable-http-proxy")
    if not found:
        raise SystemExit("configurable-http-proxy (npm) is missing: `./kit hub` installs it "
                         "(npm install --prefix .kit/hub configurable-http-proxy)")
    return found


def prepare_class(settings: Settings, roster: Path, passwords: dict[str, str] | None = None) -> dict[str, str]:
    """Accounts, exchange and the instructor's course directory; return the new accounts' passwords.

    ``passwords`` gives the password of an account to create (tests); others get a random one.
    """
    from hub.deploy import deploy_course       # (nbgrader is imported here, not for --help)
    from hub.exchange import prepare
    from hub.install import install

    install(settings.prefix)
    make_private(REPO)
    settings.state.mkdir(parents=True, exist_ok=True)
    os.chmod(settings.state, 0o700)
    created = {}
    for name in [settings.instructor] + settings.students:
        password = (passwords or {}).get(name) or secrets.token_urlsafe(12)
        if accounts.create(name, password):
            created[name] = password
    check_environment_reachable(settings)
    prepare(settings.exchange, settings.instructor)
    deploy_course(settings, roster)
    return created


def make_private(repo: Path) -> bool:
    """The repository (solutions, hidden tests, its gradebook) for its owner alone; True if changed.

    No account of the hub needs it: they run the system copy. Its owner keeps every right.
    """
    mode = stat.S_IMODE(os.stat(repo).st_mode)
    if not mode & 0o077:
        return False
    os.chmod(repo, mode & ~0o077)
    print(f"[hub] {repo} is now private to its owner (mode {mode & ~0o077:o}, was {mode:o}): it holds the "
          "solutions and hidden tests, and no account of the hub needs it", file=sys.stderr, flush=True)
    return True


def check_environment_reachable(settings: Settings) -> None:
    """Every account runs the course's Python: stop with the fix when another account cannot."""
    python = settings.venv / "bin" / "python"
    run = accounts.run_as(settings.instructor, [str(python), "-c", "import jupyterhub, nbgrader, course"], check=False)
    if run.returncode != 0:
        raise SystemExit(
            f"{settings.instructor} cannot run the course's Python {python} (-> {python.resolve()}):\n"
            f"{run.stderr.strip()[-600:]}\nEvery account of the hub runs it: {settings.prefix} and the folders "
            f"above it must be traversable by every account (chmod o+x), or choose another place with --install.")


def jupyterhub_command(settings: Settings) -> list[str]:
    """JupyterHub from the system copy, with the installed copy's config (not the repository's)."""
    from hub.install import installed_hub

    return [str(settings.venv / "bin" / "jupyterhub"), "-f", str(installed_hub(settings.prefix) / "jupyterhub_config.py")]


def jupyterhub_env(settings: Settings) -> dict[str, str]:
    """The hub's environment: the settings, the venv first on PATH, no MPLBACKEND for the kernels."""
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND" and not k.startswith("JUPYTER")}
    env.update(settings.to_env())
    env["PATH"] = f"{settings.venv / 'bin'}:{env.get('PATH', '/usr/bin:/bin')}"
    return env


def _record_passwords(state: Path, created: dict[str, str]) -> Path:
    path = state / "initial-passwords.csv"
    fresh = not path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", newline="") as handle:
        writer = csv.writer(handle)
        if fresh:
            writer.writerow(["account", "initial_password"])
        writer.writerows(created.items())
    return path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="./kit hub", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8000, help="where people connect, on 127.0.0.1 (8000)")
    parser.add_argument("--instructor", default="instructor", help="the instructor's Unix account (instructor)")
    parser.add_argument("--roster", type=Path, default=REPO / "students.csv", help="students.csv (id,first_name,...)")
    parser.add_argument("--state", type=Path, default=Path("/srv/cnn-layers-hub"),
                        help="the hub's database and the initial passwords (/srv/cnn-layers-hub)")
    parser.add_argument("--exchange", type=Path, default=Path("/srv/nbgrader/exchange"),
                        help="nbgrader's exchange root (/srv/nbgrader/exchange)")
    parser.add_argument("--install", type=Path, default=DEFAULT_INSTALL,
                        help="the system copy every account runs: the course's Python environment, the "
                             "course package, the data; root's, no solutions in it (/opt/cnn-layers)")
    parser.add_argument("--setup-only", action="store_true", help="set up accounts and folders, do not start")
    args = parser.parse_args(argv)
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        raise SystemExit("./kit hub runs as root on Linux: it creates Unix accounts and starts each person's "
                         "JupyterLab as their account (sudo ./kit hub)")
    settings = Settings(state=args.state.resolve(), exchange=args.exchange.resolve(), instructor=args.instructor,
                        students=accounts.roster_ids(args.roster), port=args.port, proxy=find_proxy(),
                        prefix=Path(os.path.abspath(args.install)))
    from hub.exchange import ExchangeNotSafe
    from hub.install import InstallRefused

    try:
        created = prepare_class(settings, args.roster)
    except (InstallRefused, ExchangeNotSafe) as refused:
        raise SystemExit(f"[hub] nothing started: {refused}") from None
    say = lambda text: print(f"[hub] {text}", file=sys.stderr, flush=True)  # noqa: E731
    if created:
        say(f"new accounts: {', '.join(created)}; their initial passwords are in "
            f"{_record_passwords(settings.state, created)} (root only). Change one: passwd <account>")
    say(f"course directory of {settings.instructor}: {settings.course_dir()}; exchange: {settings.exchange}")
    if args.setup_only:
        return 0
    say(f"JupyterHub for {len(settings.students)} students: open http://127.0.0.1:{settings.port}/ (Ctrl-C stops it)")
    os.chdir(settings.state)
    os.execve(jupyterhub_command(settings)[0], jupyterhub_command(settings), jupyterhub_env(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
