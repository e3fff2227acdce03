"""A correct answer with a timestamp.txt that is not a time: graded, with a warning, and the
notebook's file time recorded as the submission time."""


def prepare(folder, notebook_path, root):
    (folder / "timestamp.txt").write_text("the day after tomorrow")
