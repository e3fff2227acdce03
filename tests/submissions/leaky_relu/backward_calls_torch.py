"""Forbidden backward: asks autograd for the gradient of torch's own leaky_relu instead of writing it."""
REPLACE = {"leaky_relu_function_answer": [(
    "return torch.where(input > 0, grad_output, grad_output * ctx.negative_slope), None",
    "with torch.enable_grad():\n"
    "            x = input.detach().requires_grad_()\n"
    "            y = torch.nn.functional.leaky_relu(x, ctx.negative_slope)\n"
    "            grad_input, = torch.autograd.grad(y, x, grad_output)\n"
    "        return grad_input, None",
)]}
