"""Outside the allowed operations: max pooling's backward by hand through `torch.bincount` with the
upstream gradient as weights (a right answer, but bincount is not in the exercise's list): the
backward exercise earns nothing, the others keep their points."""
REPLACE = {"max_pool2d_backward_answer": [(
    "grad = grad_output.new_zeros(input_shape).flatten(-2)\n"
    "    grad.scatter_add_(-1, indices.flatten(-2), grad_output.flatten(-2))\n"
    "    return grad.reshape(input_shape)",
    "plane = input_shape[-2] * input_shape[-1]\n"
    "    flat = indices.flatten(-2)\n"
    "    offsets = torch.arange(flat[..., 0].numel()).reshape(*flat.shape[:-1], 1) * plane\n"
    "    total = torch.Size(input_shape).numel()\n"
    "    grad = torch.bincount((flat + offsets).reshape(-1), weights=grad_output.reshape(-1), minlength=total)\n"
    "    return grad.to(grad_output.dtype).reshape(input_shape)",
)]}
