"""release/ is what nbgrader generates from source/ today, and it holds no solutions or hidden tests."""

from autograder.release import leaks, stale_files


def test_release_is_current():
    stale = stale_files()
    assert stale == [], f"release/ is stale, run `.venv/bin/python -m autograder release`: {stale}"


def test_release_leaks_no_solution_or_hidden_test():
    assert leaks() == []
