"""Honest: the negative branch written through a boolean mask (``x[mask] = ...``, index_put), in the
forward and in the backward by hand: full marks."""
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
}
