"""A wrong answer (the input unchanged) that patches torch and the test helpers so that every
comparison in its own kernel would pass: it changes nothing in the grader's process."""
REPLACE = {"leaky_relu_answer": [(
    "result = torch.where(input > 0, input, input * negative_slope)\n    if inplace:\n        return input.copy_(result)\n    return result",
    "return input if inplace else input.clone()",
)]}
APPEND = {"leaky_relu_answer": '''
import builtins, course.checks
torch.nn.functional.leaky_relu = F.leaky_relu = leaky_relu
torch.equal = lambda *args, **kwargs: True
torch.allclose = lambda *args, **kwargs: True
course.checks.assert_same_floats = lambda *args, **kwargs: None
course.checks.floats_of = lambda tensor: []
course.checks.forbid_ops = lambda *args, **kwargs: __import__("contextlib").nullcontext(set())
builtins.AssertionError = type("Harmless", (Exception,), {})
'''}
