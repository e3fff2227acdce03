"""Honest: multiply by a factor tensor (the slope, 1 where x > 0, set with masked_fill), computed in
the precision torch multiplies in; the backward multiplies the upstream gradient the same way."""
REPLACE = {
    "leaky_relu_answer": [(
        "result = torch.where(input > 0, input, input * negative_slope)\n    if inplace:\n        return input.copy_(result)\n    return result",
        "opmath = torch.float64 if input.dtype == torch.float64 else torch.float32   # as torch multiplies\n"
        "    factor = torch.full(input.shape, negative_slope, dtype=opmath, device=input.device)\n"
        "    factor.masked_fill_(input > 0, 1.0)\n"
        "    result = (input.to(opmath) * factor).to(input.dtype)\n"
        "    if inplace:\n"
        "        return input.copy_(result)\n"
        "    return result",
    )],
    "leaky_relu_function_answer": [(
        "return torch.where(input > 0, grad_output, grad_output * ctx.negative_slope), None",
        "positive = (input > 0).to(grad_output.dtype)\n"
        "        return grad_output * (positive + (1 - positive) * ctx.negative_slope), None",
    )],
}
