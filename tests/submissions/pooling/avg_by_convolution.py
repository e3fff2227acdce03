"""Outside the allowed operations: the windows' sums of average pooling by a convolution with a
kernel of ones (no pooling function is called, so no list of torch's pooling functions catches it);
the other exercises keep their points."""
REPLACE = {"avg_pool2d_answer": [(
    "sums = pool_windows(x, kernel_size, stride, padding, 1, ceil_mode, fill=0.0).sum(-1)",
    "kernel, step, pad, _ = pool_arguments(kernel_size, stride, padding)\n"
    "    out = [pool_output_size(n, k, s, p, 1, ceil_mode) for n, k, s, p in zip(x.shape[2:], kernel, step, pad)]\n"
    "    extra = [max(0, (o - 1) * s + k - (n + 2 * p)) for o, s, k, n, p in zip(out, step, kernel, x.shape[2:], pad)]\n"
    "    padded = F.pad(x, (pad[1], pad[1] + extra[1], pad[0], pad[0] + extra[0]))\n"
    "    planes = padded.reshape(-1, 1, *padded.shape[2:])\n"
    "    sums = F.conv2d(planes, torch.ones(1, 1, *kernel, dtype=x.dtype, device=x.device), stride=step)\n"
    "    sums = sums.reshape(*x.shape[:2], *sums.shape[2:])[:, :, :out[0], :out[1]]",
)]}
