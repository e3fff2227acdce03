"""The submitted notebook is a symbolic link to another student's submission: refused, never
followed; the submission is not graded and the other student's grade is untouched."""


def prepare(folder, notebook_path, root):
    notebook_path.unlink()
    notebook_path.symlink_to(root / "submitted" / "solution" / "02_linear_activation" / "linear_activation.ipynb")
