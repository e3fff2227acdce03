"""Publishing: what people see of a graded submission.

Owns the record of a result (``recording``: results.json, nbgrader's gradebook, the formgrader's
notebooks), the feedback pages (``feedback``), the one sanitiser of every rendered student
notebook (``sanitize``), the formgrader's Content-Security-Policy (``formgrader_csp``) and the
review comment (``review_comment``). May import ``sandbox``, ``intake``, ``authoring``,
``coursedir``; nothing of ``grading``.
"""
