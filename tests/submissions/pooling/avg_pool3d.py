"""Forbidden: average pooling through torch's 3-D average pooling on a depth-1 volume; the other
exercises keep their points."""
CODE = {"avg_pool2d_answer": '''
def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    kernel, step, pad, _ = pool_arguments(kernel_size, stride, padding)
    out = F.avg_pool3d(input.unsqueeze(-3), (1, *kernel), (1, *step), (0, *pad), ceil_mode, count_include_pad,
                       divisor_override)
    return out.squeeze(-3)
'''}
