"""The submitted notebook is a symbolic link to the instructor's source notebook (solutions and
hidden tests): refused, never followed; the submission is not graded."""


def prepare(folder, notebook_path, root):
    notebook_path.unlink()
    notebook_path.symlink_to(root / "source" / "02_linear_activation" / "linear_activation.ipynb")
