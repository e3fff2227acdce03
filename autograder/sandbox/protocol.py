"""The vocabulary of the messages between the grader and the student's process, in one place.

``autograder.sandbox.wire`` frames the messages (JSON header, raw tensor bytes); this module names what
they say. The grader (:mod:`autograder.sandbox.stand_ins`, :mod:`autograder.sandbox.remote`) sends requests whose
``"op"`` is one of :data:`OPS`; the student's process (:mod:`autograder.sandbox.student_process`) answers
each. Inside a message a value that is not plain JSON travels as a one-key dict tagged with one of
the names below; each direction has its own tags, and each side accepts only the other's.
"""

CALL, BACKWARD, GETATTR, REPR = "call", "backward", "getattr", "repr"
OPS = (CALL, BACKWARD, GETATTR, REPR)
"""A request's ``op``: call an export or an object, run a call's backward, read an attribute, repr."""

# grader → student: values inside a request's arguments
TENSOR = "__tensor__"      # {TENSOR: i}: the request's i-th tensor
HANDLE = "__handle__"      # {HANDLE: h}: an object of the student's, by the handle it was sent out with
PROBE = "__probe__"        # {PROBE: name}: a function of course.probes, by its name (identity only)
DTYPE = "__dtype__"        # {DTYPE: "float32"}: a torch dtype (both directions)

# student → grader: values inside a reply's result
ARGUMENT = "__arg__"       # {ARGUMENT: i}: the request's i-th tensor itself, returned (or changed in place)
INVALID = "__invalid__"    # {INVALID: what}: a value that may not cross (a Tensor subclass)
REMOTE = "__remote__"      # {REMOTE: h, "kind", "class"}: an object that stays in the student's process
MODULE = "__module__"      # {MODULE: "Linear", "args", "state", ...}: a standard torch layer, rebuilt (never unpickled)
