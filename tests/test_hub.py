"""A whole class on one server: the course's JupyterHub, real accounts, nbgrader's exchange, Chromium.

As root on Linux, the module creates three throwaway Unix accounts (an instructor and students A
and B, removed afterwards whatever happens), sets the class up as ``./kit hub`` does (hub/), and
starts JupyterHub on free loopback ports. Then, in Chromium: the instructor releases
02_linear_activation from the formgrader; A logs in with a password, fetches it in the Assignments
tab, writes the correct answer, validates and submits; B submits a wrong answer. B cannot list the
inbox nor read A's submission or A's home (checked as B, at the file level). The instructor collects
(formgrader), grades with the sandboxed ``python -m autograder grade`` (as the instructor, in a
terminal's stead) and releases feedback (formgrader); A fetches the feedback and sees full marks
(16 / 16 when this was written), B sees its score (12 / 16) and the reasons. A wrong password does not log in. At the end the hub is stopped and
nothing of it runs or listens. Screenshots: test-artifacts/hub/.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from autograder import COURSE_ROOT

if not sys.platform.startswith("linux") or os.geteuid() != 0:
    pytest.skip("the hub test creates Unix accounts and runs JupyterHub's local spawner: it needs root on Linux",
                allow_module_level=True)

from grading import SUBMISSIONS, fixture_answers  # noqa: E402
from lab_page import save, type_answers  # noqa: E402
from hub import Settings, accounts  # noqa: E402
from hub.__main__ import (LOCAL_PROXY, _record_passwords, jupyterhub_command, jupyterhub_env,  # noqa: E402
                           prepare_class)
from hub.exchange import REFUSED_NOTE  # noqa: E402
from test_browser import (ASSIGNMENT, NOTEBOOK, _cell_containing, _free_port,  # noqa: E402,F401 (fixtures)
                          browser_context_args, browser_type_launch_args)

pytestmark = pytest.mark.slow
SHOTS = COURSE_ROOT / "test-artifacts" / "hub"
WRONG = SUBMISSIONS / "hostile" / "partly_wrong.py"       # max(x, slope·x): 22 of 25 points

if not LOCAL_PROXY.exists() and not shutil.which("configurable-http-proxy"):
    pytest.fail("configurable-http-proxy (npm) is missing: ./kit test installs it", pytrace=False)


class Hub:
    """The running hub of this module: its settings, accounts, passwords and process."""

    def __init__(self, settings: Settings, names: dict[str, str], passwords: dict[str, str],
                 process: subprocess.Popen, log: Path):
        self.settings, self.names, self.passwords, self.process, self.log = settings, names, passwords, process, log
        self.base = f"http://127.0.0.1:{settings.port}"

    @property
    def accounts(self) -> list[str]:
        return [self.settings.instructor] + self.settings.students

    def ports(self) -> list[int]:
        s = self.settings
        return [s.port, s.hub_port, s.proxy_api_port]

    def stop(self) -> None:
        """SIGTERM to the hub (it stops the proxy and everyone's server), then make sure."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def as_instructor(self, *argv: str, timeout: float = 600) -> subprocess.CompletedProcess:
        """A command in the instructor's course directory, as the instructor (what their terminal runs)."""
        return accounts.run_as(self.settings.instructor, list(argv), cwd=self.settings.course_dir(),
                               env={"PATH": f"{self.settings.venv / 'bin'}:/usr/bin:/bin",
                                    "COURSE_DATA_DIR": str(self.settings.data)}, check=False, timeout=timeout)


def _command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")[:300]
    except OSError:
        return "(gone)"


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def _lab_settings(name: str) -> None:
    """Render every cell (so the test finds outputs) and no news pop-up, in the account's own settings."""
    settings = accounts.home(name) / ".jupyter" / "lab" / "user-settings" / "@jupyterlab"
    for plugin, text in (("notebook-extension/tracker", '{"windowingMode": "none"}'),
                         ("apputils-extension/notification", '{"fetchNews": "false"}')):
        path = settings / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    subprocess.run(["chown", "-R", f"{name}:{name}", str(accounts.home(name) / ".jupyter")], check=True)


LEFTOVERS = "throwaway-accounts.txt"        # in the module's folder: what a killed run left behind


def _process_id(pid: int) -> str:
    """The process's id and start time (ids are reused; the pair is not); "" when it is gone."""
    try:
        return f"{pid} {Path(f'/proc/{pid}/stat').read_text().rsplit(')', 1)[1].split()[19]}"
    except (FileNotFoundError, IndexError):
        return ""


def _remove_leftovers_of_killed_runs() -> None:
    """A run killed before its finalizers ran left its folder: stop its hub, delete its accounts.
    A folder whose test process still runs (another run, at the same time) is left alone."""
    for listing in Path(tempfile.gettempdir()).glob(f"course-hub-*/{LEFTOVERS}"):
        owner = listing.read_text().splitlines()[0]
        if not owner.replace(" ", "").isdigit() or _process_id(int(owner.split()[0])) == owner:
            continue
        for pid_file in (listing.parent / "hub.pid", listing.parent / "state" / "jupyterhub-proxy.pid"):
            try:
                pid = int(pid_file.read_text())
                if str(listing.parent).encode() in Path(f"/proc/{pid}/environ").read_bytes():   # not a reused id
                    os.kill(pid, signal.SIGKILL)
            except (FileNotFoundError, ProcessLookupError, ValueError):
                pass
        for name in listing.read_text().splitlines()[1:]:
            accounts.remove(name)
        shutil.rmtree(listing.parent, ignore_errors=True)


@pytest.fixture(scope="module")
def hub(request, system_copy):
    _remove_leftovers_of_killed_runs()
    tag = secrets.token_hex(3)
    names = {"instructor": f"hubi{tag}", "a": f"hubsa{tag}", "b": f"hubsb{tag}"}
    base = Path(tempfile.mkdtemp(prefix="course-hub-"))
    os.chmod(base, 0o755)                       # the accounts reach the exchange inside
    (base / LEFTOVERS).write_text("\n".join([_process_id(os.getpid()), *names.values()]))
    running: list[Hub] = []

    def clean_up():
        for started in running:
            started.stop()
            SHOTS.mkdir(parents=True, exist_ok=True)
            shutil.copy(started.log, SHOTS / "jupyterhub.log")        # the hub's log, beside the screenshots
        for name in names.values():
            accounts.remove(name)
        shutil.rmtree(base, ignore_errors=True)

    request.addfinalizer(clean_up)              # registered first: runs even if the set-up fails half-way
    roster = base / "roster.csv"
    roster.write_text("id,first_name,last_name,email\n" + "".join(f"{names[k]},Student,{k.upper()},\n" for k in ("a", "b")))
    settings = Settings(state=base / "state", exchange=base / "exchange", instructor=names["instructor"],
                        students=[names["a"], names["b"]], port=_free_port(), hub_port=_free_port(),
                        proxy_api_port=_free_port(), prefix=system_copy,
                        proxy=str(LOCAL_PROXY) if LOCAL_PROXY.exists() else shutil.which("configurable-http-proxy"))
    passwords = {name: secrets.token_urlsafe(12) for name in names.values()}
    assert prepare_class(settings, roster, passwords) == passwords
    _record_passwords(settings.state, passwords)                # as ./kit hub does
    sandbox = accounts.run_as(settings.instructor, ["bwrap", "--unshare-all", "--ro-bind", "/", "/", "true"], check=False)
    if sandbox.returncode != 0:
        pytest.fail(f"bubblewrap does not run for an account other than root here ({sandbox.stderr.strip()}): "
                    "unprivileged user namespaces are off (Ubuntu 24.04: sysctl kernel.apparmor_restrict_unprivileged_userns=0)")
    for name in names.values():
        _lab_settings(name)
    log = base / "jupyterhub.log"
    process = subprocess.Popen(jupyterhub_command(settings), cwd=settings.state, env=jupyterhub_env(settings),
                               stdout=open(log, "w"), stderr=subprocess.STDOUT, start_new_session=True)
    (base / "hub.pid").write_text(str(process.pid))
    started = Hub(settings, names, passwords, process, log)
    running.append(started)
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(f"{started.base}/hub/api", timeout=2)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"JupyterHub did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
    return started


@pytest.fixture(scope="module")
def people(hub, browser, browser_context_args):
    """One browser context (cookie jar) per person. Every test of this module asks for it, even one
    that opens no page: pytest-playwright parametrizes the tests that use the browser ([chromium]) and
    pytest runs those as one group, across modules; a test of this module outside that group would
    run at another time, with a new hub that has not seen the class flow it checks."""
    contexts = {key: browser.new_context(**browser_context_args) for key in ("instructor", "a", "b")}
    pages = {key: context.new_page() for key, context in contexts.items()}
    for page in pages.values():
        page.set_default_timeout(120_000)
    yield pages
    for key, page in pages.items():
        _shot(page, f"last-{key}")
        contexts[key].close()


@pytest.fixture
def shots_on_failure(people, request):
    """Everyone's page as it was when the test failed."""
    yield
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        for key, page in people.items():
            _shot(page, f"FAILED-{key}")


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        page.screenshot(path=str(SHOTS / f"{name}.png"))
    except Exception:  # noqa: BLE001 - a screenshot is a record, never a failure
        pass


def _log_in(page, hub, name, password):
    page.goto(f"{hub.base}/hub/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", password)
    page.locator("input[type=submit], button[type=submit]").first.click()


def _log_in_to_lab(page, hub, key):
    name = hub.names[key]
    _log_in(page, hub, name, hub.passwords[name])
    page.wait_for_url(f"**/user/{name}/lab**", timeout=180_000)
    page.locator(".jp-LauncherCard").first.wait_for()


def _assignments_tab(page):
    page.locator(".lm-MenuBar-item", has_text="Nbgrader").click()
    page.locator(".lm-Menu-item:visible", has_text="Assignment List").click()
    page.locator("#released_assignments_list").wait_for()


def _move(page, key, button, source, target, shot):
    """Click the assignment's button in one list of the Assignments tab; wait for it in the next."""
    _assignments_tab(page)
    page.locator(f"#{source}_assignments_list .list_item", has_text=ASSIGNMENT).get_by_role("button", name=button).click()
    page.locator(f"#{target}_assignments_list .list_item", has_text=ASSIGNMENT).wait_for()
    _shot(page, f"{key}-{shot}")


def _answer(page, hub, key, answers: dict[str, str]):
    """Open the fetched notebook and type every answer (code and written), in notebook order; save."""
    page.goto(f"{hub.base}/user/{hub.names[key]}/lab/tree/{ASSIGNMENT}/{NOTEBOOK}")
    page.locator(".jp-Notebook").wait_for()
    released = nbformat.read(COURSE_ROOT / "release" / ASSIGNMENT / NOTEBOOK, as_version=4)
    type_answers(page, released, answers)
    save(page)
    _shot(page, f"{key}-3-answered")
    saved = nbformat.read(accounts.home(hub.names[key]) / ASSIGNMENT / NOTEBOOK, as_version=4)
    typed = {c.metadata.get("nbgrader", {}).get("grade_id"): c.source.strip() for c in saved.cells}
    assert all(typed.get(grade_id) == code.strip() for grade_id, code in answers.items()), "every answer saved as typed"


def _formgrader_action(page, hub, action, success):
    """Click an assignment's action in the formgrader's Manage Assignments; wait for its success."""
    page.goto(f"{hub.base}/user/{hub.settings.instructor}/formgrader")
    row = page.locator("tr", has_text=ASSIGNMENT)
    row.locator(f"td.{action} a").click()
    page.locator("#success-modal, #error-modal").wait_for()
    text = page.locator("#success-modal, #error-modal").inner_text()
    _shot(page, f"instructor-{action}")
    assert success in text, text


def _feedback(page, hub, key):
    """Fetch the feedback in the Assignments tab, open it from the folder it lands in; return its text."""
    _assignments_tab(page)
    page.locator("#refresh_assignments_list").click()     # the tab lists the exchange when it refreshes
    submitted = page.locator("#submitted_assignments_list")
    submitted.get_by_text("(feedback available to fetch)").first.wait_for()
    _shot(page, f"{key}-6-feedback-available")
    submitted.get_by_role("button", name="Fetch Feedback").first.click()
    submitted.get_by_text("(view feedback)").first.click()
    page.locator(".jp-DirListing-item", has_text=NOTEBOOK.replace(".ipynb", ".html")).dblclick()
    frame = page.frame_locator(".jp-HTMLViewer iframe").first
    frame.locator("body").wait_for()
    text = frame.locator("body").inner_text()
    _shot(page, f"{key}-7-feedback")
    return text


def _score(results: dict) -> tuple[float, float]:
    """(score, maximum) of a submission's autograded tests."""
    tests = [t for nb in results["notebooks"] for t in nb["tests"]]
    return sum(t["score"] for t in tests), sum(t["max_score"] for t in tests)


def _reasons(results: dict) -> list[str]:
    """The reasons of a submission's tests that lost points (a failing assert shows why)."""
    return [f"{t['grade_id']}: {t['reason']}" for nb in results["notebooks"] for t in nb["tests"]
            if t["score"] < t["max_score"]]


def _results(hub, key) -> dict:
    path = hub.settings.course_dir() / "autograded" / hub.names[key] / ASSIGNMENT / "results.json"
    return json.loads(path.read_text())


def test_wrong_password_does_not_log_in(hub, people):
    page = people["b"]
    _log_in(page, hub, hub.names["b"], hub.passwords[hub.names["b"]] + "x")
    page.get_by_text("Invalid username or password").wait_for()
    _shot(page, "0-wrong-password")
    assert "/hub/login" in page.url
    assert accounts.processes(hub.names["b"]) == [], "no server may start for a failed login"


def test_class_releases_submits_grades_and_returns_feedback(hub, people, shots_on_failure):
    inst, a, b = people["instructor"], people["a"], people["b"]

    # The instructor releases the assignment from the formgrader (in their JupyterLab's nbgrader menu).
    _log_in_to_lab(inst, hub, "instructor")
    inst.locator(".lm-MenuBar-item", has_text="Nbgrader").click()
    assert "Formgrader" in " ".join(inst.locator(".lm-Menu-item:visible").all_inner_texts())
    _shot(inst, "instructor-0-lab")
    inst.keyboard.press("Escape")
    _formgrader_action(inst, hub, "release", f"Successfully released '{ASSIGNMENT}'")

    # A: log in, fetch, answer correctly, validate, submit.
    _log_in_to_lab(a, hub, "a")
    _shot(a, "a-1-logged-in")
    a.locator(".lm-MenuBar-item", has_text="Nbgrader").click()
    menu = a.locator(".lm-Menu-item:visible").all_inner_texts()
    assert any("Assignment List" in item for item in menu) and not any("Formgrader" in item for item in menu), menu
    a.keyboard.press("Escape")
    assert a.request.get(f"{hub.base}/user/{hub.names['a']}/formgrader").status == 404, "a student has no formgrader"
    _move(a, "a", "Fetch", "released", "fetched", "2-fetched")
    _answer(a, hub, "a", fixture_answers(ASSIGNMENT, NOTEBOOK, None))      # the instructor's solutions
    a.locator(".jp-Toolbar").get_by_text("Validate", exact=True).first.click()
    result = a.locator(".jp-Dialog", has_text="Validation Results")
    result.wait_for(timeout=300_000)
    _shot(a, "a-4-validated")
    assert "Success! Your notebook passes all the tests." in result.inner_text(), result.inner_text()
    a.keyboard.press("Escape")
    _move(a, "a", "Submit", "fetched", "submitted", "5-submitted")

    # B: a wrong answer, submitted.
    _log_in_to_lab(b, hub, "b")
    _move(b, "b", "Fetch", "released", "fetched", "2-fetched")
    _answer(b, hub, "b", fixture_answers(ASSIGNMENT, NOTEBOOK, WRONG))
    _move(b, "b", "Submit", "fetched", "submitted", "5-submitted")

    # B cannot see A's work: not the inbox's listing, not A's submission by its path, not A's home.
    inbound = hub.settings.exchange / "cnn-layers" / "inbound"
    a_submission = next(inbound.glob(f"{hub.names['a']}+{ASSIGNMENT}+*"))
    for argv in (["ls", str(inbound)], ["cat", str(a_submission / NOTEBOOK)],
                 ["cat", str(a_submission / "submission_secret.txt")],
                 ["cat", str(accounts.home(hub.names["a"]) / ASSIGNMENT / NOTEBOOK)]):
        run = accounts.run_as(hub.names["b"], argv, check=False)
        assert run.returncode != 0 and "Permission denied" in run.stderr, (argv, run.stdout[:200], run.stderr)
    assert accounts.run_as(hub.settings.instructor, ["cat", str(a_submission / NOTEBOOK)]).returncode == 0

    # The instructor collects (formgrader), grades with the sandboxed grader, releases the feedback.
    _formgrader_action(inst, hub, "collect", f"Successfully collected submissions of '{ASSIGNMENT}'")
    grading = hub.as_instructor(str(hub.settings.venv / "bin" / "python"), "-m", "autograder", "grade", ASSIGNMENT)
    assert grading.returncode == 0, grading.stdout + grading.stderr
    assert "graded 2, failed 0" in grading.stdout, grading.stdout
    assert "grading cold" not in grading.stderr, grading.stderr            # the warm sandboxes work here too
    (a_score, a_max), (b_score, b_max) = (_score(_results(hub, key)) for key in ("a", "b"))
    assert a_score == a_max > 0, ("the instructor's solution earns every point (16 / 16 when this was written)",
                                  _reasons(_results(hub, "a")))
    assert b_score < b_max == a_max, "max(x, slope·x) loses the slopes points (22 / 25 when this was written)"
    inst.goto(f"{hub.base}/user/{hub.settings.instructor}/formgrader/manage_submissions/{ASSIGNMENT}")
    inst.locator("table tbody tr", has_text=hub.names["a"]).first.wait_for()
    _shot(inst, "instructor-graded-scores")
    rows = inst.locator("table tbody tr").all_inner_texts()
    # (the formgrader's maximum also counts the written answer, left for manual grading)
    assert any(hub.names["a"] in row and re.search(rf"\b{a_score:g}(\.0+)? / ", row) for row in rows), rows
    assert any(hub.names["b"] in row and re.search(rf"\b{b_score:g}(\.0+)? / ", row) for row in rows), rows
    _formgrader_action(inst, hub, "release-feedback", f"Successfully released feedback of '{ASSIGNMENT}'")

    # A sees full marks; B sees its score and why each point was lost.
    assert f"{a_score:g} / {a_max:g}" in _feedback(a, hub, "a")
    text_b = _feedback(b, hub, "b")
    assert f"{b_score:g} / {b_max:g}" in text_b
    reasons = [t["reason"] for nb in _results(hub, "b")["notebooks"] for t in nb["tests"] if t["score"] < t["max_score"]]
    assert reasons and all(reason.split("\n")[0][:60] in text_b for reason in reasons), (reasons, text_b)


def _solution_lines() -> list[str]:
    """Lines of the instructor's solutions and hidden tests that students are not given: neither in
    the release nor in the lesson code of the ``course`` package (d2l's LeNet-5 is taught there, and
    the LeNet exercise generalises it, so a few layer lines are the same)."""
    released = "".join(p.read_text() for p in (COURSE_ROOT / "release").glob("*/*.ipynb"))
    released += "".join(json.dumps(p.read_text()) for p in (COURSE_ROOT / "course").rglob("*.py"))
    lines = set()
    for path in (COURSE_ROOT / "source").glob("*/*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("solution") or "BEGIN HIDDEN TESTS" in cell.source:
                lines |= {line.strip() for line in cell.source.splitlines()
                          if len(line.strip()) >= 30 and json.dumps(line.strip())[1:-1] not in released}
    return sorted(lines)


def test_a_student_reaches_nothing_private(hub, people):
    """From a student's account (what their terminal or kernel can do): every private thing refused."""
    s, student, other = hub.settings, hub.names["b"], hub.names["a"]
    course = s.course_dir()
    inbound = s.exchange / "cnn-layers" / "inbound"
    others_submission = next(inbound.glob(f"{other}+*"), None)
    assert others_submission is not None, "no submission of A's in the inbound: the class flow (the test before) leaves one there"
    private_reads = [COURSE_ROOT / "source" / "01_pooling" / "pooling.ipynb",
                     COURSE_ROOT / "source" / ASSIGNMENT / NOTEBOOK, COURSE_ROOT / "gradebook.db",
                     course / "source" / "01_pooling" / "pooling.ipynb", course / "source" / ASSIGNMENT / NOTEBOOK,
                     course / "gradebook.db", s.state / "initial-passwords.csv", s.state / "jupyterhub_cookie_secret",
                     accounts.home(other) / ASSIGNMENT / NOTEBOOK, others_submission / NOTEBOOK,
                     others_submission / "submission_secret.txt"]
    for path in private_reads:
        assert path.exists(), f"{path}: the probe needs it to exist"
        run = accounts.run_as(student, ["cat", str(path)], check=False)
        assert run.returncode != 0 and "Permission denied" in run.stderr, (path, run.stdout[:200], run.stderr)
    for folder in (COURSE_ROOT, course, s.state, inbound, accounts.home(other)):
        run = accounts.run_as(student, ["ls", str(folder)], check=False)
        assert run.returncode != 0 and "Permission denied" in run.stderr, (folder, run.stdout[:200], run.stderr)

    # Nothing of the solutions in the system copy the student runs (the one place they may read all of).
    from hub.install import installed_hub

    patterns = hub.settings.state.parent / "solution-lines.txt"
    patterns.write_text("\n".join(_solution_lines()) + "\n")
    patterns.chmod(0o644)
    assert len(_solution_lines()) >= 10
    found = accounts.run_as(student, ["grep", "-rIlF", "-f", str(patterns), str(s.prefix)], check=False, timeout=300)
    assert found.returncode in (0, 1) and found.stderr == "", found.stderr[:2000]
    # torch's own code has lines like an honest answer's (`torch.where(x > 0, x, ...)`): a hit in a file
    # that pip installed from a wheel (listed in a RECORD) is torch's, not a copy of the solutions.
    site = installed_hub(s.prefix).parent
    from_wheels = {os.path.normpath(site / line.split(",")[0]) for record in site.glob("*.dist-info/RECORD")
                   for line in record.read_text().splitlines()}
    leaks = [hit for hit in found.stdout.splitlines() if os.path.normpath(hit) not in from_wheels]
    assert leaks == [], leaks
    from hub.install import _tree_digest

    assert _tree_digest(installed_hub(s.prefix).parent / "course") == _tree_digest(COURSE_ROOT / "course"), \
        "the installed course package is the repository's, nothing added"
    course_notebooks = accounts.run_as(student, ["find", str(s.prefix), "-name", "*.ipynb", "-path", "*course*"],
                                       check=False)
    assert course_notebooks.stdout == "", course_notebooks.stdout

    # No writing into what other accounts run or read.

    python = Path(os.path.realpath("/usr/bin/python3"))
    stdlib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])"],
                            capture_output=True, text=True, check=True).stdout.strip()
    targets = [python.parent / "probe", Path(stdlib) / "probe.py",
               s.venv / "bin" / "probe", installed_hub(s.prefix).parent / "probe.pth", s.prefix / "data" / "probe",
               installed_hub(s.prefix) / "probe.py", others_submission / "probe", inbound.parent / "outbound" / "probe",
               inbound.parent / "feedback" / "probe", inbound.parent / "probe", course / "probe", COURSE_ROOT / "probe"]
    for target in targets:
        run = accounts.run_as(student, ["touch", str(target)], check=False)
        assert run.returncode != 0 and not target.exists(), (target, run.stderr)
    for existing in (installed_hub(s.prefix) / "exchange.py", s.venv / "bin" / "python", python):
        run = accounts.run_as(student, ["sh", "-c", f"echo x >> '{existing}'"], check=False)
        assert run.returncode != 0 and "Permission denied" in run.stderr, (existing, run.stderr)
    # The control: the student writes their own home.
    assert accounts.run_as(student, ["touch", str(accounts.home(student) / "mine.txt")]).returncode == 0


def test_a_link_in_an_inbound_submission_is_refused_by_name(hub, people):
    """A student's submission that links to the instructor's notebook: refused at collect, named in
    collect's output and in the grader's summary; the instructor's solution is never graded as theirs."""
    student = hub.names["b"]
    folder = hub.settings.exchange / "cnn-layers" / "inbound" / f"{student}+{ASSIGNMENT}+2099-01-01 00:00:00.000000 UTC+link"
    target = hub.settings.course_dir() / "source" / ASSIGNMENT / NOTEBOOK
    made = accounts.run_as(student, ["sh", "-c", f"mkdir '{folder}' && cd '{folder}' && ln -s '{target}' {NOTEBOOK} "
                                                 f"&& echo '2099-01-01 00:00:00.000000 UTC' > timestamp.txt"], check=False)
    assert made.returncode == 0, made.stderr
    nbgrader = str(hub.settings.venv / "bin" / "nbgrader")
    collect = hub.as_instructor(nbgrader, "collect", "--update", ASSIGNMENT)
    assert collect.returncode == 0, collect.stdout + collect.stderr
    assert f"Not collected from {student}: {NOTEBOOK}: a symbolic link" in collect.stderr, collect.stderr
    collected = hub.settings.course_dir() / "submitted" / student / ASSIGNMENT
    assert not (collected / NOTEBOOK).exists()
    assert (collected / REFUSED_NOTE).is_file()
    grading = hub.as_instructor(str(hub.settings.venv / "bin" / "python"), "-m", "autograder", "grade", ASSIGNMENT,
                                "--force")
    assert f"collect refused, {student}" in grading.stdout and f"{NOTEBOOK}: a symbolic link" in grading.stdout, \
        grading.stdout + grading.stderr
    results = hub.settings.course_dir() / "autograded" / student / ASSIGNMENT / "results.json"
    if results.exists():
        assert _score(json.loads(results.read_text()))[0] == 0, "nothing of the instructor's notebook is graded"


def test_stopping_the_hub_leaves_nothing_running(hub, people):
    hub.stop()
    assert hub.process.returncode is not None
    deadline = time.monotonic() + 20           # a kernel that is being shut down may take a few seconds
    while any(accounts.processes(name) for name in hub.accounts) and time.monotonic() < deadline:
        time.sleep(0.5)
    for name in hub.accounts:
        left = {pid: _command_line(pid) for pid in accounts.processes(name)}
        assert left == {}, f"{name} still runs processes: {left}"
    for port in hub.ports():
        assert not _listening(port), f"127.0.0.1:{port} still listens"
    pid_file = hub.settings.state / "jupyterhub-proxy.pid"
    if pid_file.exists():
        assert not Path(f"/proc/{pid_file.read_text().strip()}").exists(), "the proxy still runs"
