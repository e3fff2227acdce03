"""Calls torch's own leaky_relu: blocked in the student's process, so every test fails."""
REPLACE = {"leaky_relu_answer": [(
    "result = torch.where(input > 0, input, input * negative_slope)\n    if inplace:\n        return input.copy_(result)\n    return result",
    "return torch.nn.functional.leaky_relu(input, negative_slope, inplace)",
)]}
