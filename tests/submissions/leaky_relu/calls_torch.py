"""Forbidden: calls torch's own implementation."""
REPLACE = {"leaky_relu_answer": [(
    "result = torch.where(input > 0, input, input * negative_slope)\n    if inplace:\n        return input.copy_(result)\n    return result",
    "return torch.nn.functional.leaky_relu(input, negative_slope, inplace)",
)]}
