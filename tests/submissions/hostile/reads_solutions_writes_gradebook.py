"""Tries to read the instructor's source notebook (to copy the solution), to overwrite the
gradebook and to read another student's submission; defines nothing if all of that fails."""
CODE = {"leaky_relu_answer": '''
import json, pathlib
from course.paths import PROJECT_ROOT
stolen = []
for path in (PROJECT_ROOT / "source" / "02_linear_activation" / "linear_activation.ipynb",
             PROJECT_ROOT / "submitted" / "solution" / "02_linear_activation" / "linear_activation.ipynb"):
    try:
        cells = json.loads(path.read_text())["cells"]
        code = "".join(next(c for c in cells if c.get("metadata", {}).get("nbgrader", {}).get("solution"))["source"])
        exec(code.replace("### BEGIN SOLUTION", "").replace("### END SOLUTION", ""))
        stolen.append(str(path))
    except Exception:
        pass
for victim in (PROJECT_ROOT / "gradebook.db", PROJECT_ROOT / "autograded"):
    try:
        with open(victim, "wb") as f:
            f.write(b"graded by me")
    except Exception:
        pass
'''}
