"""Every call raises an exception whose message holds a lone surrogate (not valid UTF-8): the
reason is kept as valid text (U+FFFD), the autograded notebook and feedback are written, and the
others in the run are graded."""
REPLACE = {"leaky_relu_answer": [(
    "result = torch.where(input > 0, input, input * negative_slope)",
    'raise ValueError("bad \\udc80 text")',
)]}
