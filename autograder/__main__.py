"""Command line for instructors: ``.venv/bin/python -m autograder <command>`` from the repository root.

  release                    regenerate release/ from source/ (nbgrader generate_assignment)
  check-release              exit 1 when release/ is stale or leaks solutions or hidden tests
  roster STUDENTS.csv        add the students of a roster (id,first_name,last_name,email) to the gradebook
  collect ASSIGNMENT ZIP     unpack an LMS download (<student>__<notebook>.ipynb or <student>/<notebook>.ipynb)
                             into submitted/<student>/<assignment>/; symlinks, unsafe names and
                             conflicts are skipped and reported, nothing is replaced
  collect ASSIGNMENT --exchange   the same from nbgrader's exchange inbound (latest per student)
  grade ASSIGNMENT [...]     grade every submission in parallel, sandboxed; skip finished ones
  check ASSIGNMENT [NB ...]  a student's self-check: grade work/<assignment>/ (or NB) as `grade` does,
                             print every test's points and why points were lost; no gradebook
  feedback ASSIGNMENT        nbgrader's feedback pages (sanitised, no hidden tests) and the kit's
                             feedback.html, for every graded submission (--student: just these)
  export [--to grades.csv]   the gradebook as the CSV an LMS imports (nbgrader's export format)
  translate                  bring locale/<lang>/<assignment>.po in line with release/ (a changed cell's
                             translation turns fuzzy) and write release/<lang>/ (the Chinese edition)
  stats ASSIGNMENT           what the class missed: reports/<assignment>/stats.csv and stats.html
                             (per graded cell: failure rate, grouped reasons, hidden-after-visible
                             failures, discrimination); no student named unless --names
"""

import argparse
import json
import sys
from pathlib import Path

# jsonschema (imported by nbformat) builds 38 Lark grammars at import when rfc3987-syntax is installed
# (jupyter-events pulls it in): 1-2 s of every command on 2 cores, for the IRI formats that no
# notebook schema uses. Commands of this module go without it (jsonschema skips those formats).
sys.modules.setdefault("rfc3987_syntax", None)

from autograder import COURSE_ROOT  # noqa: E402
from autograder.sandbox.limits import Limits  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("release")
    commands.add_parser("check-release")
    roster = commands.add_parser("roster")
    roster.add_argument("csv", type=Path)
    collect = commands.add_parser("collect")
    collect.add_argument("assignment")
    collect.add_argument("zip", type=Path, nargs="?", help="an LMS download (omit with --exchange)")
    collect.add_argument("--exchange", action="store_true",
                         help="collect from nbgrader's exchange inbound folder instead (never following symlinks)")
    grade = commands.add_parser("grade")
    grade.add_argument("assignments", nargs="+", metavar="assignment",
                       help="one or more (several in one command share its warm workers' sandboxes)")
    grade.add_argument("--student", action="append", help="grade only this student (repeatable)")
    grade.add_argument("--workers", type=int, default=None, help="worker processes (default: the number of cores)")
    grade.add_argument("--force", action="store_true", help="grade again submissions that already have results")
    grade.add_argument("--time-limit", type=float, default=Limits.cell_seconds, help="seconds for a notebook's cells to run")
    grade.add_argument("--call-limit", type=float, default=Limits.call_seconds, help="seconds for each call of the student's code")
    grade.add_argument("--memory-limit", type=float, default=Limits.memory_bytes / 1024**3,
                       help="GiB of memory for a notebook's process")
    grade.add_argument("--no-sandbox", action="store_true", help="run student code without bubblewrap (unsafe)")
    grade.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                       help="grade on this Dask cluster's workers instead of this machine (README: Grading on a cluster)")
    check = commands.add_parser("check", help="grade your own notebook as the grader does (no gradebook)")
    check.add_argument("assignment")
    check.add_argument("notebooks", nargs="*", type=Path, help="default: your copies in work/<assignment>/")
    check.add_argument("--time-limit", type=float, default=Limits.cell_seconds, help="seconds for a notebook's cells to run")
    check.add_argument("--call-limit", type=float, default=Limits.call_seconds, help="seconds for each call of your code")
    feedback = commands.add_parser("feedback")
    feedback.add_argument("assignment")
    feedback.add_argument("--student", action="append", help="only this student (repeatable)")
    export = commands.add_parser("export")
    export.add_argument("--to", type=Path, default=COURSE_ROOT / "grades.csv")
    commands.add_parser("translate")
    stats = commands.add_parser("stats", help="per-cell statistics of a graded assignment")
    stats.add_argument("assignment")
    stats.add_argument("--names", action="store_true", help="name the students who lost points on each cell")
    args = parser.parse_args(argv)

    if args.command == "release":
        from autograder.authoring.release import release
        print("released:", ", ".join(release()) or "(no assignments in source/)")
        return 0
    if args.command == "check-release":
        from autograder.authoring.release import leaks, stale_files
        from autograder.authoring.translation import stale_translations
        problems, translations = stale_files() + leaks(), stale_translations()
        for problem in problems:
            print("stale or leaking:", problem, file=sys.stderr)
        if problems:
            print("run: .venv/bin/python -m autograder release", file=sys.stderr)
        for problem in translations:
            print("translation:", problem, file=sys.stderr)
        return 1 if problems or translations else 0
    if args.command == "roster":
        from autograder.coursedir.nbgrader_course import import_roster
        print(f"{len(import_roster(args.csv))} students in the gradebook roster")
        return 0
    if args.command == "collect":
        if args.exchange:
            from autograder.intake.collect import collect_exchange
            from autograder.coursedir.nbgrader_course import load_config
            config = load_config(COURSE_ROOT)
            inbound = Path(config.Exchange.root) / config.CourseDirectory.course_id / "inbound"
            return _report_collect(collect_exchange(args.assignment, inbound, COURSE_ROOT), args.assignment)
        if args.zip is None:
            parser.error("collect needs a ZIP (or --exchange)")
        return collect_zip(args.assignment, args.zip)
    if args.command == "grade":
        from autograder.grading.grade import grade_all
        limits = Limits(cell_seconds=args.time_limit, call_seconds=args.call_limit,
                        memory_bytes=int(args.memory_limit * 1024**3), sandbox=not args.no_sandbox)
        failed = False
        for assignment in args.assignments:
            summary = grade_all(assignment, students=args.student, workers=args.workers, force=args.force,
                                limits=limits, scheduler=args.scheduler)
            print_summary(summary)
            failed = failed or bool(summary.failed)
        return 1 if failed else 0
    if args.command == "check":
        from autograder.grading import check_helper
        request = {"assignment": args.assignment, "notebooks": [str(p.resolve()) for p in args.notebooks],
                   "cell_seconds": args.time_limit, "call_seconds": args.call_limit}
        code = check_helper.ask(COURSE_ROOT, request)       # a warm helper from an earlier check
        if code is not None:
            return code
        from autograder.sandbox import warm
        from course.paths import data_dir
        warm.prestart(data_dir(), Limits.scratch_bytes)      # its imports overlap the grader's own
        from autograder.grading.selfcheck import run
        code = run(args.assignment, args.notebooks or None,
                   limits=Limits(cell_seconds=args.time_limit, call_seconds=args.call_limit))
        check_helper.start(COURSE_ROOT)                     # warm for the next check
        return code
    if args.command == "feedback":
        from autograder.publish.feedback import generate_feedback
        written, failed = generate_feedback(COURSE_ROOT, args.assignment, args.student)
        print(f"feedback for {len(written)} submissions of {args.assignment} in feedback/<student>/{args.assignment}/")
        for student, reason in failed.items():
            print(f"  nbgrader's feedback FAILED for {student}: {reason}", file=sys.stderr)
        return 1 if failed else 0
    if args.command == "export":
        from autograder.publish.feedback import export_grades
        print("grades written to", export_grades(COURSE_ROOT, args.to))
        return 0
    if args.command == "translate":
        from autograder.authoring.translation import translate
        print("\n".join(translate()))
        return 0
    if args.command == "stats":
        from autograder.insight.class_scores import NothingToReport
        from autograder.insight.report import write_report
        try:
            csv_path, html_path, lines = write_report(args.assignment, COURSE_ROOT, names=args.names)
        except NothingToReport as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print("\n".join(lines))
        print(f"written: {csv_path.relative_to(COURSE_ROOT)}, {html_path.relative_to(COURSE_ROOT)}")
        return 0
    return 2


def print_summary(summary) -> None:
    """The run's :class:`~autograder.publish.results.RunSummary`, for the instructor."""
    seconds = summary.seconds
    print(f"{summary.assignment}: graded {len(summary.graded)}, failed {len(summary.failed)}, "
          f"skipped {len(summary.skipped)} (already graded; --force to grade again)")
    if seconds:
        print(f"seconds per submission: mean {sum(seconds.values()) / len(seconds):.1f}, max {max(seconds.values()):.1f}")
    for note in summary.notes:
        print(f"  note: {note}")
    for student, refused in summary.collect_refused.items():
        print(f"  collect refused, {student} (these files were not collected; the rest was graded):")
        for line in refused:
            print(f"    {line}")
    for student, flags in summary.flagged.items():
        print(f"  flagged for review, {student} (the score stands; read the code):")
        for flag in flags:
            print(f"    {flag}")
    for student, warnings in summary.warnings.items():
        for warning in warnings:
            print(f"  warning, {student}: {warning}")
    for student, error in summary.failed.items():
        print(f"  {student}: {error}")
    for student, runs in summary.reruns.items():          # grading on a cluster
        print(f"  {student}: graded again after a worker died ({runs} more run{'s' if runs > 1 else ''})")
    for worker, reason in summary.unfit_workers.items():
        print(f"  worker not used: {reason}")
    if summary.not_on_roster:
        print("  not on the roster (not graded):", ", ".join(summary.not_on_roster))
    print("details:", json.dumps({"graded": summary.graded, "skipped": summary.skipped}))


def collect_zip(assignment: str, archive: Path, root: Path = COURSE_ROOT) -> int:
    """Collect an LMS zip into submitted/ (see autograder/intake/collect.py); 1 when anything was skipped."""
    from autograder.intake.collect import collect_zip as collect

    if not archive.is_file():
        print(f"error: {archive} does not exist", file=sys.stderr)
        return 1
    return _report_collect(collect(assignment, archive, root), assignment)


def _report_collect(report, assignment: str) -> int:
    for line in report.lines(assignment):
        print(line)
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
