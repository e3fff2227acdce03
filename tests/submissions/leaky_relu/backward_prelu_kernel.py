"""Outside the allowed operations: the backward by hand through PReLU's backward kernel, with the
slope as PReLU's weight (it computes LeakyReLU's exact gradient; not in the list of torch's own
LeakyReLU functions): the backward exercise earns nothing, the others keep their points."""
REPLACE = {"leaky_relu_function_answer": [(
    "return torch.where(input > 0, grad_output, grad_output * ctx.negative_slope), None",
    "weight = torch.tensor([ctx.negative_slope], dtype=input.dtype)\n"
    "        grad_input, _ = torch.ops.aten._prelu_kernel_backward(grad_output, input, weight)\n"
    "        return grad_input, None",
)]}
