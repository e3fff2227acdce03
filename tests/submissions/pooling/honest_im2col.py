"""Honest: the windows cut by F.unfold (im2col) from the padded input, the backward by hand as a
sum over one-hot comparisons of the indices with every position of the plane: full marks."""
REPLACE = {
    "pool_windows_answer": [(
        "windows = padded.unfold(2, spans[0], step[0]).unfold(3, spans[1], step[1])\n"
        "    windows = windows[:, :, :out[0], :out[1], ::dil[0], ::dil[1]]       # (N, C, oh, ow, kh, kw)\n"
        "    return windows.reshape(*windows.shape[:4], kernel[0] * kernel[1])",
        "n, c, h, w = padded.shape\n"
        "    values = padded if padded.is_floating_point() else padded.to(torch.float64)   # im2col wants floats\n"
        "    columns = F.unfold(values.reshape(n * c, 1, h, w), kernel, dilation=dil, stride=step)\n"
        "    counts = [(size - span) // s + 1 for size, span, s in zip((h, w), spans, step)]\n"
        "    windows = columns.reshape(n, c, kernel[0] * kernel[1], *counts)[:, :, :, :out[0], :out[1]]\n"
        "    return windows.permute(0, 1, 3, 4, 2).to(input.dtype)",
    )],
    "max_pool2d_backward_answer": [(
        "grad = grad_output.new_zeros(input_shape).flatten(-2)\n"
        "    grad.scatter_add_(-1, indices.flatten(-2), grad_output.flatten(-2))",
        "plane = torch.arange(input_shape[-2] * input_shape[-1], device=indices.device)\n"
        "    hits = (indices.flatten(-2).unsqueeze(-1) == plane).to(grad_output.dtype)    # (..., oh*ow, H*W)\n"
        "    grad = (hits * grad_output.flatten(-2).unsqueeze(-1)).sum(-2)",
    )],
}
