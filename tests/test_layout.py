"""CourseLayout asks nbgrader's CourseDirectory where each kind of notebook lives, so a course whose
nbgrader_config.py renames a folder is graded where nbgrader puts it."""

from autograder import COURSE_ROOT
from autograder.coursedir.layout import CourseLayout


def test_the_projects_layout_is_nbgraders_default_one():
    place = CourseLayout(COURSE_ROOT)
    assert place.source("02_linear_activation") == COURSE_ROOT / "source" / "02_linear_activation"
    assert place.release("01_pooling") == COURSE_ROOT / "release" / "01_pooling"
    assert place.submitted("ada", "01_pooling") == COURSE_ROOT / "submitted" / "ada" / "01_pooling"
    assert place.results("ada", "01_pooling") == COURSE_ROOT / "autograded" / "ada" / "01_pooling" / "results.json"
    assert place.feedback_page("ada", "03_lenet") == COURSE_ROOT / "feedback" / "ada" / "03_lenet" / "feedback.html"
    assert place.assignments() == ["01_pooling", "02_linear_activation", "03_lenet"]


def test_students_with_a_submission_are_found_where_nbgrader_puts_them(tmp_path):
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()  # noqa: F821\n")
    for student in ("grace", "ada"):
        (tmp_path / "submitted" / student / "01_pooling").mkdir(parents=True)
    (tmp_path / "submitted" / "alan" / "02_linear_activation").mkdir(parents=True)
    (tmp_path / "submitted" / "note.txt").write_text("not a student")
    assert CourseLayout(tmp_path).students_with("01_pooling") == ["ada", "grace"]


def test_a_renamed_folder_and_structure_in_the_config_are_followed(tmp_path):
    (tmp_path / "nbgrader_config.py").write_text(
        "c = get_config()  # noqa: F821\n"
        "c.CourseDirectory.submitted_directory = 'handed_in'\n"
        "c.CourseDirectory.directory_structure = '{nbgrader_step}/{assignment_id}/{student_id}'\n")
    (tmp_path / "handed_in" / "01_pooling" / "ada").mkdir(parents=True)
    (tmp_path / "source" / "01_pooling").mkdir(parents=True)
    (tmp_path / "source" / "01_pooling" / "pooling.ipynb").write_text("{}")
    place = CourseLayout(tmp_path)
    assert place.submitted("ada", "01_pooling") == tmp_path / "handed_in" / "01_pooling" / "ada"
    assert place.source("01_pooling") == tmp_path / "source" / "01_pooling"
    assert place.assignments() == ["01_pooling"]
    assert place.students_with("01_pooling") == ["ada"] and place.students_with("02_linear_activation") == []
