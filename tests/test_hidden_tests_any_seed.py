"""The grader draws the hidden tests' inputs per submission (``GRADING_SEED``, issue 14 §2): with
other seeds too, every test cell still passes with torch's own functions as the student's."""

import pytest

import test_hidden_tests_agree_with_torch as agree
from autograder.authoring import notebook_code


@pytest.mark.slow
@pytest.mark.parametrize("seed", [424242])
@pytest.mark.parametrize("assignment,notebook", sorted(agree.TORCH_STANDS_IN))
def test_hidden_tests_agree_with_torch_for_other_seeds(assignment, notebook, seed, monkeypatch, tmp_path):
    def cells_with_seed(*args, **kwargs):
        return [({}, f"GRADING_SEED = {seed}")] + notebook_code.code_cells(*args, **kwargs)

    monkeypatch.setattr(agree, "code_cells", cells_with_seed)
    agree.test_every_test_cell_passes_with_torch_as_the_student(assignment, notebook, monkeypatch, tmp_path)
