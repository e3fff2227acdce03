"""The course directory: where every file lives, asked of nbgrader.

Owns ``layout`` (``CourseLayout``: every folder from nbgrader's ``CourseDirectory``) and
``nbgrader_course`` (nbgrader's own steps in-process; scratch courses). Imports nothing of the
other stages.
"""
