"""The submitted notebook is a named pipe (reading it would wait forever): refused, not graded."""


def prepare(folder, notebook_path, root):
    import os
    notebook_path.unlink()
    os.mkfifo(notebook_path)
