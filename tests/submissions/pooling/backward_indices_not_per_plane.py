"""Wrong backward: the indices read as flat into the whole tensor instead of into each H×W plane,
so every channel's gradient lands in the first plane."""
REPLACE = {"max_pool2d_backward_answer": [(
    "grad = grad_output.new_zeros(input_shape).flatten(-2)\n"
    "    grad.scatter_add_(-1, indices.flatten(-2), grad_output.flatten(-2))",
    "grad = grad_output.new_zeros(input_shape).flatten()\n"
    "    grad.scatter_add_(0, indices.flatten(), grad_output.flatten())",
)]}
