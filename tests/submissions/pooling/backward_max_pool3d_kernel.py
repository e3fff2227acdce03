"""Outside the allowed operations: max pooling's backward by hand through the backward kernel of
torch's 3-D max pooling on a depth-1 volume (not in the list of torch's pooling functions): the
backward exercise earns nothing, the others keep their points."""
REPLACE = {"max_pool2d_backward_answer": [
    ("ctx.input_shape = input.shape",
     "ctx.input_shape = input.shape\n        ctx.settings = (kernel_size, stride, padding, dilation, ceil_mode)"),
    ("grad = grad_output.new_zeros(ctx.input_shape).flatten(-2)\n"
     "        grad.scatter_add_(-1, indices.flatten(-2), grad_output.flatten(-2))\n"
     "        return grad.reshape(ctx.input_shape), None, None, None, None, None",
     "kernel, step, pad, dil = pool_arguments(*ctx.settings[:4])\n"
     "        volume = grad_output.new_zeros(ctx.input_shape).unsqueeze(-3)\n"
     "        grad = torch.ops.aten.max_pool3d_with_indices_backward(\n"
     "            grad_output.unsqueeze(-3), volume, [1, *kernel], [1, *step], [0, *pad], [1, *dil], ctx.settings[4],\n"
     "            indices.unsqueeze(-3))\n"
     "        return grad.squeeze(-3), None, None, None, None, None"),
]}
