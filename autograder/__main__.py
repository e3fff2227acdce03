"""Command line: ``python -m autograder <command>`` from the repository root.

  release          regenerate release/ from source/ (nbgrader generate_assignment)
  check-release    exit 1 when release/ is stale or leaks solutions or hidden tests
"""

import argparse
import sys

from autograder import release as release_module


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["release", "check-release"])
    args = parser.parse_args(argv)
    if args.command == "release":
        names = release_module.release()
        print("released:", ", ".join(names) or "(no assignments in source/)")
        return 0
    problems = release_module.stale_files() + release_module.leaks()
    for problem in problems:
        print("stale or leaking:", problem, file=sys.stderr)
    if problems:
        print("run: .venv/bin/python -m autograder release", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
