"""Grading on a Dask cluster (autograder/grading/cluster.py): a real ``dask scheduler`` and real ``dask
worker`` processes on 127.0.0.1, the same scores as grading on this machine, a worker killed
mid-task, a worker without bubblewrap, an endless loop on one worker, and nothing left listening."""

import json
import shutil
import threading
import time

import pytest
from dask_cluster import LoopbackCluster, refuses_connections
from grading import SUBMISSIONS, build_submission

import autograder.grading.grade as grade
from autograder.grading.grade import Limits, grade_all, results_path
from scratch import scratch_class

# assignment → (notebook, {student: fixture, None for the instructor's solution}); each "wrong" one
# loses points (exact scores are the business of the per-assignment grading tests; here: the same
# scores on the cluster as on this machine)
ASSIGNMENTS = {
    "01_pooling": ("pooling.ipynb", {"solution": None, "wrong": SUBMISSIONS / "pooling" / "ceil_mode_off_by_one.py"}),
    "02_linear_activation": ("linear_activation.ipynb", {
        "solution": None, "wrong": SUBMISSIONS / "leaky_relu" / "maximum_of_both.py",
        "endless_loop": SUBMISSIONS / "hostile" / "endless_loop.py"}),
    "03_lenet": ("lenet.ipynb", {"solution": None, "wrong": SUBMISSIONS / "lenet" / "no_padding.py"}),
}
PAIR = ["solution", "wrong"]
BUSY_BEFORE_KILL = 0.25                     # seconds a worker has run a task when the kill tests kill it
LIMITS = Limits(cell_seconds=30, call_seconds=20, memory_bytes=3 * 1024**3)


@pytest.fixture(scope="module")
def courses(tmp_path_factory):
    """Two identical scratch courses: one graded on the cluster, one on this machine."""
    root = scratch_class(tmp_path_factory.mktemp("cluster") / "course", list(ASSIGNMENTS),
                         roster=["endless_loop", "solution", "wrong"], submissions={
        (student, assignment): build_submission(assignment, notebook, fixture)
        for assignment, (notebook, students) in ASSIGNMENTS.items() for student, fixture in students.items()})
    local = root.parent / "local"
    shutil.copytree(root, local)
    return root, local


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    with LoopbackCluster(tmp_path_factory.mktemp("dask"), workers=2) as running:
        yield running                       # shut down however the tests end


@pytest.fixture
def recorded(monkeypatch):
    """Every call of grade.record_result, in order: (student, assignment)."""
    calls, record = [], grade.record_result

    def counting(root, result, specs, summary):
        calls.append((result.student, result.assignment))
        return record(root, result, specs, summary)

    monkeypatch.setattr(grade, "record_result", counting)
    return calls


def scores(root, assignment, students):
    """{student: {(notebook, grade_id): (score, max_score, reason)}} from results.json."""
    found = {}
    for student in students:
        result = json.loads(results_path(root, student, assignment).read_text())
        found[student] = {(nb["notebook"], t["grade_id"]): (t["score"], t["max_score"], t["reason"])
                          for nb in result["notebooks"] for t in nb["tests"]}
    return found


def total(cell_scores):
    return sum(score for score, _, _ in cell_scores.values())


@pytest.mark.slow
def test_cluster_grades_as_this_machine_does(courses, cluster, recorded):
    root, local = courses
    for assignment in ASSIGNMENTS:
        on_cluster = grade_all(assignment, root, students=PAIR, limits=LIMITS, progress=False, scheduler=cluster.address)
        here = grade_all(assignment, local, students=PAIR, limits=LIMITS, progress=False, workers=2)
        for summary in (on_cluster, here):
            assert sorted(summary.graded) == PAIR and summary.failed == {}, summary
        assert on_cluster.reruns == {} and on_cluster.unfit_workers == {}
        assert scores(root, assignment, PAIR) == scores(local, assignment, PAIR)
        graded = scores(root, assignment, PAIR)
        assert total(graded["solution"]) > total(graded["wrong"])     # not, say, nothing graded at all
        for student in PAIR:
            for written in ("feedback.html", ASSIGNMENTS[assignment][0]):
                folder = "feedback" if written == "feedback.html" else "autograded"
                assert (root / folder / student / assignment / written).is_file()
    assert sorted(recorded) == sorted([(s, a) for a in ASSIGNMENTS for s in PAIR] * 2)   # cluster, here: once each


@pytest.mark.slow
def test_endless_loop_times_out_on_a_worker_without_stalling_the_others(courses, cluster, recorded):
    root, _ = courses
    assignment = "02_linear_activation"
    students = ["endless_loop", "solution"]         # sent in this order: the loop starts first
    summary = grade_all(assignment, root, students=students, force=True, limits=LIMITS, progress=False,
                        scheduler=cluster.address)
    assert sorted(summary.graded) == students and summary.failed == {} and summary.reruns == {}
    assert [student for student, _ in recorded] == ["solution", "endless_loop"]   # not held up by the loop
    graded = scores(root, assignment, students)
    assert total(graded["solution"]) > 0
    assert total(graded["endless_loop"]) == 0.0
    assert all("time limit exceeded" in reason for _, _, reason in graded["endless_loop"].values())


def _grade_killing(cluster, name: str, root, assignment: str):
    """Grade PAIR of ``assignment`` on the cluster (again) and SIGKILL worker ``name`` once it has
    been grading a task for 0.25 s (a warm grading takes about a second on an idle 2-core machine,
    longer under load; with the scheduler's saturation 1.0 a task on a worker is a task it runs);
    the summary (the test fails if the worker never graded)."""
    outcome = []
    grading = threading.Thread(target=lambda: outcome.append(grade_all(
        assignment, root, students=PAIR, force=True, limits=LIMITS, progress=False, scheduler=cluster.address)))
    grading.start()
    killed = _kill_while_grading(cluster, name, grading)
    grading.join(600)
    assert killed, f"{name} was never seen grading a task for {BUSY_BEFORE_KILL} s"
    assert not grading.is_alive(), "the run did not end after the kill"
    [summary] = outcome
    return summary


def _kill_while_grading(cluster, name: str, grading: threading.Thread) -> bool:
    with cluster.client() as client:
        address = next(a for a, w in client.scheduler_info(n_workers=-1)["workers"].items() if w["name"] == name)
        busy_since = None
        while grading.is_alive():
            busy = bool(client.processing().get(address))
            busy_since = (busy_since or time.monotonic()) if busy else None
            if busy_since and time.monotonic() - busy_since > BUSY_BEFORE_KILL:
                cluster.kill(name)
                return True
            time.sleep(0.02)
    return False


@pytest.mark.slow
def test_a_worker_killed_mid_task_loses_nothing_and_records_once(courses, cluster, recorded):
    root, local = courses
    assignment = "02_linear_activation"
    outcome = _grade_killing(cluster, "worker0", root, assignment)
    assert sorted(outcome.graded) == PAIR and outcome.failed == {}, outcome
    assert sorted(recorded) == [(s, assignment) for s in PAIR]          # each recorded exactly once
    assert sum(outcome.reruns.values()) >= 1 and set(outcome.reruns) <= set(PAIR), outcome.reruns
    assert scores(root, assignment, PAIR) == scores(local, assignment, PAIR)


@pytest.mark.slow
def test_a_worker_without_bubblewrap_fails_its_task_and_grading_goes_on(courses, cluster, recorded):
    """After the kill above, worker1 is left; a worker whose PATH has no bwrap joins it."""
    import sys
    from pathlib import Path

    root, local = courses
    assignment = "01_pooling"
    cluster.add_worker(env={"PATH": str(Path(sys.executable).parent)})
    cluster.wait_for_workers(2)
    summary = grade_all(assignment, root, students=PAIR, force=True, limits=LIMITS, progress=False,
                        scheduler=cluster.address)
    assert sorted(summary.graded) == PAIR and summary.failed == {}, summary
    [reason] = summary.unfit_workers.values()
    assert "cannot grade: bubblewrap (bwrap) is not installed" in reason, reason
    assert sorted(recorded) == [(s, assignment) for s in PAIR]
    assert scores(root, assignment, PAIR) == scores(local, assignment, PAIR)


def test_a_workers_result_is_checked_before_it_is_recorded():
    """What comes back from a worker is data: a grade of another submission, of other test cells or
    with points out of range is refused ("not graded"), an honest one passes unchanged."""
    from autograder.authoring.assignments import load_assignment
    from autograder.grading.cluster import checked
    from autograder.grading.worker import GradingJob
    from autograder.publish.results import NotebookResult, SubmissionResult, TestResult

    specs = load_assignment("02_linear_activation")
    job = GradingJob("ada", "02_linear_activation", "")
    graded = SubmissionResult("ada", job.assignment, [NotebookResult(
        spec.name, [TestResult(t.grade_id, t.points, t.points) for t in spec.tests]) for spec in specs], seconds=1.0)
    honest = graded.to_json()
    assert checked(honest, job, specs) == graded
    died = SubmissionResult.failed("ada", job.assignment, "the grading process died")
    assert checked(died.to_json(), job, specs) == died
    inflated = json.loads(json.dumps(honest))
    inflated["notebooks"][0]["tests"][0]["score"] += 1
    other_tests = json.loads(json.dumps(honest))
    other_tests["notebooks"][0]["tests"].pop()
    for bad in (inflated, other_tests, {**honest, "student": "bob"}, {**honest, "seconds": float("nan")}, [honest]):
        assert checked(bad, job, specs).error.startswith("the worker's result was refused ("), bad


@pytest.mark.slow
def test_when_every_fit_worker_is_gone_the_run_ends_with_not_graded(courses, cluster, recorded):
    """Left: worker1 (fit) and worker2 (no bwrap). worker1 is killed while it grades; the task kept
    for it and the task it ran end "not graded" (no worker can grade), the run does not hang."""
    assignment = "02_linear_activation"
    outcome = _grade_killing(cluster, "worker1", courses[0], assignment)
    assert outcome.graded == [] and sorted(outcome.failed) == PAIR, outcome
    for reason in outcome.failed.values():
        assert reason.startswith("not graded: no worker of the cluster can grade: ") and "bubblewrap" in reason
    assert sorted(recorded) == [(s, assignment) for s in PAIR]


@pytest.mark.slow
def test_the_cluster_shuts_down_and_nothing_is_left_listening(cluster):
    listening = cluster.listening()
    assert listening and all(ip == "127.0.0.1" for ip, _ in listening), listening   # loopback only
    cluster.shutdown()
    assert all(process.poll() is not None for process in cluster.processes.values())
    assert all(refuses_connections(address) for address in listening)
