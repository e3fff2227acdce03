"""A student's notebook in the instructor's browser: nbgrader's manual-grading view in Chromium.

Three submissions are graded by the sandboxed grader: ``hostile`` hides payloads of active content
in its markdown, outputs, attachments and metadata (tests/submissions/hostile/active_content/
hostile.py), ``schema_invalid`` hides two where nbformat's schema forbids them (nbconvert then
refuses to render it at all); ``honest`` writes the markdown a student may (a heading, a table,
LaTeX, PNGs). The
instructor, logged in, opens the manual-grading view of each (``/formgrader/submissions/<id>/``),
directly and inside JupyterLab's Formgrader tab, and clicks the payloads' links. No payload may
run: no ``window.__pwned_<n>`` marker, no terminal (``GET /api/terminals``), no dialog. What ran is
written to test-artifacts/browser/formgrader-payloads.json, with screenshots beside it. The view is
served with a Content-Security-Policy (autograder/publish/formgrader_csp.py) under which nbgrader's page
works and a script injected into it does not run. ``python -m autograder feedback`` makes nbgrader's
feedback (sanitised, no hidden tests) without losing the kit's own feedback.html.
"""

import json
import urllib.request

import pytest

from autograder.authoring.assignments import load_notebook_spec
from autograder.publish.feedback import generate_feedback
from autograder.grading.grade import Limits, grade_all
from autograder.coursedir.nbgrader_course import load_config
from grading import SUBMISSIONS, build_submission
from scratch import scratch_class
from test_sanitize import active_content
from test_browser import (ASSIGNMENT, NOTEBOOK, SHOTS, _shot, browser_context_args,  # noqa: F401 (fixtures)
                          browser_type_launch_args, lab, shoot_on_failure)

pytestmark = pytest.mark.slow
FIXTURES = SUBMISSIONS / "hostile" / "active_content"
PAYLOADS = {}
exec((FIXTURES / "hostile.py").read_text(), PAYLOADS)
PAYLOADS = {**PAYLOADS["PAYLOADS"], 18: "execution_count (schema-invalid)", 22: "cell tag with a comma (schema-invalid)"}
STUDENTS = ("hostile", "honest", "schema_invalid")
FULL = load_notebook_spec(ASSIGNMENT, NOTEBOOK).max_score           # every test cell's points
REPORT = SHOTS / "formgrader-payloads.json"


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """The scratch course of this module (``lab`` serves it): the two submissions, graded."""
    root = scratch_class(tmp_path_factory.mktemp("formgrader") / "course", [ASSIGNMENT], roster=STUDENTS, submissions={
        (student, ASSIGNMENT): build_submission(ASSIGNMENT, NOTEBOOK, FIXTURES / f"{student}.py") for student in STUDENTS})
    summary = grade_all(ASSIGNMENT, root, workers=2, limits=Limits(cell_seconds=60), progress=False)
    assert sorted(summary.graded) == sorted(STUDENTS), summary
    return root


def _submission_url(course, base, student):
    from nbgrader.api import Gradebook

    with Gradebook(load_config(course).CourseDirectory.db_url) as gradebook:
        notebook_id = gradebook.find_submission_notebook(NOTEBOOK[:-len(".ipynb")], ASSIGNMENT, student).id
    return f"{base}/formgrader/submissions/{notebook_id}/"


def _terminals(base, token):
    request = urllib.request.Request(f"{base}/api/terminals", headers={"Authorization": f"token {token}"})
    return json.loads(urllib.request.urlopen(request, timeout=10).read())


def _ran(page, frame):
    """The payload numbers whose marker is set in the page, the formgrader frame or a frame inside it."""
    found = set()
    for target in {page.main_frame, frame, *frame.child_frames}:
        try:
            keys = target.evaluate("Object.keys(window).filter(k => k.startsWith('__pwned_'))")
        except Exception:  # noqa: BLE001 - a frame that went away ran nothing more
            continue
        found |= {int(k[len("__pwned_"):]) for k in keys}
    return found


def _visit(page, frame, url):
    """Open the view in ``frame``, wait until it has settled, click the payloads' links; return
    whether nbgrader rendered the notebook (rather than its error page)."""
    frame.goto(url)
    frame.locator("body").wait_for()
    page.wait_for_timeout(1500)
    for link in frame.locator("a", has_text="pwn-link").all():
        try:
            link.click(timeout=2000)
        except Exception:  # noqa: BLE001 - a link made inert (no href) may not be clickable
            pass
        page.wait_for_timeout(300)
    page.wait_for_timeout(1500)
    return frame.locator("#notebook-container").count() > 0


@pytest.fixture(scope="module")
def record():
    """What ran in each view, written to test-artifacts/ for the closing numbers."""
    ran = {}
    yield ran
    SHOTS.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps({"payloads": PAYLOADS, "ran": ran}, indent=1))


@pytest.fixture
def console(page):
    """The text of every console message (Chromium reports each CSP violation there)."""
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    return messages


@pytest.fixture
def dialogs(page):
    """The messages of every dialog the page (or a frame in it) opened; each is dismissed."""
    opened = []
    page.on("dialog", lambda dialog: (opened.append(dialog.message), dialog.dismiss()))
    return opened


def _hostile_view(page, frame, lab, course, dialogs, record, view, student) -> list[str]:
    """Open one hostile submission's view; record what ran; return what went wrong."""
    base, token = lab
    before, seen = _terminals(base, token), len(dialogs)
    rendered = _visit(page, frame, _submission_url(course, base, student))
    ran = _ran(page, frame)
    terminals = _terminals(base, token)
    _shot(page, f"formgrader-{view}-{student}")
    record[f"{view} {student}"] = {"rendered": rendered, "ran": {n: PAYLOADS[n] for n in sorted(ran)},
                                   "dialogs": len(dialogs) - seen, "terminals_opened": len(terminals) - len(before)}
    problems = [f"{view} {student}: payload {n} ran ({PAYLOADS[n]})" for n in sorted(ran)]
    if len(terminals) > len(before) or len(dialogs) > seen:
        problems.append(f"{view} {student}: terminals {terminals}, dialogs {dialogs[seen:]}")
    marker = {"hostile": "Payload 13", "schema_invalid": "Payload 22"}[student]
    if not rendered or frame.get_by_text(marker).count() != 1:    # the student's cells are there, inert
        problems.append(f"{view} {student}: the formgrader did not show the notebook")
    return problems


def _check_policy(page, frame, console, url):
    """The view is served with a policy without 'unsafe-inline' scripts; nbgrader's own page works
    under it (no violation reported, its script filled in the scores); an injected script and
    event handler do not run."""
    header = page.request.get(url).headers.get("content-security-policy", "")
    script_src = next(d for d in header.split(";") if d.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src, header
    assert [m for m in console if "Content Security Policy" in m] == []
    frame.locator("input.score").first.wait_for()
    frame.wait_for_function("() => [...document.querySelectorAll('input.score')].some(i => i.placeholder || i.value)")
    frame.evaluate("""() => {
        const script = document.createElement('script');
        script.textContent = 'window.__csp_probe_script = 1';
        document.body.appendChild(script);
        const div = document.createElement('div');
        div.innerHTML = '<img src="data:," onerror="window.__csp_probe_handler = 1">';
        document.body.appendChild(div);
    }""")
    page.wait_for_timeout(500)
    assert frame.evaluate("() => [window.__csp_probe_script, window.__csp_probe_handler]") == [None, None]
    assert any("Content Security Policy" in m for m in console)          # blocked, and said so


def _check_honest_view(page, frame, lab, course, view, console):
    base, _ = lab
    url = _submission_url(course, base, "honest")
    frame.goto(url)
    frame.locator("#notebook-container").first.wait_for()
    frame.get_by_role("heading", name="Honest answer heading").wait_for()
    table = frame.locator("table", has_text="slope below 0")
    assert table.locator("tr").count() == 3
    html = frame.locator("#notebook-container").first.inner_html()
    assert "x^2" in html and "\\frac{d}{dx}" in html                   # the LaTeX, for MathJax
    for alt in ("data-uri-png", "attachment-png"):
        image = frame.locator(f"img[alt='{alt}']")
        image.wait_for()
        assert image.evaluate("img => img.complete && img.naturalWidth") == 20, alt
    assert frame.locator(".output_png img").last.evaluate("img => img.naturalWidth") == 20
    frame.locator("a", has_text="the torch docs").wait_for()
    assert "pytorch.org" in frame.locator("a", has_text="the torch docs").get_attribute("href")
    frame.get_by_role("heading", name="Honest answer heading").scroll_into_view_if_needed()
    _shot(page, f"formgrader-{view}-honest")
    _check_policy(page, frame, console, url)


def test_direct_view_runs_no_student_code(lab, course, page, dialogs, console, record, shoot_on_failure):
    base, token = lab
    page.set_default_timeout(60_000)
    page.goto(f"{base}/formgrader?token={token}")           # logs the instructor in (cookie)
    page.get_by_text(ASSIGNMENT).first.wait_for()
    problems = [problem for student in ("hostile", "schema_invalid")
                for problem in _hostile_view(page, page.main_frame, lab, course, dialogs, record, "direct", student)]
    assert problems == []
    _check_honest_view(page, page.main_frame, lab, course, "direct", console)


def test_jupyterlab_formgrader_tab_runs_no_student_code(lab, course, page, dialogs, console, record,
                                                        shoot_on_failure):
    base, token = lab
    page.set_default_timeout(60_000)
    page.goto(f"{base}/lab?token={token}")
    page.locator(".lm-MenuBar-item", has_text="Nbgrader").first.click()
    page.locator(".lm-Menu-item:visible", has_text="Formgrader").first.click()
    iframe = page.locator("#formgrader-iframe iframe")
    iframe.wait_for()
    frame = iframe.element_handle().content_frame()
    frame.get_by_text(ASSIGNMENT).first.wait_for()
    assert _hostile_view(page, frame, lab, course, dialogs, record, "jupyterlab", "hostile") == []
    _check_honest_view(page, frame, lab, course, "jupyterlab", console)


def test_feedback_is_sanitised_has_no_hidden_tests_and_keeps_the_kit_report(course):
    written, failed = generate_feedback(course, ASSIGNMENT)
    assert failed == {} and len(written) == len(STUDENTS)
    for student in STUDENTS:
        folder = course / "feedback" / student / ASSIGNMENT
        assert {"feedback.html", NOTEBOOK.replace(".ipynb", ".html")} <= {p.name for p in folder.iterdir()}
        assert f"{FULL:g} / {FULL:g}" in (folder / "feedback.html").read_text()
        page = (folder / NOTEBOOK.replace(".ipynb", ".html")).read_text()
        assert [found for found in active_content(page) if "pwned" in found] == []
        for hidden_fragment in ("BEGIN HIDDEN", "_random_values", "_expected("):
            assert hidden_fragment not in page
    assert "Payload 13" in (course / "feedback" / "hostile" / ASSIGNMENT / NOTEBOOK.replace(".ipynb", ".html")).read_text()

