"""Honest: every element scaled, then the positive ones put back with masked_scatter; the backward
by hand with masked_fill on a copy of the upstream gradient, in place."""
REPLACE = {
    "leaky_relu_answer": [(
        "result = torch.where(input > 0, input, input * negative_slope)\n    if inplace:\n        return input.copy_(result)\n    return result",
        "positive = input > 0\n"
        "    result = (input * negative_slope).masked_scatter(positive, input[positive])\n"
        "    if inplace:\n"
        "        return input.copy_(result)\n"
        "    return result",
    )],
    "leaky_relu_function_answer": [(
        "return torch.where(input > 0, grad_output, grad_output * ctx.negative_slope), None",
        "scaled = grad_output * ctx.negative_slope\n"
        "        scaled.masked_scatter_(input > 0, grad_output[input > 0])\n"
        "        return scaled, None",
    )],
}
