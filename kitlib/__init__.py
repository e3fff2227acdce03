"""The kit's own code (``./kit``): what the command line does for a student or an instructor on
their machine, outside the notebooks. Notebooks never import it; the grader imports only
:mod:`kitlib.workspace`'s record of what was released (so that regenerating release/ never loses a
student's edit).

- :mod:`kitlib.workspace`: the student's copies in ``work/`` (made once, never overwritten) and
  ``./kit update`` (a new version of an assignment, answers kept).
"""
