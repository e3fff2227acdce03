"""Grading: the tests run here, in the grader's process, never in the student's.

Owns one notebook's grading (``notebook_grading``), one submission in a worker (``worker``), the
ways to run many (``runners``: a local process pool; ``cluster``: Dask), a whole assignment
(``grade``) and the student's self-check (``selfcheck``). May import every stage below it:
``publish``, ``sandbox``, ``intake``, ``authoring``, ``coursedir``.
"""
