"""Authoring: turning ``source/`` into what the stages above need.

Owns the release (``release``: nbgrader's generate_assignment and the release check), the line a
student sees where a hidden test was removed (``hidden_test_note``), a notebook's code
(``notebook_code``) and each assignment's specs (``assignments``). May import ``coursedir`` only.
"""
