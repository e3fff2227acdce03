"""Honest: one slice per kernel position (a loop over the few positions of the kernel, stacked),
the backward by hand with index_add_ on the flattened gradient: full marks."""
REPLACE = {
    "pool_windows_answer": [(
        "windows = padded.unfold(2, spans[0], step[0]).unfold(3, spans[1], step[1])\n"
        "    windows = windows[:, :, :out[0], :out[1], ::dil[0], ::dil[1]]       # (N, C, oh, ow, kh, kw)\n"
        "    return windows.reshape(*windows.shape[:4], kernel[0] * kernel[1])",
        "rows = [a * dil[0] for a in range(kernel[0])]\n"
        "    cols = [b * dil[1] for b in range(kernel[1])]\n"
        "    return torch.stack([padded[:, :, r:r + step[0] * (out[0] - 1) + 1:step[0], c:c + step[1] * (out[1] - 1) + 1:step[1]]\n"
        "                        for r in rows for c in cols], dim=-1)",
    )],
    "max_pool2d_backward_answer": [(
        "grad = grad_output.new_zeros(input_shape).flatten(-2)\n"
        "    grad.scatter_add_(-1, indices.flatten(-2), grad_output.flatten(-2))",
        "flat = indices.flatten(-2)                                              # (..., oh*ow)\n"
        "    plane = input_shape[-2] * input_shape[-1]\n"
        "    offsets = torch.arange(flat[..., 0].numel(), device=flat.device).reshape(*flat.shape[:-1], 1) * plane\n"
        "    grad = grad_output.new_zeros(input_shape).reshape(-1)\n"
        "    grad.index_add_(0, (flat + offsets).reshape(-1), grad_output.reshape(-1))",
    )],
}
