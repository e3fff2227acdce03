"""Each graded function's rule is read from its answer cell's metadata (``course.rules``), not
from a table of assignment names: a new assignment needs no change to the grader, and a defined
name without a rule stops the instructor at once."""

import nbformat
import pytest

from autograder.authoring.assignments import RULES_KEY, answer_rules, load_assignment
from autograder.coursedir.layout import layout
from course.rules import EXERCISES


def test_every_answer_cell_of_every_assignment_names_the_rules_of_its_functions():
    found = {}
    for assignment in layout(".").assignments():
        for spec in load_assignment(assignment):
            assert spec.answers, spec.name
            for cell in spec.answers:
                assert set(cell.rules) == set(cell.names), cell.grade_id
            found.update({name: rule.name for name, rule in spec.rules.items()})
    assert found["max_pool2d"] == "pooling" and found["linear_backward"] == "linear_backward"
    assert found["cross_entropy_backward"] == "cross_entropy_backward" and "lenet5_for" not in found   # null: any op
    assert set(found.values()) == set(EXERCISES)           # every rule is some function's


def _cell(rules):
    cell = nbformat.v4.new_code_cell("def f(x):\n    return x\n\ndef g(x):\n    return x\n")
    cell.metadata["nbgrader"] = {"solution": True, "grade_id": "f_answer"}
    if rules is not None:
        cell.metadata[RULES_KEY] = {"rules": rules}
    return cell


def test_a_name_without_a_rule_or_an_unknown_rule_is_refused_with_what_to_write():
    assert answer_rules(_cell({"f": "pooling", "g": None}), ("f", "g"), "x") == {"f": EXERCISES["pooling"], "g": None}
    with pytest.raises(ValueError, match=r"answer cell f_answer: no rule for g in metadata.course.rules .*or null"):
        answer_rules(_cell({"f": "pooling"}), ("f", "g"), "source/a/n.ipynb")
    with pytest.raises(ValueError, match="no rule for f, g"):
        answer_rules(_cell(None), ("f", "g"), "source/a/n.ipynb")
    with pytest.raises(ValueError, match=r"unknown rule poolin \(known: cross_entropy, .*pooling"):
        answer_rules(_cell({"f": "poolin", "g": None}), ("f", "g"), "source/a/n.ipynb")
