"""release/ is what nbgrader generates from source/ today, and it holds no solutions or hidden tests."""

from autograder.authoring.release import leaks, stale_files


def test_release_is_current():
    stale = stale_files()
    assert stale == [], f"release/ is stale, run `.venv/bin/python -m autograder release`: {stale}"


def test_release_leaks_no_solution_or_hidden_test():
    assert leaks() == []


def test_no_released_cell_is_blank_and_every_hidden_test_is_explained():
    """A student never meets an empty locked cell: where nbgrader removed a hidden test, one line
    says that more tests run at grading time and how a self-learner runs them."""
    import json

    from autograder import COURSE_ROOT
    from autograder.authoring.hidden_test_note import hidden_test_note

    for source in sorted((COURSE_ROOT / "source").glob("*/*.ipynb")):
        released = json.loads((COURSE_ROOT / "release" / source.parent.name / source.name).read_text())["cells"]
        hidden = {c["metadata"]["nbgrader"]["grade_id"]: c["metadata"]["nbgrader"].get("points", 0)
                  for c in json.loads(source.read_text())["cells"]
                  if "BEGIN HIDDEN TESTS" in "".join(c["source"])}
        assert hidden, f"{source.name}: the course's notebooks all have hidden tests"
        for cell in released:
            text = "".join(cell["source"])
            grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
            assert text.strip(), f"{source.parent.name}/{source.name}: cell {cell.get('id')} ({grade_id}) is blank"
            if grade_id in hidden:
                assert hidden_test_note(source.parent.name, hidden[grade_id]) in text, grade_id
