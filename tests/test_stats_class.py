"""The class report after grading a real class: seven submissions of 02_linear_activation (the
instructor's solution and six fixtures of tests/submissions/leaky_relu/) graded by the sandboxed
grader, then ``python -m autograder stats``. The CSV's counts and failure rates are checked against
the gradebook read here through nbgrader's API, one submission at a time, and its top reasons
against the grader's results.json grouped here; the HTML opens in Chromium with its plots drawn."""

import csv
import io
from collections import Counter

import pytest

from autograder.coursedir.layout import layout
from autograder.coursedir.nbgrader_course import scores as gradebook_scores
from autograder.grading.grade import Limits, grade_all
from autograder.insight.reasons import group_reason
from grading import SUBMISSIONS, build_submission
from scratch import scratch_class
from test_browser import SHOTS, browser_context_args, browser_type_launch_args  # noqa: F401 (fixtures)
from test_stats import commands_in

pytestmark = pytest.mark.slow
ASSIGNMENT, NOTEBOOK = "02_linear_activation", "linear_activation.ipynb"
FIXTURES = {"solution": None, **{name: SUBMISSIONS / "leaky_relu" / f"{name}.py" for name in (
    "maximum_of_both", "ge_instead_of_gt", "loses_nan", "dtype_changed", "linear_bias_forgotten", "slope_on_positives")}}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = scratch_class(tmp_path_factory.mktemp("stats_class") / "course", [ASSIGNMENT], roster=list(FIXTURES),
                         submissions={(s, ASSIGNMENT): build_submission(ASSIGNMENT, NOTEBOOK, f) for s, f in FIXTURES.items()})
    summary = grade_all(ASSIGNMENT, root, workers=2, limits=Limits(cell_seconds=60), progress=False)
    assert sorted(summary.graded) == sorted(FIXTURES), summary
    assert commands_in(root, ["stats", ASSIGNMENT]) == 0
    return root


def test_the_csv_agrees_with_the_gradebook_and_the_results(course):
    import json

    found = {row["grade_id"]: row for row in csv.DictReader(io.StringIO(
        (course / "reports" / ASSIGNMENT / "stats.csv").read_text()))}
    per_student = {s: gradebook_scores(ASSIGNMENT, s, course) for s in FIXTURES}
    results = {s: json.loads(layout(course).results(s, ASSIGNMENT).read_text()) for s in FIXTURES}
    tests = [t["grade_id"] for t in results["solution"]["notebooks"][0]["tests"]]
    assert set(tests) < set(found) and any(float(found[g]["failure_rate"]) > 0 for g in tests)
    for grade_id in tests:
        row = found[grade_id]
        lost = [s for s in FIXTURES if per_student[s][grade_id][0] < per_student[s][grade_id][1]]
        assert (int(row["graded"]), int(row["lost_points_count"])) == (len(FIXTURES), len(lost)), grade_id
        assert float(row["failure_rate"]) == pytest.approx(len(lost) / len(FIXTURES), abs=1e-4)
        reasons = Counter(group_reason(t["reason"]) for s in lost for t in results[s]["notebooks"][0]["tests"]
                          if t["grade_id"] == grade_id and t["reason"])
        if reasons:
            top = max(reasons.values())
            assert int(row["top_reason_count"]) == top and reasons[row["top_reason"]] == top, (grade_id, reasons)
    for grade_id, row in found.items():
        if row["kind"] == "written":                    # nobody has graded them by hand: no score yet
            assert row["graded"] == "0" and row["failure_rate"] == ""


def test_the_page_opens_in_chromium_with_its_plots(course, page):
    html_path = course / "reports" / ASSIGNMENT / "stats.html"
    blocked = []
    page.on("console", lambda message: blocked.append(message.text) if message.type == "error" else None)
    page.goto(html_path.as_uri())
    assert "what the class missed" in page.locator("h1").inner_text()
    widths = page.locator("img").evaluate_all("images => images.map(i => i.complete ? i.naturalWidth : 0)")
    assert len(widths) >= 2 and all(w > 100 for w in widths), widths
    assert page.locator("table").count() >= 2
    assert blocked == [], blocked
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "class-stats.png"), full_page=True)
