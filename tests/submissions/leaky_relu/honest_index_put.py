"""Honest: the negative branch written through a boolean mask (``x[mask] = ...``, index_put), in the
forward and in the backward by hand, and the linear layer and the gradient check each written a
little otherwise than the solution (no cell a copy of it): full marks."""
REPLACE = {
    "leaky_relu_answer": [(
        "result = torch.where(input > 0, input, input * negative_slope)\n    if inplace:\n        return input.copy_(result)\n    return result",
        "negative = ~(input > 0)                      # 0 and NaN take the negative branch\n"
        "    out = input if inplace else input.clone()\n"
        "    out[negative] = input[negative] * negative_slope\n"
        "    return out",
    )],
    "leaky_relu_function_answer": [(
        "return torch.where(input > 0, grad_output, grad_output * ctx.negative_slope), None",
        "grad_input = grad_output.clone()\n"
        "        negative = ~(input > 0)\n"
        "        grad_input[negative] = grad_output[negative] * ctx.negative_slope\n"
        "        return grad_input, None",
    )],
    "linear_answer": [("out = x @ weight.T", "out = torch.matmul(x, weight.transpose(0, 1))")],
    "linear_function_answer": [("x, weight = ctx.saved_tensors", "x, weight = ctx.saved_tensors[0], ctx.saved_tensors[1]")],
    "gradient_check_answer": [("grad = torch.zeros_like(x)", "grad = x.new_zeros(x.shape)")],
}
