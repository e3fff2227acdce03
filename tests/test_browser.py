"""The course in a real browser: JupyterLab with nbgrader, driven by Playwright in Debian's Chromium.

A JupyterLab server (127.0.0.1 only, a fresh token) is started on a scratch copy of the course and
stopped at the end. The student opens their copy of the LeakyReLU notebook in work/, runs it, sees the plots and
the failing visible tests, writes a correct answer, sees the tests pass and Validate succeed. The
instructor opens the formgrader and sees the scores of submissions graded by the pipeline.
`./kit lab` itself, on a copy of the course, shows a new student the rendered start page beside
their workspace. Screenshots of the key moments are saved in test-artifacts/browser/.
"""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from autograder import COURSE_ROOT
from autograder.grading.grade import Limits, grade_all
from kitlib.workspace import prepare
from course_copy import copy_course, kit_environment
from grading import SUBMISSIONS, build_submission, instructor_solution
from scratch import scratch_class
from lab_page import save, type_answers

pytestmark = pytest.mark.slow
CHROMIUM = "/usr/bin/chromium"
SHOTS = COURSE_ROOT / "test-artifacts" / "browser"
ASSIGNMENT, NOTEBOOK = "02_linear_activation", "linear_activation.ipynb"

if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed (./kit test installs it)", allow_module_level=True)


@pytest.fixture(scope="session")
def browser_type_launch_args():
    """pytest-playwright's launch options: Debian's Chromium, no network chatter, no GPU."""
    return {"executable_path": CHROMIUM, "headless": True,
            "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run"]}


@pytest.fixture(scope="session")
def browser_context_args():
    return {"viewport": {"width": 1400, "height": 1000}}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A scratch course: released notebooks, a roster, and two submissions graded by the pipeline."""
    root = scratch_class(tmp_path_factory.mktemp("lab") / "course", ["01_pooling", ASSIGNMENT, "03_lenet"],
                         roster=COURSE_ROOT / "students.csv", submissions={
        ("ada", ASSIGNMENT): build_submission(ASSIGNMENT, NOTEBOOK, None),
        ("alan", ASSIGNMENT): build_submission(ASSIGNMENT, NOTEBOOK, SUBMISSIONS / "hostile" / "partly_wrong.py")})
    prepare(root)                               # the student's copies in work/, as ./kit makes them
    summary = grade_all(ASSIGNMENT, root, workers=2, limits=Limits(cell_seconds=60), progress=False)
    assert sorted(summary.graded) == ["ada", "alan"]
    return root


@pytest.fixture(scope="module")
def lab(course, tmp_path_factory):
    """JupyterLab on the scratch course; yields (base URL, token); stopped afterwards."""
    settings = tmp_path_factory.mktemp("lab-settings")
    tracker = settings / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True)
    # Render every cell (not only those in view), so that the test can find their outputs.
    (tracker / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    news = settings / "@jupyterlab" / "apputils-extension"
    news.mkdir(parents=True)
    (news / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')   # no news pop-up
    port, token = _free_port(), secrets.token_hex(16)
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    env.update(JUPYTERLAB_SETTINGS_DIR=str(settings), JUPYTER_RUNTIME_DIR=str(tmp_path_factory.mktemp("runtime")),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp_path_factory.mktemp("workspaces")))   # no layout from earlier runs
    log = open(tmp_path_factory.mktemp("lab-log") / "lab.log", "w")
    server = subprocess.Popen([str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser", "--ip=127.0.0.1",
                               f"--port={port}", f"--IdentityProvider.token={token}",
                               f"--ServerApp.root_dir={course}"] + (["--allow-root"] if os.geteuid() == 0 else []),
                              cwd=course, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_lab(server, base, token, 90, log.name)
        yield base, token
    finally:
        stop(server)
        log.close()


def wait_for_lab(server: subprocess.Popen, base: str, token: str, seconds: float, log_name: str) -> None:
    """Return once the Jupyter server at ``base`` answers; fail when it ends or takes too long."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            return
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"JupyterLab did not start: see {log_name}")
            time.sleep(0.5)


def stop(server: subprocess.Popen) -> None:
    """Stop a server started with ``start_new_session=True``, and everything it started."""
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def _cell_containing(page, text):
    return page.locator(".jp-Cell", has=page.locator(".jp-InputArea", has_text=text)).first


def _run_cell(page, cell):
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")


@pytest.fixture
def shoot_on_failure(page, request):
    """Save a screenshot of the page when the test fails, to see why."""
    yield
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        _shot(page, f"FAILED-{request.node.name}")


def test_student_runs_answers_and_validates(lab, page, shoot_on_failure):
    base, token = lab
    page.set_default_timeout(120_000)
    page.goto(f"{base}/lab/tree/work/{ASSIGNMENT}/{NOTEBOOK}?token={token}")
    page.locator(".jp-Notebook").wait_for()
    # The kernel is ready once the first code cell has run and printed the device. A run asked for
    # while the page is still connecting to the new kernel can be dropped: ask again, as a user would.
    setup = _cell_containing(page, "choose_device()")
    for attempt in range(8):
        _run_cell(page, setup)
        try:
            setup.locator(".jp-OutputArea-output", has_text="computing on").wait_for(timeout=15_000)
            break
        except PlaywrightTimeout:
            if attempt == 7:
                raise
    page.locator(".lm-MenuBar-item", has_text="Run").first.click()
    page.locator(".lm-Menu-item:visible", has_text="Run All Cells").first.click()

    # Run All stops at the unanswered exercise: NotImplementedError, after the lesson's plots.
    answer = _cell_containing(page, "def leaky_relu(input")
    answer.locator(".jp-OutputArea-output", has_text="NotImplementedError").wait_for()
    assert page.locator(".jp-OutputArea-output img").count() >= 4, "the lesson's figures must render"
    page.locator(".jp-OutputArea-output img").nth(1).scroll_into_view_if_needed()
    _shot(page, "student-1-plots-rendered")

    visible = _cell_containing(page, "step 1, visible: the values are right")
    _run_cell(page, visible)
    visible.locator(".jp-OutputArea-output", has_text="NotImplementedError").wait_for()
    _shot(page, "student-2-visible-test-fails")

    # Write a correct answer (the instructor's solution), run it and the two visible tests.
    answer.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(instructor_solution(ASSIGNMENT, NOTEBOOK, "leaky_relu_answer"))
    page.keyboard.press("Shift+Enter")
    _run_cell(page, visible)
    visible.locator(".jp-OutputArea-output", has_text="step 1, visible: the values are right").wait_for()
    module_test = _cell_containing(page, "step 6, visible: LeakyReLU prints like torch's")
    _run_cell(page, module_test)
    module_test.locator(".jp-OutputArea-output", has_text="step 6, visible: LeakyReLU prints like torch's").wait_for()
    _shot(page, "student-3-visible-tests-pass")

    # The notebook's other exercises (the backward pass by hand, the written answer), then save.
    released = nbformat.read(COURSE_ROOT / "release" / ASSIGNMENT / NOTEBOOK, as_version=4)
    others = {meta["grade_id"]: instructor_solution(ASSIGNMENT, NOTEBOOK, meta["grade_id"])
              for meta in (cell.metadata.get("nbgrader", {}) for cell in released.cells)
              if meta.get("solution") and meta["grade_id"] != "leaky_relu_answer"}
    type_answers(page, released, others)
    save(page)
    page.locator(".jp-Toolbar").get_by_text("Validate", exact=True).first.click()
    page.get_by_text("Success! Your notebook passes all the tests.").wait_for(timeout=240_000)
    _shot(page, "student-4-validate-success")


def test_instructor_sees_assignments_and_graded_scores(lab, page, shoot_on_failure):
    base, token = lab
    page.set_default_timeout(60_000)
    page.goto(f"{base}/formgrader?token={token}")
    for assignment in ("01_pooling", ASSIGNMENT, "03_lenet"):
        page.get_by_text(assignment).first.wait_for()
    _shot(page, "instructor-1-formgrader-assignments")

    page.goto(f"{base}/formgrader/manage_submissions/{ASSIGNMENT}?token={token}")
    page.locator("table tbody tr", has_text="ada").first.wait_for()
    rows = [row.inner_text() for row in page.locator("table tbody tr").all()]
    ada = next(row for row in rows if "ada" in row)
    alan = next(row for row in rows if "alan" in row)
    assert "43 / 53" in ada and "40 / 53" in alan, rows   # the maximum counts the written answer
    _shot(page, "instructor-2-graded-scores")


def test_kit_lab_opens_the_rendered_start_page_beside_the_workspace(page, tmp_path, shoot_on_failure):
    """What a new student sees first: `./kit lab` (setup included) on a fresh copy of the course,
    in a browser with no Lab settings of its own."""
    root = copy_course(tmp_path / "course")
    port, token = _free_port(), secrets.token_hex(16)
    env = kit_environment(root, {"COURSE_LAB_PORT": str(port), "COURSE_LAB_TOKEN": token,
                                 "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings"),
                                 "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
                                 "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")})
    log_path = tmp_path / "kit-lab.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen([str(root / "kit"), "lab"], cwd=root, env=env, stdout=log,
                                  stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for_lab(server, f"http://127.0.0.1:{port}", token, 300, str(log_path))   # the kit's setup runs first
        printed = f"open http://127.0.0.1:{port}/lab/tree/work/START_HERE.md?token={token}"
        assert printed in log_path.read_text()
        page.set_default_timeout(60_000)
        page.goto(printed.removeprefix("open "))
        page.locator(".jp-RenderedMarkdown h1", has_text="Start here").wait_for()      # rendered, not source
        assert page.locator(".jp-FileEditor:visible").count() == 0
        listing = page.locator(".jp-DirListing-itemText")
        listing.filter(has_text="02_linear_activation").first.wait_for()
        names = set(listing.all_inner_texts())
        assert {"01_pooling", "02_linear_activation", "03_lenet", "START_HERE.md"} <= names, names
        assert not names & {"source", "autograder", "gradebook.db", "tests"}, names
        page.wait_for_timeout(3000)                        # a news pop-up would have appeared by now
        assert page.locator(".jp-toast-message, .Toastify__toast").count() == 0
        _shot(page, "first-screen-start-page-and-workspace")

        page.locator(".jp-RenderedMarkdown a", has_text="Linear layers and activations").click()
        page.locator(".jp-Notebook").first.wait_for()
        page.locator(".lm-TabBar-tab.lm-mod-current", has_text=NOTEBOOK).wait_for()
    finally:
        stop(server)
