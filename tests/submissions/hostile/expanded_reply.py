"""Returns `torch.zeros(1).expand(60_000_000)` (a 1 KB pickle that once became 2.9 GB in the
grader): it crosses at its full size, which is over the reply limit, so it is refused before
the grader reads it."""
REPLACE = {"leaky_relu_answer": [(
    "result = torch.where(input > 0, input, input * negative_slope)",
    "return torch.zeros(1).expand(60_000_000)",
)]}
