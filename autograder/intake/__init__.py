"""Intake: where student files enter. Everything from a student is hostile data here.

Owns collecting (``collect``: an LMS zip or nbgrader's exchange into ``submitted/``), reading and
validating a notebook (``submission``), and the instructor's flags (``copied_solution``,
``review``). May import ``authoring`` and ``coursedir`` only.
"""
