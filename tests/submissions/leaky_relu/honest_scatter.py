"""Honest: the positions of the negative branch found with nonzero, their values written with
scatter (forward) and index_copy_ (backward), on the flattened tensor."""
REPLACE = {
    "leaky_relu_answer": [(
        "result = torch.where(input > 0, input, input * negative_slope)\n    if inplace:\n        return input.copy_(result)\n    return result",
        "flat = input.reshape(-1)\n"
        "    negative = (~(flat > 0)).nonzero().squeeze(1)          # where the negative branch applies\n"
        "    result = flat.scatter(0, negative, flat[negative] * negative_slope).reshape(input.shape)\n"
        "    if inplace:\n"
        "        return input.copy_(result)\n"
        "    return result",
    )],
    "leaky_relu_function_answer": [(
        "return torch.where(input > 0, grad_output, grad_output * ctx.negative_slope), None",
        "flat = grad_output.reshape(-1)\n"
        "        negative = (~(input.reshape(-1) > 0)).nonzero().squeeze(1)\n"
        "        grad_input = flat.clone().index_copy_(0, negative, flat[negative] * ctx.negative_slope)\n"
        "        return grad_input.reshape(input.shape), None",
    )],
}
