"""``./kit --help`` and ``./kit COMMAND --help``: the kit's commands, from one argparse parser.

Runs with nothing but the standard library (``python3 -B -m kitlib.help [COMMAND]``), so the help
prints at once on a fresh machine, before anything is installed, and changes no file.
"""

from __future__ import annotations

import argparse
import sys

EVERYTHING = """\
"Everything" is: Debian packages where this user may install them (the Fashion-MNIST data
package, bubblewrap for the autograder's sandbox; chromium too for ./kit test), a virtual
environment in .venv with the pinned stack from pyproject.toml, the verified data in data/, the
course's nbgrader gradebook with the sample roster, release/ regenerated from source/ when
source/ changed, and your own copies of the notebooks in work/ where they are missing (the kit
never writes over a copy you have). Every step is skipped when already done."""

COMMANDS = {
    "lab": ("", "set everything up, then start JupyterLab on your workspace (work/)"),
    "update": ("ASSIGNMENT", "bring a new version of an assignment into work/, keeping your answers"),
    "check": ("ASSIGNMENT [NB]", "grade your own notebook (work/ by default) as the grader does"),
    "stats": ("ASSIGNMENT [--names]", "instructors: what the class missed, per graded cell (reports/ASSIGNMENT/)"),
    "test": ("", "set everything up, then run the test suite (CI runs exactly this)"),
    "hub": ("", "as root: JupyterHub for the class in students.csv (see hub/README.md)"),
    "setup": ("", "set everything up and stop"),
}
"""Each command: its arguments, and what it does."""


def parser() -> argparse.ArgumentParser:
    kit = argparse.ArgumentParser(prog="./kit", description="The course kit's single entry point. Safe to re-run.",
                                  epilog=EVERYTHING + "\n\n./kit COMMAND --help prints a command's help and changes nothing.",
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = kit.add_subparsers(dest="command", metavar="COMMAND")
    for name, (arguments, what) in COMMANDS.items():
        usage = f"./kit {name} {arguments}".rstrip()
        commands.add_parser(name, help=what, description=what, usage=usage, epilog=EVERYTHING,
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    return kit


def main(argv: list[str]) -> int:
    kit = parser()
    if argv and argv[0] in COMMANDS:
        kit.parse_args([argv[0], "--help"])         # prints that command's help and exits 0
    kit.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
