"""The sandbox: the student's code in a process of its own, and everything that crosses to it.

Owns the process (``remote.StudentProcess``), what runs inside it (``student_process``), the
grader's end of a call (``stand_ins``), the framing (``wire``) and vocabulary (``protocol``) of
the messages, the confinement (``bwrap``: bubblewrap; ``cgroup``: memory and processes;
``cpu_only``) and the limits (``limits``). May import ``intake``, ``authoring``, ``coursedir``;
nothing of ``grading`` or ``publish``.
"""
