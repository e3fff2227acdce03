"""Outside the allowed operations: leaky_relu through PReLU's kernel, the slope as its weight. The
backward exercise calls this forward too, so nothing in the notebook passes."""
REPLACE = {"leaky_relu_answer": [(
    "result = torch.where(input > 0, input, input * negative_slope)",
    "result = torch.ops.aten._prelu_kernel(input, torch.tensor([negative_slope], dtype=input.dtype))",
)]}
