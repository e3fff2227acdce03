"""nbgrader configuration: the repository root is the course directory.

Run every nbgrader command from this folder (``./kit`` and the autograder do): from a subfolder
nbgrader finds no config and silently creates an empty gradebook.db there.
"""

import os
import sys

c = get_config()  # noqa: F821 (provided by nbgrader)

COURSE_ROOT = os.path.dirname(os.path.abspath(__file__))
# The autograder package is not installed (student kernels must not import it): find it here.
if COURSE_ROOT not in sys.path:
    sys.path.insert(0, COURSE_ROOT)

c.CourseDirectory.course_id = "cnn-layers"
c.CourseDirectory.root = COURSE_ROOT
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(COURSE_ROOT, "gradebook.db")

# The exchange (release/fetch/submit between accounts) lives inside the project, not in /srv.
c.Exchange.root = os.path.join(COURSE_ROOT, "exchange")

# Student versions: solution regions become this stub; hidden tests are removed.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
# Where a hidden test was removed, the student sees one line saying that more tests run when the
# notebook is graded (and how a self-learner runs them), not a blank locked cell.
from autograder.authoring.hidden_test_note import ExplainHiddenTests  # noqa: E402
from nbgrader.converters import GenerateAssignment  # noqa: E402
from nbgrader.preprocessors import ClearHiddenTests  # noqa: E402

c.GenerateAssignment.preprocessors = [ExplainHiddenTests if p is ClearHiddenTests else p
                                      for p in GenerateAssignment.class_traits()["preprocessors"].default()]
# Keep the release byte-identical between runs: no outputs, no execution counts.
c.ClearOutput.enabled = True

# LMS downloads for `python -m autograder collect` (nbgrader zip_collect): one notebook per student,
# named <student id>__<notebook file name>, e.g. ada__pooling.ipynb.
c.FileNameCollectorPlugin.named_regexp = r".*?(?P<student_id>[A-Za-z0-9_.-]+?)__(?P<file_id>[^/]+\.ipynb)$"

# Every HTML page nbgrader makes of a student's notebook (the formgrader's manual-grading view,
# generate_feedback) first goes through the kit's sanitiser, so that nothing a student wrote runs in
# a grader's browser (autograder/publish/sanitize.py; autograder/THREAT_MODEL.md). Feedback leaves hidden
# tests out. `python -m autograder feedback ASSIGNMENT` runs generate_feedback and the kit's report.
c.HTMLExporter.preprocessors = ["autograder.publish.sanitize.SanitizeStudentContent"]
# The grader's flags for review are the instructor's: kept out of the feedback (review_comment.py).
c.GenerateFeedback.preprocessors = ["nbgrader.preprocessors.GetGrades", "autograder.publish.review_comment.HideReviewComments",
                                    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
                                    "nbgrader.preprocessors.ClearHiddenTests"]
# Inside the Lab server (the formgrader reads this file there), a Content-Security-Policy on the
# manual-grading view as a second line of defence; a no-op for nbgrader's commands.
try:
    from autograder.publish.formgrader_csp import install

    install()
except ImportError:     # autograder is not installed (a copy of this file outside the kit)
    pass
except Exception as exc:  # noqa: BLE001 - never let it cost nbgrader the rest of this file
    import sys

    print(f"nbgrader_config.py: no Content-Security-Policy on the manual-grading view ({exc!r})", file=sys.stderr)
